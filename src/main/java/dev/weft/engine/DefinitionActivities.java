package dev.weft.engine;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.time.Instant;

/**
 * Loads the frozen definition a child run executes (a {@code subworkflow} node's target, a workflow's
 * error workflow). Runs as an activity: workflow code never reads the store itself.
 */
@ActivityInterface
public interface DefinitionActivities {
  /** Failure types of {@link #load}: non-retryable, the node fails with them. */
  String UNKNOWN = "subworkflow.unknown";
  String UNKNOWN_VERSION = "subworkflow.unknown_version";
  String ARCHIVED = "subworkflow.archived";

  /**
   * The snapshot of {@code workflowId}: version {@code version} when given, else the latest version
   * saved at or before {@code asOf} (the parent run's start), else the latest.
   *
   * @throws io.temporal.failure.ApplicationFailure non-retryable, typed {@link #UNKNOWN},
   *     {@link #UNKNOWN_VERSION} or {@link #ARCHIVED}
   */
  @ActivityMethod(name = TemporalNames.LOAD_DEFINITION)
  DefinitionSnapshot load(String workflowId, Integer version, Instant asOf);
}
