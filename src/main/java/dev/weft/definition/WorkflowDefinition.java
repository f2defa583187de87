package dev.weft.definition;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Optional;

/** A user workflow in the v1 definition format (see docs/definition-format.md). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkflowDefinition(
    String name, String description, TriggerDef trigger, List<NodeDef> nodes, List<EdgeDef> edges) {

  public WorkflowDefinition {
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
    edges = edges == null ? List.of() : List.copyOf(edges);
  }

  public Optional<NodeDef> node(String id) {
    return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
  }
}
