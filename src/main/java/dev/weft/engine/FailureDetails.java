package dev.weft.engine;

import tools.jackson.databind.JsonNode;

/** The details an activity attaches to its failure: which attempt failed, and the node's own details. */
public record FailureDetails(int attempt, JsonNode details) {}
