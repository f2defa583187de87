package dev.weft.engine;

import dev.weft.definition.Json;
import io.temporal.common.RetryOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The run's event recorder: builds the run, node and control events, keeps the events of the current
 * scheduling round and writes them in one local activity ({@link RunEventActivities}) before the run
 * blocks. Owned by one {@link RunWorkflowImpl} instance; records nothing for runs recorded before the
 * event log existed. Workflow code: only {@link Workflow}'s clock, no I/O but the local activity.
 */
final class RunEvents {
  private final int previewBytes;
  /** Events of the current scheduling round, written in one local activity before the run blocks. */
  private final List<RunEvent> pending = new ArrayList<>();
  private boolean recording;
  /** Writes one batch at a time, in order, when several workflow threads flush (loop iterations). */
  private boolean ordered;
  private boolean flushing;
  /** Events emitted so far, and how many of them the store has (in this Temporal run). */
  private long emitted;
  private long written;
  private final RunEventActivities eventWriter = Workflow.newLocalActivityStub(RunEventActivities.class,
      LocalActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          // While the store is unreachable the run waits here, with backoff, rather than lose events.
          // (A local activity with neither a schedule-to-close timeout nor an attempt limit is not
          // retried at all, so "until the store is back" is spelled as a very large attempt limit.)
          .setRetryOptions(RetryOptions.newBuilder()
              .setInitialInterval(Duration.ofSeconds(1))
              .setBackoffCoefficient(2.0)
              .setMaximumInterval(Duration.ofMinutes(1))
              .setMaximumAttempts(Integer.MAX_VALUE)
              .build())
          .build());

  RunEvents(int previewBytes) {
    this.previewBytes = previewBytes;
  }

  /** Turns recording on (runs that started with the event log) or off (runs recorded before it). */
  void recording(boolean on) {
    this.recording = on;
  }

  boolean recording() {
    return recording;
  }

  void emit(RunEvent e) {
    if (!recording) return;
    pending.add(e);
    emitted++;
  }

  /**
   * Blocks the calling workflow thread until every event emitted so far is written (at once when
   * recording is off): a node that leaves the workflow waits here so that its own attempt events, which
   * its activity writes itself, follow its {@code node_started} in the store.
   */
  void awaitWritten() {
    long mark = emitted;
    if (written >= mark) return;
    // Events this thread emitted itself (a node retried after onError: ask) have no one else to write them.
    if (!pending.isEmpty()) flush();
    Workflow.await(() -> written >= mark);
  }

  void runStarted(RunInput input, Instant startedAt) {
    ObjectNode started = Json.object();
    started.put("workflowId", input.definition().workflowId());
    started.put("version", input.definition().version());
    started.put("contentHash", input.definition().contentHash());
    started.put("temporalRunId", Workflow.getInfo().getRunId());
    if (input.trigger() != null) started.put("trigger", input.trigger());
    if (input.startedBy() != null) started.put("startedBy", input.startedBy());
    // A child run names its parent: the subworkflow node's run, or the failed run of an error workflow.
    Workflow.getInfo().getParentWorkflowId().ifPresent(p -> started.put("parentRunId", p));
    emit(new RunEvent(runId(), RunEvent.RUN, null, 0, EventKind.RUN_STARTED, startedAt, null,
        Previews.of(input.input(), previewBytes), null, null, started));
  }

  /** The run's last event carries its final state, without node outputs (see {@link RunState#withoutNodeOutputs}). */
  void runEnded(EventKind kind, Instant startedAt, Instant endedAt, NodeError runError, RunState state) {
    JsonNode finalState = Json.MAPPER.valueToTree(state.withoutNodeOutputs());
    emit(new RunEvent(runId(), RunEvent.RUN, null, 0, kind, endedAt, endedAt.toEpochMilli() - startedAt.toEpochMilli(),
        null, null, runError, finalState));
  }

  void node(NodeRun n, EventKind kind, int attempt, JsonNode input, JsonNode out, NodeError error) {
    Long duration = n.startedAt == null || n.endedAt == null || kind == EventKind.NODE_STARTED || kind == EventKind.NODE_WAITING
        ? null : n.endedAt.toEpochMilli() - n.startedAt.toEpochMilli();
    ObjectNode data = null;
    if (kind == EventKind.NODE_COMPLETED || kind == EventKind.NODE_FAILED) {
      data = Json.object();
      data.set("ports", Json.MAPPER.valueToTree(n.ports));
    }
    emit(new RunEvent(runId(), n.key, n.def.type(), attempt, kind, now(), duration, input, out, error, data));
  }

  void control(EventKind kind, int ordinal, ControlInput c) {
    ObjectNode data = Json.object();
    data.put("principal", c.principal() == null ? null : c.principal().id());
    if (c.reason() != null) data.put("reason", c.reason());
    emit(new RunEvent(runId(), RunEvent.RUN, null, ordinal, kind, now(), null, null, null, null, data));
  }

  /**
   * Flushes from several threads one batch after the other, so the store receives events in the order
   * they happened (runs with loops; runs recorded before them replay as they were).
   */
  void ordered(boolean on) {
    this.ordered = on;
  }

  /** Writes this round's events; the run waits here while the store is unreachable. */
  void flush() {
    if (pending.isEmpty()) return;
    if (ordered && flushing) {
      Workflow.await(() -> !flushing);
      if (pending.isEmpty()) return;
    }
    List<RunEvent> batch = List.copyOf(pending);
    pending.clear();
    flushing = true;
    try {
      if (ordered) {
        // A cancelled loop iteration still writes what it did: outside its cancelled scope.
        Workflow.newDetachedCancellationScope(() -> eventWriter.record(batch)).run();
      } else {
        eventWriter.record(batch);
      }
      written += batch.size();
    } finally {
      flushing = false;
    }
  }

  private static String runId() {
    return Workflow.getInfo().getWorkflowId();
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
