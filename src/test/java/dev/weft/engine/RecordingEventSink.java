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

  private volatile java.util.function.Predicate<List<RunEvent>> hangWhen = b -> false;
  private volatile long hangMillis;

  /** Batches that match block this long before they are recorded, as a store that does not answer. */
  void hang(java.time.Duration d, java.util.function.Predicate<List<RunEvent>> which) {
    hangMillis = d.toMillis();
    hangWhen = which;
  }

  synchronized int failed() {
    return failed;
  }

  @Override
  public void record(List<RunEvent> batch) {
    if (hangWhen.test(batch)) {
      try {
        Thread.sleep(hangMillis);
      } catch (InterruptedException e) {
        // The writer gave up on this write (as a pool stops waiting for a connection): nothing recorded.
        throw new IllegalStateException("interrupted", e);
      }
    }
    recordNow(batch);
  }

  private synchronized void recordNow(List<RunEvent> batch) {
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
