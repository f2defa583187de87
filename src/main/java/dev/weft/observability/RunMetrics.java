package dev.weft.observability;

import dev.weft.engine.NodeError;
import dev.weft.engine.RunEvent;
import dev.weft.store.RunEventListener;
import dev.weft.store.StoredEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Run and node metrics from the event log. The store reports each event once, when it is first
 * committed, so these counts are exact although event writers retry.
 *
 * <p>Tags are bounded: the workflow id (one series per workflow, never per run), the node type and the
 * failure code; run ids and node ids are never tags.
 */
public class RunMetrics implements RunEventListener {
  public static final String RUNS_STARTED = "weft.runs.started";
  public static final String RUNS_COMPLETED = "weft.runs.completed";
  public static final String RUNS_FAILED = "weft.runs.failed";
  public static final String RUNS_CANCELED = "weft.runs.canceled";
  public static final String RUNS_TERMINATED = "weft.runs.terminated";
  public static final String NODE_DURATION = "weft.node.duration";
  public static final String NODE_FAILURES = "weft.node.failures";
  public static final String NODE_ATTEMPT_FAILURES = "weft.node.attempt.failures";
  /** Tokens LLM nodes used (Prometheus {@code weft_llm_tokens_total}), by direction {@code in}/{@code out}. */
  public static final String LLM_TOKENS = "weft.llm.tokens";
  /** What LLM nodes cost under their profiles' prices (Prometheus {@code weft_llm_cost_total}). */
  public static final String LLM_COST = "weft.llm.cost";

  static final String UNKNOWN = "unknown";
  static final String OTHER = "other";
  private static final int MAX_TAG_LENGTH = 64;
  /** What a tag value may look like; anything else (free text, huge strings) is folded into "other". */
  private static final Pattern TAG_VALUE = Pattern.compile("[A-Za-z0-9_.:-]+");

  private static final Logger log = LoggerFactory.getLogger(RunMetrics.class);

  private final MeterRegistry registry;

  public RunMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void inserted(List<StoredEvent> events) {
    for (StoredEvent stored : events) {
      try {
        record(stored.event());
      } catch (RuntimeException e) {
        // Metrics never fail the writer: the events are committed already.
        log.warn("metrics for event {} not recorded: {}", stored.seq(), e.toString());
      }
    }
  }

  private void record(RunEvent e) {
    if (e == null || e.kind() == null) return;
    switch (e.kind()) {
      case RUN_STARTED -> runCounter(RUNS_STARTED, "Runs started", workflowOf(e)).increment();
      case RUN_COMPLETED -> runCounter(RUNS_COMPLETED, "Runs that completed", workflowOf(e)).increment();
      case RUN_FAILED -> runCounter(RUNS_FAILED, "Runs that failed", workflowOf(e)).increment();
      case RUN_CANCELED -> runCounter(RUNS_CANCELED, "Runs that were canceled", workflowOf(e)).increment();
      case RUN_TERMINATED -> runCounter(RUNS_TERMINATED, "Runs ended outside Weft: terminated, timed out or lost",
          workflowOf(e)).increment();
      case NODE_COMPLETED -> duration(e, "completed");
      case NODE_ATTEMPT_COMPLETED -> llmUsage(e);
      case AGENT_TURN -> {
        // An agent node's model turns: each event carries one call's usage.
        if (e.data() != null && e.data().get("llm") instanceof JsonNode u && u.isObject()) {
          llmUsage(workflowOf(e), e.nodeType(), u);
        }
      }
      case NODE_FAILED -> {
        duration(e, "failed");
        Counter.builder(NODE_FAILURES).description("Nodes that failed (after their last attempt)")
            .tag("type", tagValue(e.nodeType())).tag("code", code(e.error()))
            .register(registry).increment();
      }
      case NODE_ATTEMPT_FAILED -> Counter.builder(NODE_ATTEMPT_FAILURES).description("Failed attempts of nodes")
          .tag("type", tagValue(e.nodeType())).tag("code", code(e.error()))
          .register(registry).increment();
      default -> { }
    }
  }

  /**
   * The usage an {@code llm.*} node reports under {@code llm} in its output, counted from the attempt
   * that succeeded: the workflow's {@code node_completed} of an activity node carries no output, while
   * the activity writes its output once per attempt (the store keeps the first of a repeated write), and
   * a failed attempt (429, 5xx) has no usage. A claim-checked output is not read.
   */
  private void llmUsage(RunEvent e) {
    if (e.nodeType() == null || !e.nodeType().startsWith("llm.") || e.output() == null) return;
    JsonNode usage = e.output().get("llm");
    if (usage == null || !usage.isObject()) return;
    llmUsage(workflowOf(e), e.nodeType(), usage);
  }

  /**
   * Counts one model call's usage ({@link dev.weft.ai.LlmReply#usage()}); also for calls outside runs:
   * the agent ({@code workflow = "agent"}) and workflow generation ({@code workflow = "generate"}).
   */
  public void llmUsage(String workflowTag, String typeTag, JsonNode usage) {
    String workflow = tagValue(workflowTag);
    String type = tagValue(typeTag);
    String model = tagValue(usage.path("model").asString(null));
    for (String direction : new String[] {"in", "out"}) {
      JsonNode tokens = usage.get(direction.equals("in") ? "tokensIn" : "tokensOut");
      if (tokens == null || !tokens.isNumber() || tokens.asLong() <= 0) continue;
      Counter.builder(LLM_TOKENS).description("Tokens used by LLM calls")
          .tag("workflow", workflow).tag("type", type).tag("model", model).tag("direction", direction)
          .register(registry).increment(tokens.asLong());
    }
    JsonNode cost = usage.get("cost");
    if (cost != null && cost.isNumber() && cost.doubleValue() > 0) {
      Counter.builder(LLM_COST).description("Cost of LLM calls, in the profiles' price currency")
          .tag("workflow", workflow).tag("type", type).tag("model", model)
          .register(registry).increment(cost.doubleValue());
    }
  }

  private Counter runCounter(String name, String description, String workflow) {
    return Counter.builder(name).description(description).tag("workflow", workflow).register(registry);
  }

  private void duration(RunEvent e, String outcome) {
    if (e.durationMs() == null || e.durationMs() < 0) return;
    Timer.builder(NODE_DURATION).description("How long nodes took, first start to end, retries included")
        .tag("type", tagValue(e.nodeType())).tag("outcome", outcome)
        .register(registry).record(Duration.ofMillis(e.durationMs()));
  }

  /** The workflow a run belongs to: RUN_STARTED names it; a run id is {@code <workflowId>-<32 hex>}. */
  static String workflowOf(RunEvent e) {
    JsonNode data = e.data();
    JsonNode named = data == null ? null : data.get("workflowId");
    if (named != null && named.isString() && !named.asString().isBlank()) return tagValue(named.asString());
    String run = e.runId();
    if (run == null) return UNKNOWN;
    int dash = run.lastIndexOf('-');
    return dash <= 0 ? UNKNOWN : tagValue(run.substring(0, dash));
  }

  private static String code(NodeError error) {
    return error == null ? UNKNOWN : tagValue(error.code());
  }

  static String tagValue(String value) {
    if (value == null || value.isBlank()) return UNKNOWN;
    if (value.length() > MAX_TAG_LENGTH || !TAG_VALUE.matcher(value).matches()) return OTHER;
    return value;
  }
}
