package dev.weft.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.definition.Json;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The {@code loop} node on the time-skipping test server: both modes, scoping, errors and naming of iterations. */
class LoopWorkflowTest {
  private EngineTestSupport t;

  @BeforeEach
  void setUp() {
    t = new EngineTestSupport();
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  private static JsonNode output(WorkflowStub run) {
    return run.getResult(RunResult.class).output();
  }

  @Test
  void forEachRunsTheBodyPerItemWithItemAndIndexAndKeepsItemOrder() {
    WorkflowStub run = t.start("""
        {"name": "each", "nodes": [
          {"id": "rate", "type": "set", "config": {"values": {"factor": 10}}},
          {"id": "lines", "type": "loop", "config": {"mode": "forEach", "items": "input.lines", "concurrency": 3, "body": {
            "nodes": [
              {"id": "price", "type": "test.echo", "config": {"value": {"sku": "{{ item.sku }}", "at": "{{ index }}",
                "total": "{{ item.qty * nodes.rate.output.factor }}"}}},
              {"id": "label", "type": "set", "config": {"values": {"text": "{{ nodes.price.output.sku + '#' + string(index) }}",
                "total": "{{ nodes.price.output.total }}"}}}
            ],
            "edges": [{"from": "price", "to": "label"}]}}},
          {"id": "sum", "type": "set", "config": {"values": {"n": "{{ size(nodes.lines.output) }}"}}}
        ], "edges": [{"from": "rate", "to": "lines"}, {"from": "lines", "to": "sum"}]}
        """, "{\"lines\": [{\"sku\": \"a\", \"qty\": 1}, {\"sku\": \"b\", \"qty\": 2}, {\"sku\": \"c\", \"qty\": 3}, {\"sku\": \"d\", \"qty\": 4}]}");
    JsonNode out = output(run);
    assertThat(out.path("sum").path("n").asInt()).isEqualTo(4);
    RunState state = t.state(run);
    JsonNode lines = state.nodes().get("lines").output();
    assertThat(lines.size()).isEqualTo(4);
    for (int i = 0; i < 4; i++) {
      assertThat(lines.get(i).path("text").asString()).isEqualTo("abcd".charAt(i) + "#" + i);
      assertThat(lines.get(i).path("total").asInt()).isEqualTo((i + 1) * 10);
    }
    // Every iteration's node is named with its index in the events.
    List<String> keys = t.events.of(run.getExecution().getWorkflowId()).stream()
        .filter(e -> e.kind() == EventKind.NODE_COMPLETED).map(RunEvent::nodeId).toList();
    assertThat(keys).contains("price[0]", "price[3]", "label[0]", "label[3]", "lines", "sum");
    assertThat(state.nodes().get("lines").iterations().path("completed").asInt()).isEqualTo(4);
    // Finished iterations leave the live state (their events keep them).
    assertThat(state.nodes()).doesNotContainKey("price[0]");
  }

  @Test
  void forEachOverSomethingElseThanAListFailsTheNodeNamingTheExpression() {
    WorkflowStub run = t.start("""
        {"name": "bad", "nodes": [
          {"id": "each", "type": "loop", "config": {"mode": "forEach", "items": "input.order", "body": {
            "nodes": [{"id": "x", "type": "set", "config": {"values": {"v": "{{ item }}"}}}]}}}
        ]}
        """, "{\"order\": {\"id\": 7}}");
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
    NodeError e = t.state(run).nodes().get("each").error();
    assertThat(e.code()).isEqualTo("loop.items_not_list");
    assertThat(e.message()).contains("input.order").contains("object");
  }

  @Test
  void onItemErrorContinuePutsTheErrorInItsSlotAndCollectGathersThem() {
    String body = """
        "body": {"nodes": [{"id": "%s", "type": "test.flaky", "config": {"failures": "{{ item }}", "retryable": false}}]}
        """;
    WorkflowStub run = t.start("""
        {"name": "errors", "nodes": [
          {"id": "cont", "type": "loop", "config": {"mode": "forEach", "items": "[0, 5, 0]", "onItemError": "continue", %s}},
          {"id": "coll", "type": "loop", "config": {"mode": "forEach", "items": "[5, 0, 5]", "onItemError": "collect", %s}}
        ]}
        """.formatted(body.formatted("f1"), body.formatted("f2")), "{}");
    JsonNode out = output(run);
    JsonNode cont = out.get("cont");
    assertThat(cont.size()).isEqualTo(3);
    assertThat(cont.get(0).asInt()).isEqualTo(1);
    assertThat(cont.get(1).path("code").asString()).isEqualTo("test.flaky");
    assertThat(cont.get(1).path("details").path("node").asString()).isEqualTo("f1[1]");
    JsonNode coll = out.get("coll");
    // test.flaky answers its call number, counted per node id across iterations.
    assertThat(coll.path("results").get(1).asInt()).isPositive();
    assertThat(coll.path("results").get(0).isNull()).isTrue();
    assertThat(coll.path("errors").size()).isEqualTo(2);
    assertThat(coll.path("errors").get(0).path("index").asInt()).isZero();
    assertThat(coll.path("errors").get(1).path("index").asInt()).isEqualTo(2);
  }

  @Test
  void onItemErrorFailFailsTheLoopWithTheIterationsErrorAndCancelsTheOthers() {
    WorkflowStub run = t.start("""
        {"name": "fails", "nodes": [
          {"id": "each", "type": "loop", "config": {"mode": "forEach", "items": "[0, 1, 2]", "concurrency": 3, "body": {
            "nodes": [{"id": "step", "type": "test.flaky", "config": {"failures": "{{ index == 1 ? 5 : 0 }}", "retryable": false}}]}}}
        ]}
        """, "{}");
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class)
        .cause().isInstanceOfSatisfying(ApplicationFailure.class, f -> assertThat(f.getOriginalMessage())
            .contains("node 'each' failed: item 1: node 'step[1]' failed"));
    assertThat(t.state(run).nodes().get("each").error().code()).isEqualTo("test.flaky");
  }

