package dev.weft.engine;

/** The MDC keys Weft's logs carry, so every line of a run can be found by its ids. */
public final class Mdc {
  public static final String RUN_ID = "runId";
  public static final String NODE_ID = "nodeId";

  private Mdc() {}
}
