package dev.weft.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.client.WorkflowStub;
import io.temporal.testing.WorkflowReplayer;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The event log from the interpreter's side: complete, each event once, and patient with the store. */
class RunEventsTest {
  private final EngineTestSupport t = new EngineTestSupport();

  @AfterEach
  void close() {
    t.close();
  }

  private static final String FLOW = """
      {"name": "events", "nodes": [
        {"id": "fetch", "type": "test.flaky", "config": {"failures": 1}, "retry": {"maxAttempts": 2, "initialInterval": "1s"}},
        {"id": "pause", "type": "delay", "config": {"duration": "1h"}},
        {"id": "shape", "type": "set", "config": {"values": {"n": "{{ nodes.fetch.output }}"}}}
      ], "edges": [{"from": "fetch", "to": "pause"}, {"from": "pause", "to": "shape"}]}
      """;

  private static List<String> kinds(List<RunEvent> events) {
    return events.stream().map(e -> e.kind().wire() + (e.runLevel() ? "" : ":" + e.nodeId() + "#" + e.attempt())).toList();
  }

  @Test
  void aRunLogsItsWholeLifeOnce() throws Exception {
    WorkflowStub run = t.start(FLOW, "{}");
    run.getResult(RunResult.class);
    List<RunEvent> events = t.events.of(run.getExecution().getWorkflowId());
    assertThat(kinds(events)).containsExactlyInAnyOrder(
        "run_started",
        "node_started:fetch#1", "node_attempt_failed:fetch#1", "node_started:fetch#2", "node_attempt_completed:fetch#2",
        "node_completed:fetch#2",
        "node_waiting:pause#1", "node_completed:pause#1",
        "node_started:shape#1", "node_completed:shape#1",
        "run_completed");
    RunEvent last = events.getLast();
    assertThat(last.kind()).isEqualTo(EventKind.RUN_COMPLETED);
    assertThat(last.data().at("/nodes/shape/status").stringValue()).isEqualTo("COMPLETED");
    assertThat(last.data().at("/nodes/shape").has("output")).as("outputs live in node events, once").isFalse();
    // The activity's output is logged by the activity; the workflow's node_completed does not repeat it.
    assertThat(events.stream().filter(e -> e.kind() == EventKind.NODE_COMPLETED && e.nodeId().equals("fetch")).findFirst()
        .orElseThrow().output()).isNull();
    assertThat(events.stream().filter(e -> e.kind() == EventKind.NODE_COMPLETED && e.nodeId().equals("shape")).findFirst()
        .orElseThrow().output().get("n").asInt()).isEqualTo(2);

    // Replaying the history (a worker restart) writes nothing: local activity results come from history.
    int calls = t.events.calls();
    WorkflowReplayer.replayWorkflowExecution(t.client.fetchHistory(run.getExecution().getWorkflowId()), t.worker);
    assertThat(t.events.calls()).isEqualTo(calls);
  }

  @Test
  void whileTheStoreIsDownTheRunWaitsAndLosesNothing() throws Exception {
    // The first two writes of the workflow's batches fail, as if PostgreSQL were restarting.
    t.events.failNext(2, batch -> batch.stream().anyMatch(e -> e.kind() == EventKind.RUN_STARTED));
    WorkflowStub run = t.start(FLOW, "{}");
    run.getResult(RunResult.class);
    assertThat(t.events.failed()).isEqualTo(2);
    List<RunEvent> events = t.events.of(run.getExecution().getWorkflowId());
    assertThat(kinds(events)).contains("run_started", "node_started:fetch#1", "node_completed:shape#1", "run_completed")
        .doesNotHaveDuplicates();
  }

