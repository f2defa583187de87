package dev.weft.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A run event sink in memory, idempotent on (run, node, attempt, kind) like the store. */
final class RecordingEventSink implements RunEventSink {
  private final Map<String, RunEvent> events = new LinkedHashMap<>();
  private int calls;

  @Override
  public synchronized void record(List<RunEvent> batch) {
    calls++;
    for (RunEvent e : batch) events.putIfAbsent(e.runId() + "|" + e.nodeId() + "|" + e.attempt() + "|" + e.kind(), e);
  }

  synchronized List<RunEvent> of(String runId) {
    return new ArrayList<>(events.values().stream().filter(e -> e.runId().equals(runId)).toList());
  }

  synchronized int calls() {
    return calls;
  }
}
