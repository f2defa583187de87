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

  /**
   * Whether this node runs as a local activity when its definition leaves {@code execution} to
   * {@code auto} and its timeout is at most {@link dev.weft.definition.Execution#LOCAL_MAX_TIMEOUT}.
   * Say yes only for work that is short <em>and harmless to repeat</em>: after a worker crash, every
   * local node that ran in the interrupted workflow task runs again, completed ones included (their
   * results were not recorded yet), where an activity repeats only the attempt in flight. So: a script
   * (no I/O), a {@code GET}; not a {@code POST}, not a model's answer.
   *
   * <p>Runs in flight depend on the answer: changing it for an existing type is a change of the
   * interpreter's commands, to be made behind {@code Workflow.getVersion}.
   *
   * @param config the node's config as written (templates not resolved)
   */
  default boolean localByDefault(tools.jackson.databind.JsonNode config) {
    return false;
  }
}
