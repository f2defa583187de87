package dev.weft.engine;

import dev.weft.definition.WorkflowDefinition;

/** The frozen definition a run executes: a run never reads definitions from anywhere else. */
public record DefinitionSnapshot(String workflowId, int version, String contentHash, WorkflowDefinition definition) {}