  @Test
  void repeatRunsUntilTheConditionHoldsFeedingEachIterationThePreviousResult() {
    // A paginated fetch: each page says where the next starts; the loop stops at the page without one.
    WorkflowStub run = t.start("""
        {"name": "pages", "nodes": [
          {"id": "pages", "type": "loop", "config": {"mode": "repeat", "maxIterations": 10, "collect": true,
            "until": "nodes.page.output.next == null", "body": {"nodes": [
              {"id": "page", "type": "test.echo", "config": {"value": {
                "cursor": "{{ item == null ? 0 : item.next }}",
                "next": "{{ (item == null ? 0 : item.next) + 1 < 4 ? (item == null ? 0 : item.next) + 1 : null }}"}}}
            ]}}}
        ]}
        """, "{}");
    JsonNode out = output(run).get("pages");
    assertThat(out.path("iterations").asInt()).isEqualTo(4);
    assertThat(out.path("exhausted").asBoolean()).isFalse();
    assertThat(out.path("result").path("cursor").asInt()).isEqualTo(3);
    assertThat(out.path("results").size()).isEqualTo(4);
    assertThat(out.path("results").get(1).path("cursor").asInt()).isEqualTo(1);
  }

  @Test
  void repeatStopsAtMaxIterationsAndSaysSo() {
    WorkflowStub run = t.start("""
        {"name": "bounded", "nodes": [
          {"id": "again", "type": "loop", "config": {"mode": "repeat", "maxIterations": 3, "until": "false",
            "body": {"nodes": [{"id": "tick", "type": "set", "config": {"values": {"i": "{{ index }}"}}}]}}}
        ]}
        """, "{}");
    JsonNode out = output(run).get("again");
    assertThat(out.path("iterations").asInt()).isEqualTo(3);
    assertThat(out.path("exhausted").asBoolean()).isTrue();
    assertThat(out.path("result").path("i").asInt()).isEqualTo(2);
  }

