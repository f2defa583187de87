package dev.weft.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * One entry of a run's durable event log, unique per (run, node, attempt, kind). {@code nodeId} is
 * {@code ""} for run-level events. {@code input} is what the node read (truncated like the state query),
 * {@code output} its full output or its claim-check reference; run-level terminal events carry the
 * final {@link RunState} in {@code data}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunEvent(
    String runId,
    String nodeId,
    String nodeType,
    int attempt,
    EventKind kind,
    Instant at,
    Long durationMs,
    JsonNode input,
    JsonNode output,
    NodeError error,
    JsonNode data) {

  public static final String RUN = "";

  public boolean runLevel() {
    return RUN.equals(nodeId);
  }
}
