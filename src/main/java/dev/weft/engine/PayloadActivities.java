package dev.weft.engine;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import tools.jackson.databind.JsonNode;

/**
 * The interpreter's claim-check steps for values it makes itself, run as local activities so workflow
 * code never touches the payload store: a loop's {@code items} over outputs stored outside history, a
 * loop's large output, and the state a long run carries into its next Temporal run.
 */
@ActivityInterface
public interface PayloadActivities {
  /**
   * Evaluates a loop's {@code items} with the claim-checked outputs of {@code scope} loaded.
   *
   * @throws io.temporal.failure.ApplicationFailure non-retryable, typed with the expression's error code
   */
  @ActivityMethod(name = TemporalNames.LOOP_ITEMS)
  JsonNode items(String runId, String expression, NodeScope scope);

  /** Stores a value outside history under (run, key) and returns its reference ({@link ClaimCheck}). */
  @ActivityMethod(name = TemporalNames.STORE_VALUE)
  JsonNode store(String runId, String key, JsonNode value);

  /** The value behind a reference. */
  @ActivityMethod(name = TemporalNames.LOAD_VALUE)
  JsonNode load(JsonNode ref);
}
