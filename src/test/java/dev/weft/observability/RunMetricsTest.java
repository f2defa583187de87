package dev.weft.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.definition.Json;
import dev.weft.engine.EventKind;
import dev.weft.engine.NodeError;
import dev.weft.engine.RunEvent;
import dev.weft.store.StoredEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Counts exactly the events it is told about, with bounded tags. */
class RunMetricsTest {
  private static final String RUN = "orders-sync-0123456789abcdef0123456789abcdef";
  private static final String OTHER_RUN = "billing-fedcba9876543210fedcba9876543210";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RunMetrics metrics = new RunMetrics(registry);
  private long seq;

  @Test
  void countsRunsPerWorkflow() {
    tell(runStarted(RUN, "orders-sync"), runStarted(OTHER_RUN, "billing"));
    tell(runEnded(RUN, EventKind.RUN_COMPLETED));
    tell(runStarted("orders-sync-ffffffffffffffffffffffffffffffff", "orders-sync"));
    tell(runEnded("orders-sync-ffffffffffffffffffffffffffffffff", EventKind.RUN_FAILED),
        runEnded(OTHER_RUN, EventKind.RUN_CANCELED));

    assertThat(count(RunMetrics.RUNS_STARTED, "workflow", "orders-sync")).isEqualTo(2);
    assertThat(count(RunMetrics.RUNS_STARTED, "workflow", "billing")).isEqualTo(1);
    assertThat(count(RunMetrics.RUNS_COMPLETED, "workflow", "orders-sync")).isEqualTo(1);
    assertThat(count(RunMetrics.RUNS_FAILED, "workflow", "orders-sync")).isEqualTo(1);
    assertThat(count(RunMetrics.RUNS_CANCELED, "workflow", "billing")).isEqualTo(1);
    assertThat(registry.find(RunMetrics.RUNS_COMPLETED).tag("workflow", "billing").counter()).isNull();
    assertThat(registry.find(RunMetrics.RUNS_FAILED).tag("workflow", "billing").counter()).isNull();
    assertThat(registry.find(RunMetrics.RUNS_CANCELED).tag("workflow", "orders-sync").counter()).isNull();
  }

  @Test
  void theWorkflowOfAnEndIsEverythingBeforeTheRunIdsLastDash() {
    // No data on the end event: the id is taken from the run id.
    tell(new RunEvent("a-b-c-0123456789abcdef0123456789abcdef", RunEvent.RUN, null, 0, EventKind.RUN_COMPLETED,
        Instant.now(), 5L, null, null, null, null));
    assertThat(count(RunMetrics.RUNS_COMPLETED, "workflow", "a-b-c")).isEqualTo(1);
  }

