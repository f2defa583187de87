package dev.weft.engine;

import dev.weft.definition.NodeDef;

/**
 * What the activity of one node execution receives. {@code attemptBase} counts the attempts of earlier
 * executions of the node (retried after {@code onError: ask}), so attempts keep counting up across them.
 */
public record ActivityInput(String runId, NodeDef node, NodeScope scope, Integer attemptBase) {

  public ActivityInput(String runId, NodeDef node, NodeScope scope) {
    this(runId, node, scope, 0);
  }

  /** The name of this node execution: the node id, plus the iteration inside a loop ({@code charge[3]}). */
  public String key() {
    return scope == null ? node.id() : scope.key(node.id());
  }

  public int base() {
    return attemptBase == null ? 0 : attemptBase;
  }
}
