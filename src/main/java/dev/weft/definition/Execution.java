package dev.weft.definition;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where a node that leaves the workflow runs (its {@code execution} field): as a Temporal activity, or
 * as a local activity executed by the worker that runs the workflow, inside the same workflow task.
 * Both retry with the node's policy, time out with its {@code timeout}, write the same events and pass
 * the same idempotency key; a local activity interrupted by a crash runs again, like an activity.
 * docs/definition-format.md ("execution") says which nodes {@link #AUTO} runs locally.
 */
public enum Execution {
  /** The engine chooses: local for short node types whose timeout is at most {@link #LOCAL_MAX_TIMEOUT}. */
  AUTO("auto"),
  /** A Temporal activity: scheduled by the server, visible as pending, any timeout. */
  ACTIVITY("activity"),
  /** A local activity: no round trip through the server per attempt; the timeout must be at most {@link #LOCAL_MAX_TIMEOUT}. */
  LOCAL("local");

  /**
   * The longest timeout a local node may have. While a local activity runs, the run's queries and
   * updates wait for its workflow task, which the SDK heartbeats every ~8 s (80 % of the 10 s task
   * timeout): a bound keeps that wait rare and short. It equals the default node timeout.
   */
  public static final Duration LOCAL_MAX_TIMEOUT = NodeDef.DEFAULT_TIMEOUT;

  private final String wire;

  Execution(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static Optional<Execution> fromWire(String s) {
    if (s == null) return Optional.of(AUTO);
    return Arrays.stream(values()).filter(v -> v.wire.equals(s)).findFirst();
  }
}
