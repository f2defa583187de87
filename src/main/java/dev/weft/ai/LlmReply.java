package dev.weft.ai;

import dev.weft.definition.Json;
import java.math.BigDecimal;
import tools.jackson.databind.node.ObjectNode;

/**
 * One model answer and what it cost. {@link #usage()} is what LLM nodes put under {@code llm} in their
 * output, so the node event carries it and {@link dev.weft.observability.RunMetrics} counts it once.
 *
 * @param profile the profile that answered (a fallback's when the asked one was unavailable)
 * @param structured how an answer that must be JSON was asked for: {@link #SCHEMA} (the provider was given
 *     the schema) or {@link #PROMPT} (only the prompt asks for it); null for a plain call
 */
public record LlmReply(String text, String profile, String model, long tokensIn, long tokensOut, long latencyMs,
    BigDecimal cost, String structured) {
  public static final String SCHEMA = "schema";
  public static final String PROMPT = "prompt";

  public LlmReply(String text, String profile, String model, long tokensIn, long tokensOut, long latencyMs, BigDecimal cost) {
    this(text, profile, model, tokensIn, tokensOut, latencyMs, cost, null);
  }

  public ObjectNode usage() {
    ObjectNode u = Json.object();
    u.put("profile", profile);
    u.put("model", model);
    u.put("tokensIn", tokensIn);
    u.put("tokensOut", tokensOut);
    u.put("latencyMs", latencyMs);
    u.put("cost", cost);
    if (structured != null) u.put("structured", structured);
    return u;
  }

  /** This reply marked with how its JSON was asked for. */
  public LlmReply structured(String how) {
    return new LlmReply(text, profile, model, tokensIn, tokensOut, latencyMs, cost, how);
  }

  /** The usage of two calls (an answer and its re-ask) as one: the later one's text, profile and path. */
  public LlmReply plus(LlmReply later) {
    return new LlmReply(later.text, later.profile, later.model, tokensIn + later.tokensIn, tokensOut + later.tokensOut,
        latencyMs + later.latencyMs, cost.add(later.cost), later.structured);
  }
}
