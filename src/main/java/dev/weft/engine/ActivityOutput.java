package dev.weft.engine;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What the activity of one node returns: its (possibly claim-checked) output, ports, and attempt;
 * {@code unrecorded} is true when its {@code node_attempt_completed} (which carries the output into the
 * store) could not be written in time, so the workflow's {@code node_completed} carries the output
 * instead (null, in histories recorded before it existed: recorded).
 */
public record ActivityOutput(JsonNode output, List<String> ports, Integer responseStatus, int attempt, Boolean unrecorded) {
  public ActivityOutput(JsonNode output, List<String> ports, Integer responseStatus, int attempt) {
    this(output, ports, responseStatus, attempt, null);
  }
}
