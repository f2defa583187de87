package dev.weft.node;

/** A node that waits durably (timers, human input) through the {@link WaitContext} it is given. */
public non-sealed interface WaitNodeType<C extends Record> extends NodeType<C> {

  @Override
  default NodeKind kind() {
    return NodeKind.WAIT;
  }

  NodeResult await(C config, WaitContext ctx);

  /**
   * Whether this type waits for people ({@link WaitContext#openTask}): its {@code node_waiting} event is
   * written when the task opens, with the task, instead of when the node starts.
   */
  default boolean asksPeople() {
    return false;
  }
}
