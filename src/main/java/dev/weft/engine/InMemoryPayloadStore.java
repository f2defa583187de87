package dev.weft.engine;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import tools.jackson.databind.JsonNode;

/** A payload store in this JVM's memory: for tests and single-process use until a durable one is configured. */
public class InMemoryPayloadStore implements PayloadStore {
  private final ConcurrentMap<String, JsonNode> values = new ConcurrentHashMap<>();

  @Override
  public String put(String runId, String nodeId, int attempt, JsonNode value) {
    String key = runId + "/" + nodeId + "/" + attempt;
    values.put(key, value.deepCopy());
    return key;
  }

  @Override
  public Optional<JsonNode> get(String key) {
    return Optional.ofNullable(values.get(key)).map(JsonNode::deepCopy);
  }

  public int size() {
    return values.size();
  }
}
