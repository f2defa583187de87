package dev.weft.node;

import dev.weft.definition.EdgeDef;
import dev.weft.definition.Violation;
import java.util.List;

/**
 * One node type = one class implementing a kind-specific sub-interface ({@link ActivityNodeType},
 * {@link ControlNodeType}, {@link WaitNodeType}) + one config record + its test. The record is the
 * contract: it binds the JSON config, and its JSON schema is derived from it.
 */
public sealed interface NodeType<C extends Record> permits ActivityNodeType, ControlNodeType, WaitNodeType, CompositeNodeType {

  /** Short, lowercase, stable forever: {@code http}, {@code if}, {@code llm.chat}. */
  String id();

  Class<C> configClass();

  NodeKind kind();

  /** One line for the catalogue and the agent's prompt. */
  String description();

  /** The outgoing ports this config offers; {@code error} is added by {@code onError: branch}. */
  default List<String> ports(C config) {
    return List.of(EdgeDef.MAIN);
  }

  /**
   * Ids of nodes whose outputs this config reads other than through expressions (a code node's script
   * names them in its source), so the run hands their outputs to the node. Paths of {@code config} are raw
   * (templates unresolved).
   */
  default java.util.Set<String> reads(tools.jackson.databind.JsonNode config) {
    return java.util.Set.of();
  }

  /** Checks beyond the JSON schema; paths are relative to the node's {@code config}. */
  default List<Violation> validate(C config, GraphContext graph) {
    return List.of();
  }
}
