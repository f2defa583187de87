package dev.weft.service;

import dev.weft.engine.DefinitionActivities;
import dev.weft.engine.DefinitionSnapshot;
import dev.weft.store.VersionRecord;
import dev.weft.store.WorkflowRecord;
import dev.weft.store.WorkflowStore;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.Optional;

/**
 * Loads the definitions child runs execute ({@code subworkflow} targets, error workflows) from the store,
 * for the interpreter's {@link DefinitionActivities}. A workflow that is unknown, archived or lacks the
 * pinned version fails the activity for good: retrying would not make it appear.
 */
public class ChildDefinitions implements DefinitionActivities {
  private final WorkflowStore workflows;

  public ChildDefinitions(WorkflowStore workflows) {
    this.workflows = workflows;
  }

  @Override
  public DefinitionSnapshot load(String workflowId, Integer version, Instant asOf) {
    WorkflowRecord w = workflows.find(workflowId).orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
        "no workflow '" + workflowId + "' to run", UNKNOWN));
    if (w.archived()) {
      throw ApplicationFailure.newNonRetryableFailure("workflow '" + workflowId + "' is archived and starts no runs", ARCHIVED);
    }
    VersionRecord v;
    if (version != null) {
      v = workflows.version(workflowId, version).orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
          "workflow '" + workflowId + "' has no version " + version, UNKNOWN_VERSION));
    } else {
      // The version that was current when the parent started; one saved since then is not run, unless
      // the workflow did not exist yet (then its latest).
      Optional<VersionRecord> then = asOf == null ? Optional.empty() : workflows.versionAt(workflowId, asOf);
      v = then.orElseGet(() -> workflows.version(workflowId, w.latestVersion()).orElseThrow());
    }
    return new DefinitionSnapshot(workflowId, v.version(), v.contentHash(), v.definition());
  }
}
