package dev.weft.engine;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.weft.expression.Scope;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What one node execution may read: the run input (when used), the nodes it references or receives
 * from, run metadata, and the sources of its taken incoming edges in edge order. Sent to activities, so
 * it carries only what the node needs: history stays small.
 *
 * <p>In a loop body it also carries the iteration: {@code item}, {@code index} and {@code iteration},
 * the suffix that names the node's execution in this iteration ({@code [3]}, or {@code [2][5]} in a loop
 * nested in a loop); all three are absent outside loops.
 */
public record NodeScope(JsonNode input, Map<String, Scope.NodeView> nodes, JsonNode run, List<String> takenSources,
    @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode item,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer index,
    @JsonInclude(JsonInclude.Include.NON_NULL) String iteration) {

  public NodeScope(JsonNode input, Map<String, Scope.NodeView> nodes, JsonNode run, List<String> takenSources) {
    this(input, nodes, run, takenSources, null, null, null);
  }

  /** The same scope with other node views (claim-checked outputs loaded). */
  public NodeScope withNodes(Map<String, Scope.NodeView> newNodes) {
    return new NodeScope(input, newNodes, run, takenSources, item, index, iteration);
  }

  /** The name of this execution of node {@code nodeId}: the id, plus the iteration in a loop body. */
  public String key(String nodeId) {
    return iteration == null ? nodeId : nodeId + iteration;
  }

  /** The scope expressions see. */
  @JsonIgnore
  public Scope expressionScope() {
    return index == null ? new Scope(input, nodes, run) : new Scope(input, nodes, run, item, index);
  }
}
