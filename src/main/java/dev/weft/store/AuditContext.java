package dev.weft.store;

import java.util.Optional;

/**
 * The HTTP request an audited action comes from: set for the duration of each API request (see
 * {@code AuditContextFilter}), so that every audit entry written meanwhile — a decision, a cancel, a
 * key change — records the request and how long it had taken, whichever service writes it.
 */
public final class AuditContext {
  /** What the audit keeps of a request: never its headers or body. */
  public record Request(String method, String path, String remoteAddress, String userAgent, long startedNanos) {}

  private static final ThreadLocal<Request> CURRENT = new ThreadLocal<>();

  private AuditContext() {}

  public static Optional<Request> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** Runs {@code work} with {@code request} as the current request. */
  public static void with(Request request, ThrowingRunnable work) throws Exception {
    Request previous = CURRENT.get();
    CURRENT.set(request);
    try {
      work.run();
    } finally {
      if (previous == null) CURRENT.remove(); else CURRENT.set(previous);
    }
  }

  /** Work that may throw what a servlet filter chain throws. */
  @FunctionalInterface
  public interface ThrowingRunnable {
    void run() throws Exception;
  }
}
