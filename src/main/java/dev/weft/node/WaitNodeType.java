package dev.weft.node;

/** A node that waits durably (timers, human input) through the {@link WaitContext} it is given. */
public non-sealed interface WaitNodeType<C extends Record> extends NodeType<C> {

  @Override
  default NodeKind kind() {
    return NodeKind.WAIT;
  }

  NodeResult await(C config, WaitContext ctx);
}
