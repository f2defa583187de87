package dev.weft.engine;

import dev.weft.definition.NodeDef;

/** What the activity of one node execution receives. */
public record ActivityInput(String runId, NodeDef node, NodeScope scope) {}
