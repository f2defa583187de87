package dev.weft.engine;

import tools.jackson.databind.JsonNode;

/** Why a node failed: a stable code, a message, and details (e.g. an HTTP status and body preview). */
public record NodeError(String code, String message, JsonNode details) {}
