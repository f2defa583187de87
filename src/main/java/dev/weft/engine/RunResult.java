package dev.weft.engine;

import tools.jackson.databind.JsonNode;

/**
 * A completed run's output: the first {@code respond} node's value (with its status), else the outputs
 * of the terminal nodes keyed by id.
 */
public record RunResult(JsonNode output, Integer responseStatus) {}
