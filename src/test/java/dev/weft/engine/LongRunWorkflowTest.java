package dev.weft.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.definition.Json;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Runs of any length: a run continues-as-new when its history reaches the budget, carrying its state,
 * so no Temporal run's history passes Temporal's 10,240-event warning, and the run id, events, the
 * {@code state} query, pause/resume and human tasks go on across the boundary. Also: a forEach never
 * has more activities in flight than its concurrency.
 */
class LongRunWorkflowTest {
  /** Temporal warns above this many events in one run's history. */
  private static final int TEMPORAL_WARNING = 10_240;

  private EngineTestSupport t;

  @AfterEach
  void tearDown() {
    if (t != null) t.close();
  }

  private static String numbers(int n) {
    return "{\"items\": [" + IntStream.range(0, n).mapToObj(Integer::toString).collect(Collectors.joining(",")) + "]}";
  }

  private void assertBoundedHistories(List<WorkflowExecutionHistory> chain, int minRuns) {
    assertThat(chain).as("Temporal runs of the run").hasSizeGreaterThanOrEqualTo(minRuns);
    for (WorkflowExecutionHistory h : chain) {
      assertThat(h.getHistory().getEventsCount()).as("events of one Temporal run").isLessThanOrEqualTo(TEMPORAL_WARNING);
    }
  }

  @Test
  void aFiveThousandIterationLoopCompletesAndNoHistoryPassesTheWarning() {
    t = new EngineTestSupport();
    WorkflowStub run = t.start("""
        {"name": "long loop", "nodes": [
          {"id": "each", "type": "loop", "config": {"mode": "forEach", "items": "input.items", "concurrency": 10, "body": {
            "nodes": [{"id": "work", "type": "test.track", "config": {"value": "{{ item * 2 }}"}}]}}},
          {"id": "count", "type": "set", "config": {"values": {"n": "{{ size(nodes.each.output) }}",
            "last": "{{ nodes.each.output[4999] }}"}}}
        ], "edges": [{"from": "each", "to": "count"}]}
        """, numbers(5_000));
    JsonNode out = run.getResult(RunResult.class).output();
    assertThat(out.path("count").path("n").asInt()).isEqualTo(5_000);
    assertThat(out.path("count").path("last").asInt()).isEqualTo(9_998);
    assertBoundedHistories(t.chain(run), 3);
    List<RunEvent> events = t.events.of(run.getExecution().getWorkflowId());
    assertThat(events.stream().filter(e -> e.kind() == EventKind.RUN_STARTED)).hasSize(1);
    assertThat(events.stream().filter(e -> e.kind() == EventKind.NODE_COMPLETED && e.nodeId().startsWith("work["))).hasSize(5_000);
    assertThat(events.stream().filter(e -> e.kind() == EventKind.NODE_STARTED && e.nodeId().equals("each"))).hasSize(1);
  }

