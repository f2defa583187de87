package dev.weft.store;

import dev.weft.definition.Json;
import dev.weft.domain.Tenants;
import dev.weft.engine.AgentActivities.Message;
import dev.weft.engine.AgentMemoryStore;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;

/** {@link AgentMemoryStore} in PostgreSQL ({@code agent_memory}, V11), in the current tenant. */
public class JdbcAgentMemoryStore implements AgentMemoryStore {
  private static final TypeReference<List<Message>> MESSAGES = new TypeReference<>() {};
  private final JdbcClient jdbc;

  public JdbcAgentMemoryStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public List<Message> recent(String workflowId, String key, int window) {
    // Each row holds at least one message: the last `window` rows hold the last `window` messages.
    List<List<Message>> rows = jdbc.sql("""
        SELECT messages FROM agent_memory WHERE tenant_id = :t AND workflow_id = :w AND memory_key = :k
        ORDER BY seq DESC LIMIT :n""")
        .param("t", Tenants.current()).param("w", workflowId).param("k", key).param("n", window)
        .query((rs, i) -> Json.MAPPER.readValue(rs.getString("messages"), MESSAGES)).list();
    List<Message> all = new ArrayList<>();
    for (List<Message> row : rows.reversed()) all.addAll(row);
    return Collections.unmodifiableList(all.subList(Math.max(0, all.size() - window), all.size()));
  }

  @Override
  public void append(String workflowId, String key, String runId, String nodeKey, List<Message> messages) {
    jdbc.sql("""
        INSERT INTO agent_memory (tenant_id, workflow_id, memory_key, run_id, node_key, messages, created_at)
        VALUES (:t, :w, :k, :r, :n, :m::json, :at)
        ON CONFLICT (tenant_id, workflow_id, memory_key, run_id, node_key) DO NOTHING""")
        .param("t", Tenants.current()).param("w", workflowId).param("k", key).param("r", runId).param("n", nodeKey)
        .param("m", Json.MAPPER.writeValueAsString(messages)).param("at", Timestamp.from(Instant.now()))
        .update();
  }
}
