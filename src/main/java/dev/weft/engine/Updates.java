package dev.weft.engine;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowNotFoundException;
import java.util.function.Supplier;

/**
 * Sends an Update to a run. Temporal's in-process test server (embedded mode and tests) sometimes loses
 * track of an update that its workflow rejected at once and answers {@code NOT_FOUND: update ... not
 * found}; a rejected update left nothing in the run, so asking again is safe and gets the rejection.
 */
public final class Updates {
  static final int ATTEMPTS = 5;

  private Updates() {}

  public static <T> T send(Supplier<T> update) {
    for (int attempt = 1; ; attempt++) {
      try {
        return update.get();
      } catch (WorkflowNotFoundException e) {
        if (attempt >= ATTEMPTS || !lostUpdate(e)) throw e;
      }
    }
  }

  static boolean lostUpdate(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.NOT_FOUND
          && String.valueOf(s.getStatus().getDescription()).startsWith("update ")) {
        return true;
      }
    }
    return false;
  }
}