  @Test
  void anAttemptEventTheStoreRefusesNeverFailsTheNode() throws Exception {
    // Every attempt-level write fails (three tries each): the node's work and the run are unaffected.
    t.events.failNext(100, batch -> batch.size() == 1 && batch.getFirst().kind().name().startsWith("NODE_ATTEMPT"));
    WorkflowStub run = t.start(FLOW, "{}");
    assertThat(run.getResult(RunResult.class).output().at("/shape/n").asInt()).isEqualTo(2);
    assertThat(TestNodes.calls(run.getExecution().getWorkflowId(), "fetch")).isEqualTo(2);
    assertThat(kinds(t.events.of(run.getExecution().getWorkflowId()))).contains("node_completed:fetch#2", "run_completed")
        .doesNotContain("node_attempt_failed:fetch#1");
  }

  /**
   * A store that does not answer (PostgreSQL restarting) must not hold a completed attempt past its
   * timeout: Temporal would run it again, repeating its side effect. The attempt stops waiting for its
   * event in time, for activities and local activities alike.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"activity", "local"})
  void aStoreThatHangsNeverHoldsAnAttemptPastItsTimeout(String execution) {
    t.events.hang(java.time.Duration.ofSeconds(8), batch -> batch.size() == 1 && batch.getFirst().kind() == EventKind.NODE_ATTEMPT_COMPLETED);
    WorkflowStub run = t.start("""
        {"name": "hang", "nodes": [{"id": "pay", "type": "test.echo", "config": {"value": 1}, "timeout": "3s", "execution": "%s",
          "retry": {"maxAttempts": 3, "initialInterval": "1s"}}]}
        """.formatted(execution), "{}");
    long t0 = System.nanoTime();
    run.getResult(RunResult.class);
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0)).isLessThan(java.time.Duration.ofSeconds(8));
    assertThat(TestNodes.calls(run.getExecution().getWorkflowId(), "pay")).as("the completed call is not repeated").isEqualTo(1);
    assertThat(t.state(run).nodes().get("pay").attempts()).isEqualTo(1);
    // The write given up on never lands (after run_completed), and the output is not lost: node_completed carries it.
    Awaitility.await().during(java.time.Duration.ofSeconds(9)).atMost(java.time.Duration.ofSeconds(12)).until(() -> true);
    List<RunEvent> events = t.events.of(run.getExecution().getWorkflowId());
    assertThat(kinds(events)).doesNotContain("node_attempt_completed:pay#1").last().isEqualTo("run_completed");
    assertThat(events.stream().filter(e -> e.kind() == EventKind.NODE_COMPLETED).findFirst().orElseThrow().output().asInt()).isEqualTo(1);
  }

  @Test
  void whatACodeNodePrintsGoesIntoItsAttemptEventsNotItsOutput() {
    WorkflowStub ok = t.start("""
        {"name": "logs", "nodes": [{"id": "c", "type": "code", "config": {"language": "javascript",
          "source": "console.log('seen', input.n); console.error('warned'); return {n: input.n}"}}]}""", "{\"n\": 7}");
    ok.getResult(RunResult.class);
    RunEvent attempt = t.events.of(ok.getExecution().getWorkflowId()).stream()
        .filter(e -> e.kind() == EventKind.NODE_ATTEMPT_COMPLETED).findFirst().orElseThrow();
    assertThat(attempt.data().get("logs").toString()).isEqualTo("[\"seen 7\",\"warned\"]");
    assertThat(attempt.output().toString()).isEqualTo("{\"n\":7}");

    WorkflowStub failing = t.start("""
        {"name": "logs", "nodes": [{"id": "c", "type": "code", "onError": "continue", "config": {"language": "python",
          "source": "print('before')\\nraise RuntimeError('boom')"}}]}""", "{}");
    RunResult r = failing.getResult(RunResult.class);
    RunEvent failed = t.events.of(failing.getExecution().getWorkflowId()).stream()
        .filter(e -> e.kind() == EventKind.NODE_ATTEMPT_FAILED).findFirst().orElseThrow();
    assertThat(failed.error().code()).isEqualTo("code.error");
    assertThat(failed.error().details().get("logs").toString()).isEqualTo("[\"before\"]");
    assertThat(failed.error().details().get("line").intValue()).isEqualTo(2);
    assertThat(r.output().toString()).contains("code.error");
  }
}
