package dev.weft.store;

import dev.weft.definition.WorkflowDefinition;
import java.time.Instant;

/** One immutable version of a workflow. */
public record VersionRecord(String workflowId, int version, String contentHash, WorkflowDefinition definition,
    Instant createdAt, String createdBy) {}
