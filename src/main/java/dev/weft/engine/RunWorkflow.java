package dev.weft.engine;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import tools.jackson.databind.JsonNode;

/** The one generic workflow: it interprets any user workflow definition, durably. */
@WorkflowInterface
public interface RunWorkflow {

  @WorkflowMethod(name = TemporalNames.WORKFLOW_TYPE)
  RunResult run(RunInput input);

  /** Per-node status, attempts, timings, truncated outputs and errors. */
  @QueryMethod(name = TemporalNames.QUERY_STATE)
  RunState state();

  /**
   * A person's decision on a waiting node (approve/reject, a form's values, retry/skip/stop after a
   * failure). Answers once the node has taken it, with the outcome so far.
   */
  @UpdateMethod(name = TemporalNames.UPDATE_DECIDE)
  JsonNode decide(HumanInput input);

  /** Read-only: refuses a decision with a {@link HumanFailures} code before anything is recorded. */
  @UpdateValidatorMethod(updateName = TemporalNames.UPDATE_DECIDE)
  void validateDecide(HumanInput input);

  /** Stops scheduling new nodes; running nodes finish. Answers the run's status. */
  @UpdateMethod(name = TemporalNames.UPDATE_PAUSE)
  RunStatus pause(ControlInput input);

  @UpdateValidatorMethod(updateName = TemporalNames.UPDATE_PAUSE)
  void validatePause(ControlInput input);

  /** Schedules again what a pause held back. Answers the run's status. */
  @UpdateMethod(name = TemporalNames.UPDATE_RESUME)
  RunStatus resume(ControlInput input);

  @UpdateValidatorMethod(updateName = TemporalNames.UPDATE_RESUME)
  void validateResume(ControlInput input);
}
