package dev.weft.definition;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A user workflow in the v1 definition format (see docs/definition-format.md). {@code id} is optional:
 * the API derives one from the name when it is absent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkflowDefinition(
    String id,
    String name, String description, TriggerDef trigger, List<NodeDef> nodes, List<EdgeDef> edges,
    /** The workflow started when a run of this one fails (n8n's Error Workflow); {@code null} for none. */
    OnFailureDef onFailure,
    /** The JSON schema (draft 2020-12, an object) every start's input must match; {@code null}: any input. */
    JsonNode inputSchema) {

  public WorkflowDefinition(String id, String name, String description, TriggerDef trigger, List<NodeDef> nodes,
      List<EdgeDef> edges) {
    this(id, name, description, trigger, nodes, edges, null, null);
  }

  public WorkflowDefinition(String id, String name, String description, TriggerDef trigger, List<NodeDef> nodes,
      List<EdgeDef> edges, OnFailureDef onFailure) {
    this(id, name, description, trigger, nodes, edges, onFailure, null);
  }

  public WorkflowDefinition {
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
    edges = edges == null ? List.of() : List.copyOf(edges);
  }

  /** This definition with its workflow id set. */
  public WorkflowDefinition withId(String workflowId) {
    return new WorkflowDefinition(workflowId, name, description, trigger, nodes, edges, onFailure, inputSchema);
  }

  public Optional<NodeDef> node(String id) {
    return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
  }
}