  @Test
  void anApprovalInsideALoopIsAnsweredPerIteration() {
    WorkflowStub run = t.start("""
        {"name": "approve each", "nodes": [
          {"id": "each", "type": "loop", "config": {"mode": "forEach", "items": "input.expenses", "concurrency": 2, "body": {
            "nodes": [
              {"id": "ok", "type": "approval", "config": {"title": "Expense {{ item.id }}", "approvers": ["maria"]}},
              {"id": "yes", "type": "set", "config": {"values": {"id": "{{ item.id }}", "ok": true}}},
              {"id": "no", "type": "set", "config": {"values": {"id": "{{ item.id }}", "ok": false}}}
            ],
            "edges": [{"from": "ok", "port": "approved", "to": "yes"}, {"from": "ok", "port": "rejected", "to": "no"}]}}}
        ]}
        """, "{\"expenses\": [{\"id\": \"e1\"}, {\"id\": \"e2\"}]}", "sam");
    RunWorkflow typed = t.run(run);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .until(() -> t.state(run).waiting().containsAll(List.of("ok[0]", "ok[1]")));
    assertThat(t.state(run).status()).isEqualTo(RunStatus.WAITING);
    assertThat(t.state(run).nodes().get("ok[1]").task().path("title").asString()).isEqualTo("Expense e2");
    typed.decide(new HumanInput("ok[1]", new Actor("maria", List.of("editor"), List.of()), "reject", "too much", null, null));
    typed.decide(new HumanInput("ok[0]", new Actor("maria", List.of("editor"), List.of()), "approve", null, null, null));
    JsonNode out = output(run).get("each");
    assertThat(out.get(0).path("yes").isMissingNode() ? out.get(0) : out.get(0).get("yes")).isNotNull();
    assertThat(Json.MAPPER.writeValueAsString(out)).contains("\"id\":\"e1\",\"ok\":true").contains("\"id\":\"e2\",\"ok\":false");
  }

  @Test
  void cancellingARunCancelsTheIterationsInFlight() {
    WorkflowStub run = t.start("""
        {"name": "cancel", "nodes": [
          {"id": "each", "type": "loop", "config": {"mode": "forEach", "items": "[1, 2, 3]", "concurrency": 2, "body": {
            "nodes": [{"id": "nap", "type": "delay", "config": {"duration": "30d"}}]}}}
        ]}
        """, "{}");
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
        .until(() -> t.state(run).nodes().containsKey("nap[1]"));
    run.cancel();
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
    RunState state = t.state(run);
    assertThat(state.status()).isEqualTo(RunStatus.CANCELED);
    assertThat(state.nodes().get("each").status()).isEqualTo(NodeStatus.CANCELED);
    List<RunEvent> events = t.events.of(run.getExecution().getWorkflowId());
    assertThat(events.stream().filter(e -> e.kind() == EventKind.NODE_CANCELED).map(RunEvent::nodeId))
        .as(events.stream().map(e -> e.nodeId() + ":" + e.kind()).toList().toString())
        .contains("nap[0]", "nap[1]", "each").doesNotContain("nap[2]");
    assertThat(events.getLast().kind()).isEqualTo(EventKind.RUN_CANCELED);
  }

  @Test
  void untilReadsTheRunsInputAndMetadata() {
    WorkflowStub run = t.start("""
        {"name": "until input", "nodes": [
          {"id": "first", "type": "set", "config": {"values": {"go": true}}},
          {"id": "again", "type": "loop", "config": {"mode": "repeat", "maxIterations": 10,
            "until": "index >= input.max - 1 && run.workflowId == 'wf'",
            "body": {"nodes": [{"id": "tick", "type": "set", "config": {"values": {"i": "{{ index }}"}}}]}}}
        ], "edges": [{"from": "first", "to": "again"}]}
        """, "{\"max\": 4}");
    JsonNode out = output(run).get("again");
    assertThat(out.path("iterations").asInt()).isEqualTo(4);
    assertThat(out.path("exhausted").asBoolean()).isFalse();
  }
}
