package dev.weft.ai;

import dev.weft.definition.Json;
import java.math.BigDecimal;
import tools.jackson.databind.node.ObjectNode;

/**
 * One model answer and what it cost. {@link #usage()} is what LLM nodes put under {@code llm} in their
 * output, so the node event carries it and {@link dev.weft.observability.RunMetrics} counts it once.
 */
public record LlmReply(String text, String profile, String model, long tokensIn, long tokensOut, long latencyMs,
    BigDecimal cost) {

  public ObjectNode usage() {
    ObjectNode u = Json.object();
    u.put("profile", profile);
    u.put("model", model);
    u.put("tokensIn", tokensIn);
    u.put("tokensOut", tokensOut);
    u.put("latencyMs", latencyMs);
    u.put("cost", cost);
    return u;
  }

  /** The usage of two calls (an answer and its re-ask) as one. */
  public LlmReply plus(LlmReply later) {
    return new LlmReply(later.text, later.profile, later.model, tokensIn + later.tokensIn, tokensOut + later.tokensOut,
        latencyMs + later.latencyMs, cost.add(later.cost));
  }
}
