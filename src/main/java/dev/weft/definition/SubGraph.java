package dev.weft.definition;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Nodes and edges nested in a node's config: a loop's body. Its nodes are full nodes (activities, code,
 * waits and approvals included); their ids are unique across the whole definition.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubGraph(List<NodeDef> nodes, List<EdgeDef> edges) {
  public SubGraph {
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
    edges = edges == null ? List.of() : List.copyOf(edges);
  }
}
