package dev.weft.node;

import tools.jackson.databind.JsonNode;

/**
 * An expected node failure with a stable code ({@code http.status}, {@code config.invalid}, ...). Only
 * {@code retryable} failures are retried by the node's retry policy.
 */
public class NodeFailure extends RuntimeException {
  private final String code;
  private final boolean retryable;
  private final transient JsonNode details;

  public NodeFailure(String code, String message, boolean retryable) {
    this(code, message, retryable, null);
  }

  public NodeFailure(String code, String message, boolean retryable, JsonNode details) {
    super(message);
    this.code = code;
    this.retryable = retryable;
    this.details = details;
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
}
