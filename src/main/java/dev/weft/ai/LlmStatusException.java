package dev.weft.ai;

/** A provider answered with an error status; {@code body} is a short preview of its answer. */
public class LlmStatusException extends RuntimeException {
  private final int status;
  private final String retryAfter;

  public LlmStatusException(int status, String body, String retryAfter) {
    super("the model answered " + status + (body == null || body.isBlank() ? "" : ": " + body.strip()));
    this.status = status;
    this.retryAfter = retryAfter;
  }

  public int status() {
    return status;
  }

  public String retryAfter() {
    return retryAfter;
  }
}
