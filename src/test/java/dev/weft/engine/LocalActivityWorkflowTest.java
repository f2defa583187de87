package dev.weft.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Nodes run as local activities ({@code execution: local}, or {@code auto} for short types): the same
 * retries, timeouts, events, failures and idempotency keys as activities, without an activity task per
 * attempt in the history.
 */
class LocalActivityWorkflowTest {
  private final EngineTestSupport t = new EngineTestSupport();

  @AfterEach
  void close() {
    t.close();
  }

  private static String flow(String execution) {
    return """
        {"name": "local", "nodes": [
          {"id": "fetch", "type": "test.flaky", "config": {"failures": 1}, "execution": "%1$s",
           "retry": {"maxAttempts": 3, "initialInterval": "1s"}},
          {"id": "shape", "type": "set", "config": {"values": {"n": "{{ nodes.fetch.output }}"}}},
          {"id": "echo", "type": "test.echo", "config": {"value": {"n": "{{ nodes.shape.output.n }}"}}, "execution": "%1$s"}
        ], "edges": [{"from": "fetch", "to": "shape"}, {"from": "shape", "to": "echo"}]}
        """.formatted(execution);
  }

  private static List<String> kinds(List<RunEvent> events) {
    return events.stream().map(e -> e.kind().wire() + (e.runLevel() ? "" : ":" + e.nodeId() + "#" + e.attempt())).toList();
  }

  private List<HistoryEvent> history(WorkflowStub run) {
    return t.client.fetchHistory(run.getExecution().getWorkflowId()).getEvents();
  }

  private static List<String> scheduledActivities(List<HistoryEvent> history) {
    return history.stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .map(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName()).toList();
  }

