package dev.weft.store;

import dev.weft.engine.RunStatus;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/** A run in the index; {@code state} is its final state once it has ended. */
public record RunRecord(String runId, String temporalRunId, String workflowId, int version, RunStatus status,
    String trigger, String idempotencyKey, String requestHash, Instant startedAt, Instant endedAt, JsonNode state) {}