  @Test
  void timesNodesByTypeAndOutcome() {
    tell(node(EventKind.NODE_STARTED, "set", 1, null, null),
        node(EventKind.NODE_COMPLETED, "set", 1, 40L, null),
        node(EventKind.NODE_COMPLETED, "set", 1, 60L, null));
    tell(node(EventKind.NODE_COMPLETED, "http", 1, 250L, null),
        node(EventKind.NODE_FAILED, "http", 3, 1500L, new NodeError("http.status", "503", null)),
        node(EventKind.NODE_SKIPPED, "set", 0, null, null),
        node(EventKind.NODE_WAITING, "delay", 1, null, null));

    Timer set = registry.get(RunMetrics.NODE_DURATION).tags("type", "set", "outcome", "completed").timer();
    assertThat(set.count()).isEqualTo(2);
    assertThat(set.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(100.0);
    Timer http = registry.get(RunMetrics.NODE_DURATION).tags("type", "http", "outcome", "completed").timer();
    assertThat(http.count()).isEqualTo(1);
    Timer failed = registry.get(RunMetrics.NODE_DURATION).tags("type", "http", "outcome", "failed").timer();
    assertThat(failed.count()).isEqualTo(1);
    assertThat(failed.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1500.0);
    assertThat(registry.find(RunMetrics.NODE_DURATION).tags("type", "set", "outcome", "failed").timer()).isNull();
    assertThat(registry.find(RunMetrics.NODE_DURATION).tag("type", "delay").timer()).isNull();
    assertThat(registry.find(RunMetrics.NODE_DURATION).timers()).hasSize(3);
  }

  @Test
  void countsFailuresAndFailedAttemptsByTypeAndCode() {
    tell(node(EventKind.NODE_ATTEMPT_FAILED, "http", 1, 10L, new NodeError("http.connect", "refused", null)),
        node(EventKind.NODE_ATTEMPT_FAILED, "http", 2, 10L, new NodeError("http.connect", "refused", null)),
        node(EventKind.NODE_ATTEMPT_FAILED, "http", 3, 10L, new NodeError("http.timeout", "slow", null)));
    tell(node(EventKind.NODE_FAILED, "http", 3, 900L, new NodeError("http.timeout", "slow", null)),
        node(EventKind.NODE_FAILED, "set", 1, 2L, new NodeError("expr.eval", "no such key", null)),
        node(EventKind.NODE_FAILED, "set", 1, 2L, null));

    assertThat(count(RunMetrics.NODE_ATTEMPT_FAILURES, "type", "http", "code", "http.connect")).isEqualTo(2);
    assertThat(count(RunMetrics.NODE_ATTEMPT_FAILURES, "type", "http", "code", "http.timeout")).isEqualTo(1);
    assertThat(count(RunMetrics.NODE_FAILURES, "type", "http", "code", "http.timeout")).isEqualTo(1);
    assertThat(count(RunMetrics.NODE_FAILURES, "type", "set", "code", "expr.eval")).isEqualTo(1);
    assertThat(count(RunMetrics.NODE_FAILURES, "type", "set", "code", "unknown")).isEqualTo(1);
    assertThat(registry.find(RunMetrics.NODE_FAILURES).tag("code", "http.connect").counter()).isNull();
    assertThat(registry.find(RunMetrics.NODE_ATTEMPT_FAILURES).tag("type", "set").counter()).isNull();
  }

  @Test
  void neverTagsByRunOrNodeAndFoldsOddValues() {
    String longCode = "x".repeat(300);
    tell(runStarted(RUN, "orders-sync"),
        node(EventKind.NODE_COMPLETED, "set", 1, 1L, null),
        node(EventKind.NODE_FAILED, "http", 1, 1L, new NodeError(longCode, "m", null)),
        node(EventKind.NODE_FAILED, "http", 1, 1L, new NodeError("has spaces\nand a newline", "m", null)),
        node(EventKind.NODE_ATTEMPT_FAILED, null, 1, 1L, new NodeError("", "m", null)));

    assertThat(count(RunMetrics.NODE_FAILURES, "type", "http", "code", "other")).isEqualTo(2);
    assertThat(count(RunMetrics.NODE_ATTEMPT_FAILURES, "type", "unknown", "code", "unknown")).isEqualTo(1);
    List<String> tagKeys = new ArrayList<>();
    List<String> tagValues = new ArrayList<>();
    for (Meter m : registry.getMeters()) {
      for (Tag t : m.getId().getTags()) {
        tagKeys.add(t.getKey());
        tagValues.add(t.getValue());
      }
    }
    assertThat(tagKeys).containsOnly("workflow", "type", "outcome", "code");
    assertThat(tagValues).doesNotContain(RUN, "step").noneMatch(v -> v.length() > 64);
  }

  @Test
  void eachEventItIsToldAboutCountsOnceAndOnlyThose() {
    // The store reports an event once; a batch of n events counts n, an empty batch nothing.
    tell();
    assertThat(registry.getMeters()).isEmpty();
    for (int i = 0; i < 5; i++) tell(runStarted(RUN + i, "orders-sync"));
    assertThat(count(RunMetrics.RUNS_STARTED, "workflow", "orders-sync")).isEqualTo(5);
  }

  @Test
  void aFailingMeterDoesNotStopTheBatchOrTheWriter() {
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if (id.getName().equals(RunMetrics.RUNS_COMPLETED)) throw new IllegalStateException("broken registry");
        return id;
      }
    });
    tell(runEnded(RUN, EventKind.RUN_COMPLETED), runStarted(RUN, "orders-sync"));
    metrics.inserted(List.of(new StoredEvent(99, null)));
    assertThat(count(RunMetrics.RUNS_STARTED, "workflow", "orders-sync")).isEqualTo(1);
    assertThat(registry.find(RunMetrics.RUNS_COMPLETED).counter()).isNull();
  }

  @Test
  void countsTheTokensAndCostOfSuccessfulLlmAttemptsByWorkflowTypeModelAndDirection() {
    JsonNode usage = Json.parse("""
        {"text": "hi", "llm": {"profile": "default", "model": "gpt-4o-mini", "tokensIn": 120, "tokensOut": 30,
                               "latencyMs": 800, "cost": 0.0042}}""");
    tell(runStarted(RUN, "orders-sync"),
        output(EventKind.NODE_ATTEMPT_COMPLETED, "llm.chat", usage),
        output(EventKind.NODE_ATTEMPT_COMPLETED, "llm.chat", usage),
        output(EventKind.NODE_COMPLETED, "llm.chat", usage),
        output(EventKind.NODE_ATTEMPT_COMPLETED, "llm.classify", Json.parse("{\"label\": \"a\", \"llm\": {\"model\": \"llama3.2:3b\","
            + " \"tokensIn\": 10, \"tokensOut\": 1, \"cost\": 0}}")));

    assertThat(count(RunMetrics.LLM_TOKENS, "workflow", "orders-sync", "type", "llm.chat", "model", "gpt-4o-mini",
        "direction", "in")).isEqualTo(240);
    assertThat(count(RunMetrics.LLM_TOKENS, "type", "llm.chat", "direction", "out")).isEqualTo(60);
    assertThat(count(RunMetrics.LLM_COST, "workflow", "orders-sync", "type", "llm.chat", "model", "gpt-4o-mini"))
        .isCloseTo(0.0084, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(count(RunMetrics.LLM_TOKENS, "type", "llm.classify", "model", "llama3.2:3b", "direction", "in")).isEqualTo(10);
    assertThat(registry.find(RunMetrics.LLM_COST).tag("type", "llm.classify").counter()).as("free models cost nothing").isNull();
  }

  @Test
  void countsEachModelTurnOfAnAgentFromItsData() {
    JsonNode usage = Json.parse("""
        {"llm": {"profile": "default", "model": "gpt-4o-mini", "tokensIn": 100, "tokensOut": 20, "cost": 0.001}}""");
    tell(runStarted(RUN, "orders-sync"),
        new RunEvent(RUN, "clerk", "agent", 1, EventKind.AGENT_TURN, Instant.now(), null, null, Json.parse("{\"text\": \"\"}"),
            null, usage),
        new RunEvent(RUN, "clerk", "agent", 2, EventKind.AGENT_TURN, Instant.now(), null, null, null, null, usage),
        // The node's own completion carries the totals: not counted again.
        new RunEvent(RUN, "clerk", "agent", 1, EventKind.NODE_COMPLETED, Instant.now(), 5L, null, usage, null, null),
        new RunEvent(RUN, "clerk", "agent", 1, EventKind.AGENT_TOOL_CALL, Instant.now(), null, null, null, null, usage));

    assertThat(count(RunMetrics.LLM_TOKENS, "workflow", "orders-sync", "type", "agent", "model", "gpt-4o-mini",
        "direction", "in")).isEqualTo(200);
    assertThat(count(RunMetrics.LLM_COST, "type", "agent")).isCloseTo(0.002, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void ignoresOtherNodesClaimChecksFailuresOutputsWithoutUsageAndTheNodesCompletion() {
    JsonNode usage = Json.parse("{\"llm\": {\"model\": \"m\", \"tokensIn\": 5, \"tokensOut\": 5, \"cost\": 1}}");
    tell(output(EventKind.NODE_ATTEMPT_COMPLETED, "http", usage),
        output(EventKind.NODE_ATTEMPT_COMPLETED, "llm.chat", dev.weft.engine.ClaimCheck.ref("run/step/1", 200_000)),
        output(EventKind.NODE_ATTEMPT_COMPLETED, "llm.chat", Json.parse("{\"llm\": \"not usage\"}")),
        output(EventKind.NODE_ATTEMPT_FAILED, "llm.chat", usage),
        output(EventKind.NODE_COMPLETED, "llm.chat", usage),
        output(EventKind.NODE_ATTEMPT_COMPLETED, "llm.chat", null));

    assertThat(registry.find(RunMetrics.LLM_TOKENS).counters()).isEmpty();
    assertThat(registry.find(RunMetrics.LLM_COST).counters()).isEmpty();
  }

  @Test
  void llmTagsAreBounded() {
    tell(output(EventKind.NODE_ATTEMPT_COMPLETED, "llm.chat", Json.parse("{\"llm\": {\"model\": \"" + "m".repeat(200)
        + "\", \"tokensIn\": 1, \"tokensOut\": 0}}")));

    assertThat(count(RunMetrics.LLM_TOKENS, "model", "other", "direction", "in")).isEqualTo(1);
    assertThat(registry.find(RunMetrics.LLM_TOKENS).tag("direction", "out").counter()).isNull();
  }

  private static RunEvent output(EventKind kind, String type, JsonNode output) {
    return new RunEvent(RUN, "step", type, 1, kind, Instant.now(), 5L, null, output, null, null);
  }

  private void tell(RunEvent... events) {
    List<StoredEvent> batch = new ArrayList<>();
    for (RunEvent e : events) batch.add(new StoredEvent(++seq, e));
    metrics.inserted(batch);
  }

  private double count(String name, String... tags) {
    Counter c = registry.find(name).tags(tags).counter();
    assertThat(c).as("%s %s", name, List.of(tags)).isNotNull();
    return c.count();
  }

  private static RunEvent runStarted(String runId, String workflowId) {
    JsonNode data = Json.parse("{\"workflowId\": \"" + workflowId + "\", \"version\": 1}");
    return new RunEvent(runId, RunEvent.RUN, null, 0, EventKind.RUN_STARTED, Instant.now(), null, null, null, null, data);
  }

  private static RunEvent runEnded(String runId, EventKind kind) {
    return new RunEvent(runId, RunEvent.RUN, null, 0, kind, Instant.now(), 10L, null, null, null, Json.parse("{}"));
  }

  private static RunEvent node(EventKind kind, String type, int attempt, Long durationMs, NodeError error) {
    return new RunEvent(RUN, "step", type, attempt, kind, Instant.now(), durationMs, null, null, error, null);
  }
}
