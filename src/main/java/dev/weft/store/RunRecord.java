package dev.weft.store;

import dev.weft.engine.RunStatus;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * A run in the index; {@code state} is its final state once it has ended. {@code parentRunId} is the run
 * that started it (a {@code subworkflow} node's run, or the failed run of an error workflow's run), from
 * its {@code run_started} event; null otherwise.
 */
public record RunRecord(String runId, String temporalRunId, String workflowId, int version, RunStatus status,
    String trigger, String idempotencyKey, String requestHash, Instant startedAt, Instant endedAt, JsonNode state,
    String parentRunId) {

  /** A run without a parent: started through the API, a webhook, a schedule or the agent. */
  public RunRecord(String runId, String temporalRunId, String workflowId, int version, RunStatus status, String trigger,
      String idempotencyKey, String requestHash, Instant startedAt, Instant endedAt, JsonNode state) {
    this(runId, temporalRunId, workflowId, version, status, trigger, idempotencyKey, requestHash, startedAt, endedAt, state, null);
  }
}
