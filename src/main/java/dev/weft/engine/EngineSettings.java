package dev.weft.engine;

/**
 * Limits of the interpreter: node outputs above {@code claimCheckBytes} are stored outside workflow
 * history and referenced; the {@code state} query shows at most {@code statePreviewBytes} per output.
 */
public record EngineSettings(int claimCheckBytes, int statePreviewBytes) {
  public static final EngineSettings DEFAULTS = new EngineSettings(128 * 1024, 16 * 1024);
}
