package dev.weft.store;

import dev.weft.domain.Tenants;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The agent's conversations, their messages and their unsaved drafts (V4__agent.sql). */
public class ConversationStore {
  private final JdbcClient jdbc;

  public ConversationStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public record Conversation(String id, String owner, String title, String summary, long summarizedThrough, int turns,
      Instant createdAt, Instant updatedAt) {}

  /** One message; {@code toolCalls} is a list of {@code {id, name, arguments}} for an assistant's calls. */
  public record Message(long seq, int turn, String role, String content, JsonNode toolCalls, String toolCallId,
      String toolName, Instant createdAt) {}

  public record Draft(String id, String conversationId, int turn, String workflowId, JsonNode definition, boolean ok,
      String savedAs, Instant createdAt) {}

  private static final RowMapper<Conversation> CONVERSATION = (rs, i) -> new Conversation(rs.getString("id"),
      rs.getString("owner"), rs.getString("title"), rs.getString("summary"), rs.getLong("summarized_through"),
      rs.getInt("turns"), Jsonb.instant(rs, "created_at"), Jsonb.instant(rs, "updated_at"));

  public void create(String id, String owner, String title, Instant at) {
    jdbc.sql("""
        INSERT INTO agent_conversations (tenant_id, id, owner, title, created_at, updated_at)
        VALUES (:t, :id, :owner, :title, :at, :at)""")
        .param("t", Tenants.current()).param("id", id).param("owner", owner).param("title", title)
        .param("at", Jsonb.timestamp(at)).update();
  }

  public Optional<Conversation> find(String id) {
    return jdbc.sql("SELECT * FROM agent_conversations WHERE tenant_id = :t AND id = :id")
        .param("t", Tenants.current()).param("id", id)
        .query(CONVERSATION)
        .optional();
  }

  public List<Conversation> forOwner(String owner, int limit) {
    return jdbc.sql("SELECT * FROM agent_conversations WHERE tenant_id = :t AND owner = :owner ORDER BY updated_at DESC LIMIT :n")
        .param("t", Tenants.current()).param("owner", owner).param("n", limit)
        .query(CONVERSATION)
        .list();
  }

  /** Starts the next turn and answers its number. */
  public int nextTurn(String id, Instant at) {
    return jdbc.sql("UPDATE agent_conversations SET turns = turns + 1, updated_at = :at WHERE tenant_id = :t AND id = :id RETURNING turns")
        .param("t", Tenants.current()).param("id", id).param("at", Jsonb.timestamp(at)).query(Integer.class).single();
  }

  public long append(String conversationId, int turn, String role, String content, JsonNode toolCalls, String toolCallId,
      String toolName, Instant at) {
    return jdbc.sql("""
        INSERT INTO agent_messages (tenant_id, conversation_id, turn, role, content, tool_calls, tool_call_id, tool_name, created_at)
        VALUES (:t, :c, :turn, :role, :content, CAST(:calls AS json), :callId, :tool, :at) RETURNING seq""")
        .param("t", Tenants.current()).param("c", conversationId).param("turn", turn).param("role", role)
        .param("content", content).param("calls", toolCalls == null ? null : Jsonb.write(toolCalls))
        .param("callId", toolCallId).param("tool", toolName).param("at", Jsonb.timestamp(at))
        .query(Long.class).single();
  }

  /** Claims the conversation for one reply until {@code until}; false while another reply holds it. */
  public boolean claim(String id, Instant now, Instant until) {
    return jdbc.sql("""
        UPDATE agent_conversations SET busy_until = :until
        WHERE tenant_id = :t AND id = :id AND (busy_until IS NULL OR busy_until < :now)""")
        .param("t", Tenants.current()).param("id", id).param("now", Jsonb.timestamp(now)).param("until", Jsonb.timestamp(until))
        .update() == 1;
  }

  public void release(String id) {
    jdbc.sql("UPDATE agent_conversations SET busy_until = NULL WHERE tenant_id = :t AND id = :id")
        .param("t", Tenants.current()).param("id", id).update();
  }

  /** Messages after {@code afterSeq}, oldest first. */
  public List<Message> messages(String conversationId, long afterSeq) {
    return jdbc.sql("SELECT * FROM agent_messages WHERE tenant_id = :t AND conversation_id = :c AND seq > :after ORDER BY seq")
        .param("t", Tenants.current()).param("c", conversationId).param("after", afterSeq)
        .query((rs, i) -> new Message(rs.getLong("seq"), rs.getInt("turn"), rs.getString("role"), rs.getString("content"),
            Jsonb.read(rs, "tool_calls"), rs.getString("tool_call_id"), rs.getString("tool_name"), Jsonb.instant(rs, "created_at")))
        .list();
  }

  public void summarize(String conversationId, String summary, long through) {
    jdbc.sql("UPDATE agent_conversations SET summary = :s, summarized_through = :through WHERE tenant_id = :t AND id = :id")
        .param("t", Tenants.current()).param("id", conversationId).param("s", summary).param("through", through).update();
  }

  public void saveDraft(Draft d) {
    jdbc.sql("""
        INSERT INTO agent_drafts (tenant_id, id, conversation_id, turn, workflow_id, definition, ok, created_at)
        VALUES (:t, :id, :c, :turn, :w, CAST(:def AS json), :ok, :at)""")
        .param("t", Tenants.current()).param("id", d.id()).param("c", d.conversationId()).param("turn", d.turn())
        .param("w", d.workflowId()).param("def", Jsonb.write(d.definition())).param("ok", d.ok())
        .param("at", Jsonb.timestamp(d.createdAt())).update();
  }

  public Optional<Draft> draft(String conversationId, String id) {
    return jdbc.sql("SELECT * FROM agent_drafts WHERE tenant_id = :t AND conversation_id = :c AND id = :id")
        .param("t", Tenants.current()).param("c", conversationId).param("id", id)
        .query((rs, i) -> new Draft(rs.getString("id"), rs.getString("conversation_id"), rs.getInt("turn"),
            rs.getString("workflow_id"), Jsonb.read(rs, "definition"), rs.getBoolean("ok"), rs.getString("saved_as"),
            Jsonb.instant(rs, "created_at")))
        .optional();
  }

  public int draftCount(String conversationId) {
    return jdbc.sql("SELECT count(*) FROM agent_drafts WHERE tenant_id = :t AND conversation_id = :c")
        .param("t", Tenants.current()).param("c", conversationId).query(Integer.class).single();
  }

  public void markSaved(String conversationId, String id, String workflowId) {
    jdbc.sql("UPDATE agent_drafts SET saved_as = :w WHERE tenant_id = :t AND conversation_id = :c AND id = :id")
        .param("t", Tenants.current()).param("c", conversationId).param("id", id).param("w", workflowId).update();
  }
}
