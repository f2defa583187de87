package dev.weft.engine;

import java.util.Locale;

/** What happened in a run; the wire name ({@code node_started}, ...) is the SSE event name. */
public enum EventKind {
  RUN_STARTED, NODE_STARTED, NODE_WAITING, NODE_ATTEMPT_COMPLETED, NODE_ATTEMPT_FAILED, NODE_COMPLETED, NODE_FAILED, NODE_SKIPPED,
  NODE_CANCELED, RUN_COMPLETED, RUN_FAILED, RUN_CANCELED,
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
