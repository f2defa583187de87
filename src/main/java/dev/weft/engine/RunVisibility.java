package dev.weft.engine;

import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * The run's search attributes: the status people see ({@code WeftStatus}: a running run is PAUSED
 * while paused, WAITING while a node waits for people) and the nodes waiting ({@code WeftWaitingNodes}),
 * upserted when they changed and only for runs started with Weft's search attributes. Owned by one
 * {@link RunWorkflowImpl} instance; reads its {@link HumanTasks}.
 */
final class RunVisibility {
  private final HumanTasks tasks;
  /** Set when the run was started with Weft's search attributes: status changes are then published too. */
  private boolean enabled;
  private String publishedStatus;
  private List<String> publishedWaiting = List.of();

  RunVisibility(HumanTasks tasks) {
    this.tasks = tasks;
  }

  /** Publishes from now on when the run was started with Weft's search attributes. */
  void start() {
    this.enabled = Workflow.getTypedSearchAttributes().containsKey(WeftSearchAttributes.STATUS);
  }

  /** The status people see: a running run is PAUSED while paused, WAITING while a node waits for people. */
  RunStatus effectiveStatus(RunStatus status, boolean paused) {
    if (status != RunStatus.RUNNING) return status;
    if (paused) return RunStatus.PAUSED;
    return tasks.isEmpty() ? RunStatus.RUNNING : RunStatus.WAITING;
  }

  /** Updates {@code WeftStatus} and {@code WeftWaitingNodes} when they changed. */
  void publish(RunStatus effective) {
    if (!enabled) return;
    String s = effective.name();
    List<String> waiting = tasks.waitingNodes();
    if (s.equals(publishedStatus) && waiting.equals(publishedWaiting)) return;
    publishedStatus = s;
    publishedWaiting = waiting;
    Workflow.upsertTypedSearchAttributes(WeftSearchAttributes.STATUS.valueSet(s),
        waiting.isEmpty() ? WeftSearchAttributes.WAITING_NODES.valueUnset() : WeftSearchAttributes.WAITING_NODES.valueSet(waiting));
  }
}
