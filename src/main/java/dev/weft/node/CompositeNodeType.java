package dev.weft.node;

/**
 * A node that runs other nodes: the interpreter schedules it itself (a loop's iterations as nested
 * graphs, a sub-workflow as a Temporal child workflow), so the type only carries its config record,
 * its ports and its save-time checks. It cannot run on its own (test-one-node refuses it).
 */
public non-sealed interface CompositeNodeType<C extends Record> extends NodeType<C> {

  @Override
  default NodeKind kind() {
    return NodeKind.COMPOSITE;
  }
}
