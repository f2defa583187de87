package dev.weft.engine;

import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Where large node outputs live outside workflow history (the claim-check pattern). Written and read
 * only by activities, never by workflow code. Keys are stable for (run, node, attempt), so a retried
 * write overwrites instead of piling up.
 */
public interface PayloadStore {

  /** Stores a value and returns its key. */
  String put(String runId, String nodeId, int attempt, JsonNode value);

  Optional<JsonNode> get(String key);
}
