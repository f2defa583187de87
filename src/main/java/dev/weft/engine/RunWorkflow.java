package dev.weft.engine;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** The one generic workflow: it interprets any user workflow definition, durably. */
@WorkflowInterface
public interface RunWorkflow {

  @WorkflowMethod(name = TemporalNames.WORKFLOW_TYPE)
  RunResult run(RunInput input);

  /** Per-node status, attempts, timings, truncated outputs and errors. */
  @QueryMethod(name = TemporalNames.QUERY_STATE)
  RunState state();
}
