package dev.weft.node;

import java.time.Duration;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * An expected node failure with a stable code ({@code http.status}, {@code config.invalid}, ...). Only
 * {@code retryable} failures are retried by the node's retry policy.
 */
public class NodeFailure extends RuntimeException {
  private final String code;
  private final boolean retryable;
  private final transient JsonNode details;
  private final Duration retryAfter;

  public NodeFailure(String code, String message, boolean retryable) {
    this(code, message, retryable, null);
  }

  public NodeFailure(String code, String message, boolean retryable, JsonNode details) {
    this(code, message, retryable, details, null);
  }

  /**
   * @param retryAfter when the failed service said how long to wait (HTTP {@code Retry-After}), the next
   *     attempt waits that long instead of the policy's backoff
   */
  public NodeFailure(String code, String message, boolean retryable, JsonNode details, Duration retryAfter) {
    super(message);
    this.code = code;
    this.retryable = retryable;
    this.details = details;
    this.retryAfter = retryAfter;
  }

  public String code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
  }

  public JsonNode details() {
    return details;
  }

  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
