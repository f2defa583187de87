package dev.weft.definition;

import java.util.Arrays;
import java.util.Optional;

/** What the run does when a node fails after its retries. */
public enum OnError {
  /** The run fails (default). */
  FAIL("fail"),
  /** The node's output becomes the error object and its main edges are taken. */
  CONTINUE("continue"),
  /** The run follows the node's {@code error} port instead of its normal ports. */
  BRANCH("branch"),
  /**
   * The run waits and asks its operators: retry (optionally with an edited config), skip (with a
   * substitute output) or stop (the run fails with the node's error).
   */
  ASK("ask");

  private final String wire;

  OnError(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static Optional<OnError> fromWire(String s) {
    if (s == null) return Optional.of(FAIL);
    return Arrays.stream(values()).filter(v -> v.wire.equals(s)).findFirst();
  }
}
