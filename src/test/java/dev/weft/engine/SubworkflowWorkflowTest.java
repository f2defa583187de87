package dev.weft.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The {@code subworkflow} node as a Temporal child workflow, and error workflows. */
class SubworkflowWorkflowTest {
  private EngineTestSupport t;

  @BeforeEach
  void setUp() {
    t = new EngineTestSupport();
    t.save("tax", """
        {"name": "tax", "nodes": [
          {"id": "calc", "type": "set", "config": {"values": {"tax": "{{ input.amount * 0.2 }}", "v": 1}}}
        ]}
        """);
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  private static String parent(String config) {
    return """
        {"name": "parent", "nodes": [
          {"id": "order", "type": "set", "config": {"values": {"amount": "{{ input.amount }}"}}},
          {"id": "call", "type": "subworkflow", "config": %s},
          {"id": "after", "type": "set", "config": {"values": {"got": "{{ nodes.call.output }}"}}}
        ], "edges": [{"from": "order", "to": "call"}, {"from": "call", "to": "after"}]}
        """.formatted(config);
  }

  private WorkflowExecutionHistory history(String workflowId) {
    return t.client.fetchHistory(workflowId);
  }

  @Test
  void aWaitingSubworkflowOutputsTheChildsOutputAndTheChildKnowsItsParent() {
    WorkflowStub run = t.start(parent("{\"workflowId\": \"tax\", \"input\": {\"amount\": \"{{ nodes.order.output.amount }}\"}}"),
        "{\"amount\": 100}");
    JsonNode out = run.getResult(RunResult.class).output();
    assertThat(out.path("after").path("got").path("calc").path("tax").asDouble()).isEqualTo(20.0);
    String parentId = run.getExecution().getWorkflowId();
    String childId = parentId + ".call";
    WorkflowExecutionHistory child = history(childId);
    var started = child.getEvents().getFirst().getWorkflowExecutionStartedEventAttributes();
    assertThat(started.getParentWorkflowExecution().getWorkflowId()).isEqualTo(parentId);
    List<RunEvent> childEvents = t.events.of(childId);
    JsonNode data = childEvents.getFirst().data();
    assertThat(data.path("parentRunId").asString()).isEqualTo(parentId);
    assertThat(data.path("trigger").asString()).isEqualTo(TemporalNames.TRIGGER_SUBWORKFLOW);
    assertThat(data.path("version").asInt()).isEqualTo(1);
    // The parent's history shows a child workflow, not an activity.
    assertThat(history(parentId).getEvents()).anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED);
  }

  @Test
  void aPinnedVersionRunsThatVersionAndOtherwiseTheLatest() {
    t.save("tax", """
        {"name": "tax", "nodes": [{"id": "calc", "type": "set", "config": {"values": {"v": 2}}}]}
        """);
    WorkflowStub pinned = t.start(parent("{\"workflowId\": \"tax\", \"version\": 1}"), "{\"amount\": 1}");
    assertThat(pinned.getResult(RunResult.class).output().path("after").path("got").path("calc").path("v").asInt()).isEqualTo(1);
    WorkflowStub latest = t.start(parent("{\"workflowId\": \"tax\"}"), "{\"amount\": 1}");
    assertThat(latest.getResult(RunResult.class).output().path("after").path("got").path("calc").path("v").asInt()).isEqualTo(2);
  }

  @Test
  void aFailingChildFailsTheNodeWithTheChildsCodeAndRunId() {
    t.save("broken", """
        {"name": "broken", "nodes": [{"id": "boom", "type": "test.flaky", "config": {"failures": 9, "retryable": false}}]}
        """);
    WorkflowStub run = t.start(parent("{\"workflowId\": \"broken\"}"), "{\"amount\": 1}");
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
    NodeError e = t.state(run).nodes().get("call").error();
    assertThat(e.code()).isEqualTo("test.flaky");
    String childId = run.getExecution().getWorkflowId() + ".call";
    assertThat(e.message()).contains("child run " + childId + " failed").contains("node 'boom' failed");
    assertThat(e.details().path("childRunId").asString()).isEqualTo(childId);
  }

  @Test
  void anUnknownTargetFailsTheNodeWithoutStartingAnything() {
    WorkflowStub run = t.start(parent("{\"workflowId\": \"tax\", \"version\": 9}"), "{\"amount\": 1}");
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
    assertThat(t.state(run).nodes().get("call").error().code()).isEqualTo(DefinitionActivities.UNKNOWN_VERSION);
  }

