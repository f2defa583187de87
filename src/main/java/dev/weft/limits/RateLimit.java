package dev.weft.limits;

import java.util.Arrays;

/**
 * The rate-limited actions, each counted per minute in two buckets that a request must both pass: one per
 * (limit, tenant) and one per (limit, tenant, principal). {@link #WEBHOOK} is public: its buckets are per
 * (tenant, hook path), with no principal. The wire names are the setting names
 * ({@code weft.limits.tiers.<tier>.<wire>.principal|tenant}) and what a 429 names as {@code limit}.
 */
public enum RateLimit {
  /** {@code POST /api/workflows/validate}, {@code POST /api/workflows}, {@code PUT /api/workflows/{id}}. */
  SAVE("save"),
  /** {@code POST /api/workflows/{id}/runs}. */
  RUN_STARTS("run-starts"),
  /** {@code POST /hooks/<path>}, per tenant and path. */
  WEBHOOK("webhook"),
  /** Event streams opened ({@code GET /api/runs/{runId}/events/stream}). */
  SSE("sse"),
  /** {@code POST /api/workflows/generate}. */
  GENERATION("generation"),
  /** {@code POST /api/agent/chat}. */
  AGENT_MESSAGES("agent-messages"),
  /** {@code POST /api/workflows/{id}/nodes/{nodeId}/test} and {@code POST /api/workflows/test-node}. */
  TEST_NODE("test-node");

  private final String wire;

  RateLimit(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static RateLimit ofWire(String wire) {
    return Arrays.stream(values()).filter(l -> l.wire.equals(wire)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no rate limit named '" + wire + "'"));
  }
}
