package dev.weft.engine;

import java.util.List;

/**
 * Where run events are written: the store in the service. Implementations must be idempotent on
 * (run, node, attempt, kind): writers retry, and a replayed or re-executed writer sends the same events.
 */
public interface RunEventSink {
  RunEventSink NONE = events -> { };

  void record(List<RunEvent> events);
}
