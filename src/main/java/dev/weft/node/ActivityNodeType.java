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

  /**
   * A plausible result without I/O, for the dry run of a generated workflow: shaped like a real output
   * (so downstream expressions are checked against it) and leaving on every port the config offers (so
   * every branch is reached). Expressions in the config are still evaluated, as {@link #execute} would.
   */
  default NodeResult sample(C config, NodeContext ctx) {
    return new NodeResult(dev.weft.definition.Json.object(), ports(config), null);
  }
}
