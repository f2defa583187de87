package dev.weft.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A run event sink in memory, idempotent on (run, node, attempt, kind) like the store. */
final class RecordingEventSink implements RunEventSink {
  private final Map<String, RunEvent> events = new LinkedHashMap<>();
  private int calls;
  private int failuresLeft;
  private java.util.function.Predicate<List<RunEvent>> failWhen = b -> true;
  private int failed;

  /** The next {@code n} batches that match fail, as if the store were unreachable. */
  synchronized void failNext(int n, java.util.function.Predicate<List<RunEvent>> which) {
    failuresLeft = n;
    failWhen = which;
  }

  synchronized int failed() {
    return failed;
  }

  @Override
  public synchronized void record(List<RunEvent> batch) {
    calls++;
    if (failuresLeft > 0 && failWhen.test(batch)) {
      failuresLeft--;
      failed++;
      throw new IllegalStateException("store unreachable (test)");
    }
    for (RunEvent e : batch) events.putIfAbsent(e.runId() + "|" + e.nodeId() + "|" + e.attempt() + "|" + e.kind(), e);
  }

  synchronized List<RunEvent> of(String runId) {
    return new ArrayList<>(events.values().stream().filter(e -> e.runId().equals(runId)).toList());
  }

  synchronized int calls() {
    return calls;
  }
}
