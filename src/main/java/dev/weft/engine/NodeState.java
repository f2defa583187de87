package dev.weft.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** One node's state as the {@code state} query reports it; large outputs are truncated. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeState(
    String type,
    NodeStatus status,
    int attempts,
    Instant startedAt,
    Instant endedAt,
    List<String> ports,
    JsonNode output,
    NodeError error,
    /** The open human task of a waiting node: kind, title, assignees, actions, since, due, decisions so far. */
    JsonNode task,
    /** A loop's iterations: {@code {total, completed, failed, running}}. */
    JsonNode iterations,
    /** Where a node that left the workflow ran: {@code activity} or {@code local}; absent for nodes run in the workflow. */
    String execution) {

  public NodeState withOutput(JsonNode newOutput) {
    return new NodeState(type, status, attempts, startedAt, endedAt, ports, newOutput, error, task, iterations, execution);
  }
}
