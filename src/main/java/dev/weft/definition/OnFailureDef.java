package dev.weft.definition;

/**
 * A workflow's error workflow: when a run fails, a run of {@code workflowId} (its latest version) starts
 * with {@code {runId, workflowId, version, failedNode, error}} as input. A run started this way never
 * starts another error workflow.
 */
public record OnFailureDef(String workflowId) {}
