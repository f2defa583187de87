package dev.weft.node;

/** A node that does I/O; runs only inside a Temporal activity. */
public non-sealed interface ActivityNodeType<C extends Record> extends NodeType<C> {

  @Override
  default NodeKind kind() {
    return NodeKind.ACTIVITY;
  }

  /**
   * @throws NodeFailure for an expected failure (its {@code retryable} decides whether Temporal retries)
   */
  NodeResult execute(C config, NodeContext ctx);
}
