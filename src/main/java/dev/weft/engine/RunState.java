package dev.weft.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** A run's state: the answer of the {@code state} query, and the REST shape of a run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunState(
    String runId,
    String workflowId,
    int version,
    RunStatus status,
    Instant startedAt,
    Instant endedAt,
    JsonNode input,
    JsonNode output,
    NodeError error,
    Map<String, NodeState> nodes,
    List<String> waiting) {}
