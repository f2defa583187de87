package dev.weft.api;

/** A request body over {@code weft.api.max-request-bytes}. */
public class PayloadTooLarge extends RuntimeException {
  public PayloadTooLarge(long limit) {
    super("the request body is larger than " + limit + " bytes (weft.api.max-request-bytes)");
  }
}
