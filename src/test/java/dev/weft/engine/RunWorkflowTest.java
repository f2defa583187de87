package dev.weft.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.definition.Json;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import org.awaitility.Awaitility;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The interpreter on Temporal's time-skipping test environment: routing, dead-path elimination, true
 * concurrency, per-node retries and timeouts, error modes, durable delays, expression errors and
 * large outputs by reference.
 */
class RunWorkflowTest {
  private EngineTestSupport t;

  @BeforeEach
  void setUp() {
    t = new EngineTestSupport();
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  private static JsonNode result(WorkflowStub stub) {
    return stub.getResult(RunResult.class).output();
  }

  @Test
  void linearRunPassesValuesAlongAndRespondsWithTheRespondNode() {
    WorkflowStub run = t.start("""
        {"name": "linear", "nodes": [
          {"id": "fetch", "type": "test.echo", "config": {"value": {"amount": "{{ input.amount * 2 }}"}}},
          {"id": "shape", "type": "set", "config": {"values": {"total": "{{ nodes.fetch.output.amount + 1 }}", "who": "{{ input.who }}"}}},
          {"id": "answer", "type": "respond", "config": {"status": 201}}
        ], "edges": [{"from": "fetch", "to": "shape"}, {"from": "shape", "to": "answer"}]}
        """, "{\"amount\": 21, \"who\": \"ada\"}");
    RunResult r = run.getResult(RunResult.class);
    assertThat(r.output()).isEqualTo(Json.parse("{\"total\": 43, \"who\": \"ada\"}"));
    assertThat(r.responseStatus()).isEqualTo(201);
    RunState s = t.state(run);
    assertThat(s.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(s.nodes().keySet()).containsExactly("fetch", "shape", "answer");
    assertThat(s.nodes().values()).allSatisfy(n -> assertThat(n.status()).isEqualTo(NodeStatus.COMPLETED));
    assertThat(s.nodes().get("fetch").attempts()).isEqualTo(1);
    assertThat(s.nodes().get("fetch").output().get("amount").asLong()).isEqualTo(42);
  }

  private static final String IF_MERGE = """
      {"name": "if-merge", "nodes": [
        {"id": "big", "type": "if", "config": {"condition": "input.amount > 1000"}},
        {"id": "approve", "type": "set", "config": {"values": {"path": "approval"}}},
        {"id": "auto", "type": "set", "config": {"values": {"path": "auto"}}},
        {"id": "after-approve", "type": "test.echo", "config": {"value": "approved"}},
        {"id": "join", "type": "merge", "config": {"mode": "all"}}
      ], "edges": [
        {"from": "big", "port": "true", "to": "approve"},
        {"from": "big", "port": "false", "to": "auto"},
        {"from": "approve", "to": "after-approve"},
        {"from": "after-approve", "to": "join"},
        {"from": "auto", "to": "join"}
      ]}
      """;

  @Test
  void mergeAfterIfRunsWithOnlyTheTakenBranchAndSkipsTheOtherTransitively() {
    WorkflowStub run = t.start(IF_MERGE, "{\"amount\": 10}");
    JsonNode out = result(run);
    assertThat(out.get("join")).isEqualTo(Json.parse("{\"auto\": {\"path\": \"auto\"}}"));
    RunState s = t.state(run);
    assertThat(s.nodes().get("big").ports()).containsExactly("false");
    assertThat(s.nodes().get("approve").status()).isEqualTo(NodeStatus.SKIPPED);
    assertThat(s.nodes().get("after-approve").status()).isEqualTo(NodeStatus.SKIPPED);
    assertThat(s.nodes().get("join").status()).isEqualTo(NodeStatus.COMPLETED);
    assertThat(TestNodes.calls(s.runId(), "after-approve")).isZero();
  }

  @Test
  void ifTakesTheTrueBranch() {
    WorkflowStub run = t.start(IF_MERGE, "{\"amount\": 5000}");
    assertThat(result(run).get("join").get("after-approve").stringValue()).isEqualTo("approved");
    assertThat(t.state(run).nodes().get("auto").status()).isEqualTo(NodeStatus.SKIPPED);
  }

  @Test
  void switchRoutesToTheFirstMatchingCaseElseDefault() {
    String def = """
        {"name": "switch", "nodes": [
          {"id": "route", "type": "switch", "config": {"cases": [
            {"name": "small", "condition": "input.n < 10"},
            {"name": "medium", "condition": "input.n < 100"}]}},
          {"id": "s", "type": "set", "config": {"values": {"size": "small"}}},
          {"id": "m", "type": "set", "config": {"values": {"size": "medium"}}},
          {"id": "l", "type": "set", "config": {"values": {"size": "large"}}},
          {"id": "out", "type": "merge", "config": {"mode": "first"}}
        ], "edges": [
          {"from": "route", "port": "small", "to": "s"}, {"from": "route", "port": "medium", "to": "m"},
          {"from": "route", "port": "default", "to": "l"},
          {"from": "s", "to": "out"}, {"from": "m", "to": "out"}, {"from": "l", "to": "out"}
        ]}
        """;
    assertThat(result(t.start(def, "{\"n\": 5}")).get("out").get("size").stringValue()).isEqualTo("small");
    assertThat(result(t.start(def, "{\"n\": 50}")).get("out").get("size").stringValue()).isEqualTo("medium");
    assertThat(result(t.start(def, "{\"n\": 500}")).get("out").get("size").stringValue()).isEqualTo("large");
  }

  /**
   * Two branches each wait 10 s and then call an activity that only completes when the other branch's
   * activity runs at the same time: the run completing proves the activities overlap, and its workflow
   * time of about 10 s (not 20 s) proves the timers did too.
   */
  @Test
  void parallelBranchesRunConcurrently() {
    WorkflowStub run = t.start("""
        {"name": "parallel", "nodes": [
          {"id": "start", "type": "set", "config": {"values": {}}},
          {"id": "wait-a", "type": "delay", "config": {"duration": "10s"}},
          {"id": "wait-b", "type": "delay", "config": {"duration": "10s"}},
          {"id": "a", "type": "test.barrier", "config": {"group": "g", "parties": 2}},
          {"id": "b", "type": "test.barrier", "config": {"group": "g", "parties": 2}},
          {"id": "join", "type": "merge", "config": {"mode": "append"}}
        ], "edges": [
          {"from": "start", "to": "wait-a"}, {"from": "start", "to": "wait-b"},
          {"from": "wait-a", "to": "a"}, {"from": "wait-b", "to": "b"},
          {"from": "a", "to": "join"}, {"from": "b", "to": "join"}
        ]}
        """, "{}");
    assertThat(result(run).get("join")).isEqualTo(Json.parse("[\"a\", \"b\"]"));
    RunState s = t.state(run);
    Duration took = Duration.between(s.startedAt(), s.endedAt());
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(10)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void nodeRetriesUnderItsOwnPolicyAndStateShowsTheAttempts() {
    WorkflowStub run = t.start("""
        {"name": "retry", "nodes": [
          {"id": "flaky", "type": "test.flaky", "config": {"failures": 2},
           "retry": {"maxAttempts": 3, "initialInterval": "2s", "backoffCoefficient": 2.0}}
        ]}
        """, "{}");
    assertThat(result(run).get("flaky").asInt()).isEqualTo(3);
    RunState s = t.state(run);
    assertThat(s.nodes().get("flaky").attempts()).isEqualTo(3);
    assertThat(TestNodes.calls(s.runId(), "flaky")).isEqualTo(3);
  }

  @Test
  void exhaustedRetriesFailTheRunWithTheNodesError() {
    WorkflowStub run = t.start("""
        {"name": "retry", "nodes": [
          {"id": "flaky", "type": "test.flaky", "config": {"failures": 5}, "retry": {"maxAttempts": 3, "initialInterval": "1s"}}
        ]}
        """, "{}");
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class)
        .cause().isInstanceOfSatisfying(ApplicationFailure.class,
            f -> assertThat(f.getType()).isEqualTo(TemporalNames.RUN_FAILED));
    RunState s = t.state(run);
    assertThat(s.status()).isEqualTo(RunStatus.FAILED);
    assertThat(s.error().code()).isEqualTo("test.flaky");
    assertThat(s.nodes().get("flaky").status()).isEqualTo(NodeStatus.FAILED);
    assertThat(s.nodes().get("flaky").attempts()).isEqualTo(3);
    assertThat(TestNodes.calls(s.runId(), "flaky")).isEqualTo(3);
  }

  @Test
  void nonRetryableFailuresAreNotRetried() {
    WorkflowStub run = t.start("""
        {"name": "nr", "onError": null, "nodes": [
          {"id": "flaky", "type": "test.flaky", "config": {"failures": 5, "retryable": false}, "retry": {"maxAttempts": 5}}
        ]}
        """.replace("\"onError\": null, ", ""), "{}");
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
    assertThat(t.state(run).nodes().get("flaky").attempts()).isEqualTo(1);
  }

  @Test
  void errorTypesListedAsNonRetryableStopRetries() {
    WorkflowStub run = t.start("""
        {"name": "nr", "nodes": [
          {"id": "flaky", "type": "test.flaky", "config": {"failures": 5},
           "retry": {"maxAttempts": 5, "nonRetryableErrors": ["test.flaky"]}}
        ]}
        """, "{}");
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
    RunState s = t.state(run);
    assertThat(TestNodes.calls(s.runId(), "flaky")).isEqualTo(1);
  }

  @Test
  void nodeTimeoutFailsTheNodeWithNodeTimeout() {
    WorkflowStub run = t.start("""
        {"name": "timeout", "nodes": [
          {"id": "slow", "type": "test.block", "timeout": "2s", "onError": "continue"},
          {"id": "after", "type": "set", "config": {"values": {"seen": "{{ nodes.slow.output.code }}"}}}
        ], "edges": [{"from": "slow", "to": "after"}]}
        """, "{}");
    assertThat(result(run).get("after").get("seen").stringValue()).isEqualTo("node.timeout");
    RunState s = t.state(run);
    assertThat(s.nodes().get("slow").status()).isEqualTo(NodeStatus.FAILED);
    assertThat(s.nodes().get("slow").error().code()).isEqualTo("node.timeout");
  }

  @Test
  void onErrorContinueHandsTheErrorObjectDownstream() {
    WorkflowStub run = t.start("""
        {"name": "continue", "nodes": [
          {"id": "bad", "type": "test.flaky", "config": {"failures": 9, "retryable": false}, "onError": "continue"},
          {"id": "next", "type": "set", "config": {"values": {"code": "{{ nodes.bad.output.code }}", "status": "{{ nodes.bad.status }}",
            "hasDetails": "{{ has(nodes.bad.output.details) }}"}}}
        ], "edges": [{"from": "bad", "to": "next"}]}
        """, "{}");
    assertThat(result(run).get("next")).isEqualTo(Json.parse("{\"code\": \"test.flaky\", \"status\": \"FAILED\", \"hasDetails\": false}"));
    assertThat(t.state(run).status()).isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void onErrorBranchFollowsTheErrorPortAndSkipsTheMainPath() {
    WorkflowStub run = t.start("""
        {"name": "branch", "nodes": [
          {"id": "bad", "type": "test.flaky", "config": {"failures": 9, "retryable": false}, "onError": "branch"},
          {"id": "ok", "type": "set", "config": {"values": {"r": "ok"}}},
          {"id": "recover", "type": "set", "config": {"values": {"r": "recovered from {{ nodes.bad.output.code }}"}}}
        ], "edges": [{"from": "bad", "to": "ok"}, {"from": "bad", "port": "error", "to": "recover"}]}
        """, "{}");
    JsonNode out = result(run);
    assertThat(out.get("recover").get("r").stringValue()).isEqualTo("recovered from test.flaky");
    assertThat(out.has("ok")).isFalse();
    RunState s = t.state(run);
    assertThat(s.nodes().get("ok").status()).isEqualTo(NodeStatus.SKIPPED);
    assertThat(s.nodes().get("bad").ports()).containsExactly("error");
  }

  @Test
  void onErrorFailStopsTheRunAndCancelsRunningBranches() {
    WorkflowStub run = t.start("""
        {"name": "fail", "nodes": [
          {"id": "bad", "type": "test.flaky", "config": {"failures": 9, "retryable": false}},
          {"id": "slow", "type": "test.block", "timeout": "1h"},
          {"id": "after", "type": "set", "config": {"values": {}}}
        ], "edges": [{"from": "bad", "to": "after"}]}
        """, "{}");
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
    RunState s = t.state(run);
    assertThat(s.status()).isEqualTo(RunStatus.FAILED);
    assertThat(s.nodes().get("bad").status()).isEqualTo(NodeStatus.FAILED);
    assertThat(s.nodes().get("slow").status()).isEqualTo(NodeStatus.CANCELED);
    assertThat(s.nodes().get("after").status()).isEqualTo(NodeStatus.PENDING);
    assertThat(s.error().message()).contains("'bad'");
  }

  @Test
  void threeDayDelayCompletesWithoutWaitingInRealTime() {
    long realStart = System.nanoTime();
    WorkflowStub run = t.start("""
        {"name": "delay", "nodes": [
          {"id": "wait", "type": "delay", "config": {"duration": "3d"}},
          {"id": "done", "type": "set", "config": {"values": {"ok": true}}}
        ], "edges": [{"from": "wait", "to": "done"}]}
        """, "{}");
    assertThat(result(run).get("done").get("ok").booleanValue()).isTrue();
    RunState s = t.state(run);
    assertThat(Duration.between(s.nodes().get("wait").startedAt(), s.nodes().get("wait").endedAt()))
        .isGreaterThanOrEqualTo(Duration.ofDays(3));
    assertThat(Duration.ofNanos(System.nanoTime() - realStart)).isLessThan(Duration.ofMinutes(1));
  }

  @Test
  void delayUntilAnInstantWaitsForIt() {
    WorkflowStub run = t.start("""
        {"name": "until", "nodes": [
          {"id": "wait", "type": "delay", "config": {"until": "{{ timestamp(run.startedAt) + duration('36h') }}"}}
        ]}
        """, "{}");
    run.getResult(RunResult.class);
    RunState s = t.state(run);
    assertThat(Duration.between(s.startedAt(), s.endedAt())).isGreaterThanOrEqualTo(Duration.ofHours(36));
  }

  @Test
  void expressionErrorsFailTheNodeNamingPathAndExpression() {
    WorkflowStub run = t.start("""
        {"name": "expr", "nodes": [
          {"id": "shape", "type": "set", "config": {"values": {"x": "{{ input.missing.deeper }}"}}}
        ]}
        """, "{}");
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
    NodeError e = t.state(run).nodes().get("shape").error();
    assertThat(e.code()).isEqualTo("expr.eval");
    assertThat(e.message()).contains("/config/values/x").contains("input.missing.deeper");
  }

  @Test
  void expressionErrorsInsideActivitiesAreNotRetried() {
    WorkflowStub run = t.start("""
        {"name": "expr", "nodes": [
          {"id": "call", "type": "test.echo", "config": {"value": "{{ input.nope }}"}, "retry": {"maxAttempts": 4}}
        ]}
        """, "{}");
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
    RunState s = t.state(run);
    assertThat(s.nodes().get("call").error().code()).isEqualTo("expr.eval");
    assertThat(s.nodes().get("call").attempts()).isEqualTo(1);
  }

  @Test
  void largeOutputsTravelByReferenceAndStayOutOfHistory() {
    WorkflowStub run = t.start("""
        {"name": "big", "nodes": [
          {"id": "big", "type": "test.big", "config": {"items": 3000}},
          {"id": "some", "type": "filter", "config": {"items": "nodes.big.output", "condition": "item.n % 1000 == 0"}},
          {"id": "count", "type": "set", "config": {"values": {"kept": "{{ size(nodes.some.output) }}"}}}
        ], "edges": [{"from": "big", "to": "some"}, {"from": "some", "to": "count"}]}
        """, "{}");
    assertThat(result(run).get("count").get("kept").asInt()).isEqualTo(3);
    RunState s = t.state(run);
    JsonNode ref = s.nodes().get("big").output();
    assertThat(ClaimCheck.isRef(ref)).isTrue();
    assertThat(ref.get("bytes").asInt()).isGreaterThan(EngineSettings.DEFAULTS.claimCheckBytes());
    assertThat(t.store.get(ref.get(ClaimCheck.REF).stringValue()).orElseThrow().size()).isEqualTo(3000);
    long historyBytes = t.client.fetchHistory(run.getExecution().getWorkflowId()).getHistory().getEventsList().stream()
        .mapToLong(HistoryEvent::getSerializedSize).sum();
    assertThat(historyBytes).isLessThan(EngineSettings.DEFAULTS.claimCheckBytes());
  }

  @Test
  void stateQueryTruncatesLargeOutputs() {
    try (EngineTestSupport small = new EngineTestSupport(new EngineSettings(1_000_000, 2_000))) {
      WorkflowStub run = small.start("""
          {"name": "preview", "nodes": [{"id": "big", "type": "test.big", "config": {"items": 100}}]}
          """, "{}");
      run.getResult(RunResult.class);
      JsonNode out = small.state(run).nodes().get("big").output();
      assertThat(out.get("$truncated").booleanValue()).isTrue();
      assertThat(out.get("preview").stringValue()).hasSizeLessThanOrEqualTo(1024);
    }
  }

  @Test
  void cancellingARunCancelsItsWaitingNodes() {
    WorkflowStub run = t.start("""
        {"name": "cancel", "nodes": [
          {"id": "wait", "type": "delay", "config": {"duration": "1d"}},
          {"id": "after", "type": "set", "config": {"values": {}}}
        ], "edges": [{"from": "wait", "to": "after"}]}
        """, "{}");
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> t.state(run).nodes().get("wait").status() == NodeStatus.RUNNING);
    run.cancel();
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class)
        .cause().isInstanceOf(CanceledFailure.class);
    RunState s = t.state(run);
    assertThat(s.status()).isEqualTo(RunStatus.CANCELED);
    assertThat(s.nodes().get("wait").status()).isEqualTo(NodeStatus.CANCELED);
    assertThat(s.nodes().get("after").status()).isEqualTo(NodeStatus.PENDING);
  }

  /** Regression: with three nodes in flight, completions were handled for the wrong node and lost. */
  @Test
  void everyCompletionIsHandledWhenManyNodesAreInFlight() {
    WorkflowStub run = t.start("""
        {"name": "three", "nodes": [
          {"id": "wait-a", "type": "delay", "config": {"duration": "3s"}},
          {"id": "wait-b", "type": "delay", "config": {"duration": "1s"}},
          {"id": "wait-c", "type": "delay", "config": {"duration": "2s"}},
          {"id": "wait-d", "type": "delay", "config": {"duration": "2s"}},
          {"id": "after-b", "type": "set", "config": {"values": {"b": "done"}}},
          {"id": "join", "type": "merge", "config": {"mode": "all"}}
        ], "edges": [
          {"from": "wait-b", "to": "after-b"}, {"from": "wait-a", "to": "join"}, {"from": "after-b", "to": "join"},
          {"from": "wait-c", "to": "join"}, {"from": "wait-d", "to": "join"}
        ]}
        """, "{\"x\": 1}");
    JsonNode join = result(run).get("join");
    assertThat(join.propertyNames()).containsExactlyInAnyOrder("wait-a", "after-b", "wait-c", "wait-d");
    assertThat(t.state(run).nodes().values()).allSatisfy(n -> assertThat(n.status()).isEqualTo(NodeStatus.COMPLETED));
  }
}