  @Test
  void aTwoThousandNodeChainCompletesAndNoHistoryPassesTheWarning() {
    t = new EngineTestSupport();
    int n = 2_000;
    StringBuilder def = new StringBuilder("{\"name\": \"chain\", \"nodes\": [");
    for (int i = 0; i < n; i++) {
      if (i > 0) def.append(',');
      def.append("{\"id\": \"n").append(String.format("%04d", i)).append("\", \"type\": \"test.echo\", \"config\": {\"value\": ")
          .append(i == 0 ? "1" : "\"{{ nodes.n" + String.format("%04d", i - 1) + ".output + 1 }}\"").append("}}");
    }
    def.append("], \"edges\": [");
    for (int i = 1; i < n; i++) {
      if (i > 1) def.append(',');
      def.append("{\"from\": \"n").append(String.format("%04d", i - 1)).append("\", \"to\": \"n").append(String.format("%04d", i))
          .append("\"}");
    }
    def.append("]}");
    WorkflowStub run = t.start(def.toString(), "{}");
    JsonNode out = run.getResult(RunResult.class).output();
    assertThat(out.path("n1999").asInt()).isEqualTo(2_000);
    assertBoundedHistories(t.chain(run), 2);
    RunState state = t.state(run);
    assertThat(state.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(state.nodes()).hasSize(n);
    assertThat(state.nodes().get("n0000").status()).isEqualTo(NodeStatus.COMPLETED);
  }

  @Test
  void aThousandItemForEachWithConcurrencyTwentyNeverHasMoreThanTwentyActivitiesInFlight() {
    t = new EngineTestSupport();
    WorkflowStub run = t.start("""
        {"name": "bounded", "nodes": [
          {"id": "each", "type": "loop", "config": {"mode": "forEach", "items": "input.items", "concurrency": 20, "body": {
            "nodes": [{"id": "work", "type": "test.track", "config": {"value": "{{ item }}", "holdMs": 15}}]}}}
        ]}
        """, numbers(1_000));
    JsonNode out = run.getResult(RunResult.class).output();
    assertThat(out.path("each").size()).isEqualTo(1_000);
    assertThat(TestNodes.MAX_IN_FLIGHT.get()).as("most test.track activities at once").isLessThanOrEqualTo(20)
        // ...and the loop did run iterations side by side.
        .isGreaterThan(1);
    assertBoundedHistories(t.chain(run), 2);
  }

  @Test
  void stateEventsPauseResumeAndHumanTasksWorkAcrossContinueAsNew() {
    t = new EngineTestSupport(EngineSettings.DEFAULTS.withHistoryBudget(400));
    WorkflowStub run = t.start("""
        {"name": "across", "nodes": [
          {"id": "each", "type": "loop", "config": {"mode": "forEach", "items": "input.items", "concurrency": 2, "body": {
            "nodes": [{"id": "work", "type": "test.track", "config": {"value": "{{ item + 1 }}", "holdMs": 5}}]}}},
          {"id": "ok", "type": "approval", "config": {"title": "{{ size(nodes.each.output) }} done", "approvers": ["maria"]}},
          {"id": "done", "type": "set", "config": {"values": {"sum": "{{ nodes.each.output[0] + nodes.each.output[299] }}"}}}
        ], "edges": [{"from": "each", "to": "ok"}, {"from": "ok", "port": "approved", "to": "done"}]}
        """, numbers(300), "sam");
    RunWorkflow typed = t.run(run);
    await().atMost(Duration.ofSeconds(60)).until(() -> t.chain(run).size() >= 2);
    assertThat(typed.pause(new ControlInput(new Actor("op", List.of("operator"), List.of()), "check"))).isEqualTo(RunStatus.PAUSED);
    RunState paused = t.state(run);
    assertThat(paused.status()).isEqualTo(RunStatus.PAUSED);
    assertThat(paused.nodes().get("each").iterations().path("completed").asInt()).isBetween(1, 299);
    typed.resume(new ControlInput(new Actor("op", List.of("operator"), List.of()), null));
    await().atMost(Duration.ofSeconds(60)).until(() -> t.state(run).waiting().contains("ok"));
    assertThat(t.state(run).nodes().get("ok").task().path("title").asString()).isEqualTo("300 done");
    typed.decide(new HumanInput("ok", new Actor("maria", List.of("editor"), List.of()), "approve", null, null, null));
    JsonNode out = run.getResult(RunResult.class).output();
    assertThat(out.path("done").path("sum").asInt()).isEqualTo(1 + 300);
    assertThat(t.chain(run).size()).isGreaterThanOrEqualTo(2);
    List<RunEvent> events = t.events.of(run.getExecution().getWorkflowId());
    assertThat(events.stream().filter(e -> e.kind() == EventKind.RUN_PAUSED)).hasSize(1);
    assertThat(events.stream().filter(e -> e.kind() == EventKind.RUN_RESUMED)).hasSize(1);
    assertThat(events.stream().filter(e -> e.kind() == EventKind.RUN_COMPLETED)).hasSize(1);
    // The final state still knows when the run started: in its first Temporal run.
    RunState end = t.state(run);
    assertThat(end.startedAt()).isEqualTo(events.getFirst().at());
    assertThat(Json.MAPPER.valueToTree(end.nodes().get("each")).path("status").asString()).isEqualTo("COMPLETED");
  }

  @Test
  void largeListsAndLargeCarriesTravelByReference() {
    // Outputs above 2,000 bytes are claim-checked; the history budget forces continue-as-new.
    t = new EngineTestSupport(new EngineSettings(2_000, 16_384, 4_096, 300));
    WorkflowStub run = t.start("""
        {"name": "big", "nodes": [
          {"id": "rows", "type": "test.big", "config": {"items": 60}},
          {"id": "each", "type": "loop", "config": {"mode": "forEach", "items": "nodes.rows.output", "concurrency": 4, "body": {
            "nodes": [{"id": "work", "type": "test.echo", "config": {"value": {"n": "{{ item.n }}", "text": "{{ item.text }}"}}}]}}},
          {"id": "count", "type": "set", "config": {"values": {"n": "{{ size(nodes.each.output) }}",
            "last": "{{ nodes.each.output[59].n }}"}}}
        ], "edges": [{"from": "rows", "to": "each"}, {"from": "each", "to": "count"}]}
        """, "{}");
    JsonNode out = run.getResult(RunResult.class).output();
    assertThat(out.path("count").path("n").asInt()).isEqualTo(60);
    assertThat(out.path("count").path("last").asInt()).isEqualTo(59);
    List<WorkflowExecutionHistory> chain = t.chain(run);
    assertThat(chain).hasSizeGreaterThanOrEqualTo(2);
    // The loop's output stands in the state as a reference, and a continued run got its state by reference.
    assertThat(ClaimCheck.isRef(t.state(run).nodes().get("each").output())).isTrue();
    assertThat(chain.get(1).getEvents().getFirst().getWorkflowExecutionStartedEventAttributes().getInput().toString())
        .contains("carriedRef");
  }
}
