package dev.weft.engine;

import dev.weft.engine.AgentActivities.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link AgentMemoryStore} in memory, for engine tests (one tenant). */
final class InMemoryAgentMemory implements AgentMemoryStore {
  /** Per (workflow, key): the rows appended, by (run, node). */
  private final Map<String, Map<String, List<Message>>> rows = new LinkedHashMap<>();

  @Override
  public synchronized List<Message> recent(String workflowId, String key, int window) {
    List<Message> all = new ArrayList<>();
    rows.getOrDefault(workflowId + "\n" + key, Map.of()).values().forEach(all::addAll);
    return List.copyOf(all.subList(Math.max(0, all.size() - window), all.size()));
  }

  @Override
  public synchronized void append(String workflowId, String key, String runId, String nodeKey, List<Message> messages) {
    rows.computeIfAbsent(workflowId + "\n" + key, k -> new LinkedHashMap<>()).putIfAbsent(runId + "\n" + nodeKey, List.copyOf(messages));
  }
}
