package dev.weft.node.subworkflow;

import dev.weft.node.CompositeNodeType;
import org.springframework.stereotype.Component;

/**
 * Runs another saved workflow as a Temporal child workflow: the interpreter starts it (its id
 * {@code <parent run id>/<node>}), waits for its result or only for its start, and cancels it when the
 * parent is cancelled. That the target exists, may be run by the saver and does not lead back to the
 * caller is checked at save time.
 */
@Component
public class SubworkflowNode implements CompositeNodeType<SubworkflowNodeConfig> {
  public static final String TYPE = "subworkflow";

  @Override
  public String id() {
    return TYPE;
  }

  @Override
  public Class<SubworkflowNodeConfig> configClass() {
    return SubworkflowNodeConfig.class;
  }

  @Override
  public String description() {
    return "Runs another saved workflow (workflowId, optional pinned version) as a child run with `input`; "
        + "wait: true (default) outputs the child's output, false outputs {runId} at once.";
  }
}