  /** The activity types of the local activity markers (the node types, and Weft's own event writer). */
  private static List<String> localActivities(List<HistoryEvent> history) {
    return history.stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED)
        .map(e -> e.getMarkerRecordedEventAttributes().getDetailsMap())
        .filter(d -> d.containsKey("type"))
        .map(d -> new String(d.get("type").getPayloads(0).getData().toByteArray(), StandardCharsets.UTF_8).replace("\"", ""))
        .toList();
  }

  @Test
  void aLocalNodeRetriesAndLogsExactlyLikeAnActivityWithoutActivityTasksInTheHistory() {
    WorkflowStub asActivities = t.start(flow("activity"), "{}");
    RunResult viaActivities = asActivities.getResult(RunResult.class);
    WorkflowStub asLocal = t.start(flow("local"), "{}");
    RunResult viaLocal = asLocal.getResult(RunResult.class);

    assertThat(t.state(asLocal).status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(viaLocal.output()).isEqualTo(viaActivities.output());
    RunState local = t.state(asLocal);
    assertThat(local.nodes().get("fetch").attempts()).as("one failed attempt, then the retry").isEqualTo(2);
    assertThat(local.nodes().get("fetch").execution()).isEqualTo("local");
    assertThat(local.nodes().get("echo").execution()).isEqualTo("local");
    assertThat(local.nodes().get("shape").execution()).as("evaluated in the workflow").isNull();
    assertThat(t.state(asActivities).nodes().get("fetch").execution()).isEqualTo("activity");
    assertThat(TestNodes.calls(asLocal.getExecution().getWorkflowId(), "fetch")).isEqualTo(2);

    // The same event log, attempt by attempt.
    assertThat(kinds(t.events.of(asLocal.getExecution().getWorkflowId())))
        .containsExactlyInAnyOrderElementsOf(kinds(t.events.of(asActivities.getExecution().getWorkflowId())))
        .contains("node_started:fetch#1", "node_attempt_failed:fetch#1", "node_started:fetch#2",
            "node_attempt_completed:fetch#2", "node_completed:fetch#2", "node_completed:echo#1");

    // In the order they happened, although a local node starts in the same workflow task as the write of
    // its node_started: it waits for that write.
    List<String> inOrder = kinds(t.events.of(asLocal.getExecution().getWorkflowId()));
    assertThat(inOrder.getFirst()).isEqualTo("run_started");
    assertThat(inOrder.getLast()).isEqualTo("run_completed");
    assertThat(inOrder).containsSubsequence("node_started:fetch#1", "node_attempt_failed:fetch#1", "node_started:fetch#2",
        "node_attempt_completed:fetch#2", "node_completed:fetch#2", "node_started:echo#1", "node_attempt_completed:echo#1",
        "node_completed:echo#1");

    List<HistoryEvent> activityHistory = history(asActivities);
    List<HistoryEvent> localHistory = history(asLocal);
    assertThat(scheduledActivities(activityHistory)).as("Temporal retries an activity inside one scheduled task").containsExactly("test.flaky", "test.echo");
    assertThat(scheduledActivities(localHistory)).isEmpty();
    assertThat(localActivities(localHistory)).contains("test.flaky", "test.echo");
    // A replay needs the result only: the node's input (its whole scope) stays out of the history.
    assertThat(localHistory.stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED)
        .map(e -> e.getMarkerRecordedEventAttributes().getDetailsMap())
        .filter(d -> d.containsKey("type") && d.get("type").toString().contains("test.")))
        .allSatisfy(d -> assertThat(d).doesNotContainKey("input"));
    assertThat(localHistory.size()).as("events of the local run vs the activity run").isLessThan(activityHistory.size() - 6);
  }

  @Test
  void autoRunsShortTypesWithShortTimeoutsLocallyAndEverythingElseAsActivities() {
    WorkflowStub run = t.start("""
        {"name": "auto", "nodes": [
          {"id": "a", "type": "test.short", "config": {"value": 1}},
          {"id": "b", "type": "test.short", "config": {"value": 2}, "timeout": "61s"},
          {"id": "c", "type": "test.short", "config": {"value": 3}, "execution": "activity"},
          {"id": "d", "type": "test.echo", "config": {"value": 4}},
          {"id": "e", "type": "test.echo", "config": {"value": 5}, "execution": "local"},
          {"id": "f", "type": "test.short", "config": {"value": 6}, "timeout": "60s", "execution": "auto"}
        ]}
        """, "{}");
    run.getResult(RunResult.class);
    Map<String, String> execution = t.state(run).nodes().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().execution()));
    assertThat(execution).containsExactlyInAnyOrderEntriesOf(
        Map.of("a", "local", "b", "activity", "c", "activity", "d", "activity", "e", "local", "f", "local"));
    assertThat(scheduledActivities(history(run))).containsExactlyInAnyOrder("test.short", "test.short", "test.echo");
  }

  @Test
  void everyLocalAttemptCarriesTheNodesIdempotencyKey() {
    WorkflowStub run = t.start("""
        {"name": "keys", "nodes": [{"id": "k", "type": "test.short", "config": {"value": "x"}}]}
        """, "{}");
    RunResult r = run.getResult(RunResult.class);
    assertThat(t.state(run).nodes().get("k").output().get("key").stringValue())
        .isEqualTo(run.getExecution().getWorkflowId() + "/k");
    assertThat(t.state(run).status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(r.output()).isNotNull();
  }

  @Test
  void aLocalNodeThatOutlivesItsTimeoutFailsWithNodeTimeoutAfterItsAttempts() {
    WorkflowStub run = t.start("""
        {"name": "slow", "nodes": [{"id": "slow", "type": "test.block", "config": {}, "execution": "local", "timeout": "1s",
          "retry": {"maxAttempts": 2, "initialInterval": "1s"}}]}
        """, "{}");
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
    NodeState slow = t.state(run).nodes().get("slow");
    assertThat(slow.status()).isEqualTo(NodeStatus.FAILED);
    assertThat(slow.error().code()).isEqualTo("node.timeout");
    assertThat(slow.attempts()).isEqualTo(2);
    assertThat(TestNodes.calls(run.getExecution().getWorkflowId(), "slow")).isEqualTo(2);
  }

  @Test
  void aNonRetryableLocalFailureEndsTheNodeAtOnceAndOnErrorBranchTakesTheErrorPort() {
    WorkflowStub run = t.start("""
        {"name": "branch", "nodes": [
          {"id": "pay", "type": "test.flaky", "config": {"failures": 5, "retryable": false}, "execution": "local",
           "retry": {"maxAttempts": 4, "initialInterval": "1s"}, "onError": "branch"},
          {"id": "ok", "type": "set", "config": {"values": {"ok": true}}},
          {"id": "handle", "type": "set", "config": {"values": {"code": "{{ nodes.pay.output.code }}"}}}
        ], "edges": [{"from": "pay", "to": "ok"}, {"from": "pay", "port": "error", "to": "handle"}]}
        """, "{}");
    run.getResult(RunResult.class);
    RunState state = t.state(run);
    assertThat(state.nodes().get("pay").attempts()).isEqualTo(1);
    assertThat(state.nodes().get("ok").status()).isEqualTo(NodeStatus.SKIPPED);
    assertThat(state.nodes().get("handle").output().get("code").stringValue()).isEqualTo("test.flaky");
  }

  @Test
  void cancellingARunCancelsItsRunningLocalNode() {
    WorkflowStub run = t.start("""
        {"name": "cancel", "nodes": [{"id": "hold", "type": "test.block", "config": {}, "execution": "local", "timeout": "50s"}]}
        """, "{}");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> TestNodes.calls(run.getExecution().getWorkflowId(), "hold") == 1);
    run.cancel();
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
    assertThat(t.state(run).status()).isEqualTo(RunStatus.CANCELED);
  }

  @Test
  void aLocalRunsHistoryReplays() throws Exception {
    WorkflowStub run = t.start(flow("local"), "{}");
    run.getResult(RunResult.class);
    WorkflowExecutionHistory h = t.client.fetchHistory(run.getExecution().getWorkflowId());
    int calls = TestNodes.calls(run.getExecution().getWorkflowId(), "fetch");
    WorkflowReplayer.replayWorkflowExecution(h, t.worker);
    assertThat(TestNodes.calls(run.getExecution().getWorkflowId(), "fetch")).as("a replay runs nothing again").isEqualTo(calls);
  }
}
