package dev.weft.node;

/**
 * A pure node: its result depends only on its config and context, so the interpreter evaluates it
 * inside the workflow. It must not do I/O, read clocks or random sources.
 */
public non-sealed interface ControlNodeType<C extends Record> extends NodeType<C> {

  @Override
  default NodeKind kind() {
    return NodeKind.CONTROL;
  }

  NodeResult evaluate(C config, NodeContext ctx);
}
