package dev.weft.engine;

import dev.weft.engine.AgentActivities.Message;
import java.util.List;

/**
 * Where {@code agent} nodes keep their conversations across runs: per tenant (the current one), workflow
 * and key. Read and written only by activities ({@link AgentActivities#recall}, {@link AgentActivities#remember}).
 */
public interface AgentMemoryStore {

  /** The last {@code window} messages kept under the key, oldest first. */
  List<Message> recent(String workflowId, String key, int window);

  /** Adds a node execution's messages; adding the same (run, node) again adds nothing. */
  void append(String workflowId, String key, String runId, String nodeKey, List<Message> messages);
}
