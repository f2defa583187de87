package dev.weft.engine;

/**
 * Limits of the interpreter: node outputs above {@code claimCheckBytes} are stored outside workflow
 * history and referenced; the {@code state} query shows at most {@code statePreviewBytes} per output;
 * a {@code node_started} event shows at most {@code eventInputBytes} of what the node reads (the event
 * batch travels through history, and the full input is in the node's activity input anyway); a run
 * continues-as-new once its history holds {@code historyBudget} events (or Temporal suggests it).
 */
public record EngineSettings(int claimCheckBytes, int statePreviewBytes, int eventInputBytes, int historyBudget) {
  public static final int DEFAULT_HISTORY_BUDGET = 4_000;
  public static final EngineSettings DEFAULTS = new EngineSettings(128 * 1024, 16 * 1024, 4 * 1024, DEFAULT_HISTORY_BUDGET);

  public EngineSettings(int claimCheckBytes, int statePreviewBytes) {
    this(claimCheckBytes, statePreviewBytes, DEFAULTS.eventInputBytes(), DEFAULT_HISTORY_BUDGET);
  }

  /** The same settings with another history budget. */
  public EngineSettings withHistoryBudget(int events) {
    return new EngineSettings(claimCheckBytes, statePreviewBytes, eventInputBytes, events);
  }
}
