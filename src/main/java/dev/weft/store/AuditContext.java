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

  /** Makes {@code request} the current request until the returned scope is closed. */
  public static Scope open(Request request) {
    Request previous = CURRENT.get();
    CURRENT.set(request);
    return () -> {
      if (previous == null) CURRENT.remove(); else CURRENT.set(previous);
    };
  }

  /** The span of one request; closing it restores what was current before. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
