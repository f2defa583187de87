package dev.weft.engine;

import java.util.Locale;

/** What happened in a run; the wire name ({@code node_started}, ...) is the SSE event name. */
public enum EventKind {
  RUN_STARTED, NODE_STARTED, NODE_WAITING, NODE_ATTEMPT_COMPLETED, NODE_ATTEMPT_FAILED, NODE_COMPLETED, NODE_FAILED, NODE_SKIPPED,
  NODE_CANCELED,
  /** A person's decision was taken by a waiting node ({@code attempt} numbers the node's decisions). */
  NODE_DECISION,
  /** A human task is still open after its reminder interval ({@code attempt} numbers the reminders). */
  NODE_REMINDER,
  /** A human task timed out and went to its escalation approvers. */
  NODE_ESCALATED,
  /** One model turn of an {@code agent} node ({@code attempt} numbers the turns; output: text, tool calls, usage). */
  AGENT_TURN,
  /** One tool call of an {@code agent} node ({@code attempt} numbers its calls; input: arguments, output: result). */
  AGENT_TOOL_CALL,
  /** The run was paused or resumed ({@code attempt} numbers the pauses). */
  RUN_PAUSED, RUN_RESUMED,
  RUN_COMPLETED, RUN_FAILED, RUN_CANCELED,
  /** The run ended without recording it itself: terminated or timed out in Temporal, or lost by it. */
  RUN_TERMINATED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A run's last event: nothing follows it. */
  public boolean ends() {
    return this == RUN_COMPLETED || this == RUN_FAILED || this == RUN_CANCELED || this == RUN_TERMINATED;
  }

  public static EventKind fromWire(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }
}