  @Test
  void aSubworkflowThatDoesNotWaitOutputsTheChildsRunIdAtOnce() {
    t.save("slow", """
        {"name": "slow", "nodes": [{"id": "nap", "type": "delay", "config": {"duration": "2h"}},
          {"id": "done", "type": "set", "config": {"values": {"ok": true}}}], "edges": [{"from": "nap", "to": "done"}]}
        """);
    WorkflowStub run = t.start(parent("{\"workflowId\": \"slow\", \"wait\": false}"), "{\"amount\": 1}");
    JsonNode out = run.getResult(RunResult.class).output();
    String childId = run.getExecution().getWorkflowId() + ".call";
    assertThat(out.path("after").path("got").path("runId").asString()).isEqualTo(childId);
    // The child lives on after its parent completed, and completes on its own.
    WorkflowStub child = t.client.newUntypedWorkflowStub(childId);
    assertThat(child.getResult(RunResult.class).output().path("done").path("ok").asBoolean()).isTrue();
  }

  @Test
  void cancellingTheParentCancelsTheWaitingChild() {
    t.save("slow", """
        {"name": "slow", "nodes": [{"id": "nap", "type": "delay", "config": {"duration": "30d"}}]}
        """);
    WorkflowStub run = t.start(parent("{\"workflowId\": \"slow\"}"), "{\"amount\": 1}");
    String childId = run.getExecution().getWorkflowId() + ".call";
    await().atMost(Duration.ofSeconds(20)).until(() -> t.events.of(childId).stream().anyMatch(e -> e.kind() == EventKind.NODE_WAITING));
    run.cancel();
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
    await().atMost(Duration.ofSeconds(20)).until(() -> status(childId) == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
    assertThat(t.state(run).nodes().get("call").status()).isEqualTo(NodeStatus.CANCELED);
  }

  private WorkflowExecutionStatus status(String workflowId) {
    return t.client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
        io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(t.client.getOptions().getNamespace())
            .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder().setWorkflowId(workflowId).build())
            .build()).getWorkflowExecutionInfo().getStatus();
  }

  @Test
  void aFailedRunStartsItsErrorWorkflowWhichNeverStartsAnother() {
    t.save("on-error", """
        {"name": "on error", "onFailure": {"workflowId": "on-error"}, "nodes": [
          {"id": "note", "type": "test.flaky", "config": {"failures": "{{ input.failedNode == 'boom' ? 9 : 0 }}", "retryable": false}}
        ]}
        """);
    WorkflowStub run = t.start("""
        {"name": "fragile", "onFailure": {"workflowId": "on-error"}, "nodes": [
          {"id": "boom", "type": "test.flaky", "config": {"failures": 9, "retryable": false}}
        ]}
        """, "{}");
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
    String errorRunId = run.getExecution().getWorkflowId() + ".onfailure";
    // The error workflow's run got the failure as input, and failed in turn (its node fails on that input)...
    WorkflowStub errorRun = t.client.newUntypedWorkflowStub(errorRunId);
    assertThatThrownBy(() -> errorRun.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
    List<RunEvent> events = t.events.of(errorRunId);
    JsonNode input = events.getFirst().input();
    assertThat(input.path("runId").asString()).isEqualTo(run.getExecution().getWorkflowId());
    assertThat(input.path("failedNode").asString()).isEqualTo("boom");
    assertThat(input.path("error").path("code").asString()).isEqualTo("test.flaky");
    assertThat(input.path("workflowId").asString()).isEqualTo("wf");
    assertThat(events.getFirst().data().path("trigger").asString()).isEqualTo(TemporalNames.TRIGGER_ERROR);
    // ...without starting another error run.
    assertThat(history(errorRunId).getEvents())
        .noneMatch(e -> e.getEventType() == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED);
  }

  @Test
  void theNodesTimeoutBoundsItsChildRun() {
    t.save("slow", """
        {"name": "slow", "nodes": [{"id": "nap", "type": "delay", "config": {"duration": "2d"}}]}
        """);
    WorkflowStub run = t.start("""
        {"name": "bounded", "nodes": [
          {"id": "call", "type": "subworkflow", "timeout": "1h", "config": {"workflowId": "slow"}}
        ]}
        """, "{}");
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
    NodeError e = t.state(run).nodes().get("call").error();
    assertThat(e.code()).isEqualTo("node.timeout");
    assertThat(e.message()).contains(run.getExecution().getWorkflowId() + ".call");
  }
}
