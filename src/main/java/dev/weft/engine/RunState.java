package dev.weft.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.LinkedHashMap;
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
    List<String> waiting,
    /** The principal who started the run. */
    String startedBy) {

  /**
   * This state without node outputs: what a run's last event stores, since the node events hold the
   * outputs already (history should not hold them twice); the store puts them back when it serves it.
   */
  public RunState withoutNodeOutputs() {
    Map<String, NodeState> slim = new LinkedHashMap<>();
    nodes.forEach((id, n) -> slim.put(id, n.withOutput(null)));
    return new RunState(runId, workflowId, version, status, startedAt, endedAt, input, output, error, slim, waiting, startedBy);
  }
}
