package dev.weft.store;

import dev.weft.domain.Tenants;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The agent's proposed consequential actions and the user's decisions on them (V12__agent_confirmations.sql). */
public class ConfirmationStore {
  private final JdbcClient jdbc;

  public ConfirmationStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * One proposal. {@code status} is {@code pending}, {@code confirmed} or {@code declined}; {@code via} is how
   * it was decided ({@code endpoint} or {@code chat}).
   */
  public record Confirmation(String id, String conversationId, String owner, int turn, String action, JsonNode arguments,
      String summary, String status, JsonNode result, Instant createdAt, Instant expiresAt, Instant decidedAt,
      String decidedBy, String via) {

    public boolean expiredAt(Instant now) {
      return "pending".equals(status) && !expiresAt.isAfter(now);
    }
  }

  private static final RowMapper<Confirmation> ROW = (rs, i) -> new Confirmation(rs.getString("id"),
      rs.getString("conversation_id"), rs.getString("owner"), rs.getInt("turn"), rs.getString("action"),
      Jsonb.read(rs, "arguments"), rs.getString("summary"), rs.getString("status"), Jsonb.read(rs, "result"),
      Jsonb.instant(rs, "created_at"), Jsonb.instant(rs, "expires_at"),
      Jsonb.instant(rs, "decided_at"), rs.getString("decided_by"),
      rs.getString("decided_via"));

  public void propose(Confirmation c) {
    jdbc.sql("""
        INSERT INTO agent_confirmations (tenant_id, id, conversation_id, owner, turn, action, arguments, summary, created_at, expires_at)
        VALUES (:t, :id, :c, :owner, :turn, :action, CAST(:args AS json), :summary, :at, :expires)""")
        .param("t", Tenants.current()).param("id", c.id()).param("c", c.conversationId()).param("owner", c.owner())
        .param("turn", c.turn()).param("action", c.action()).param("args", Jsonb.write(c.arguments()))
        .param("summary", c.summary()).param("at", Jsonb.timestamp(c.createdAt()))
        .param("expires", Jsonb.timestamp(c.expiresAt())).update();
  }

  /** How many confirmations the conversation has had: the next one is numbered one more. */
  public int count(String conversationId) {
    return jdbc.sql("SELECT count(*) FROM agent_confirmations WHERE tenant_id = :t AND conversation_id = :c")
        .param("t", Tenants.current()).param("c", conversationId).query(Integer.class).single();
  }

  /** The confirmation {@code id} of conversation {@code conversationId}; one of another conversation is not found. */
  public Optional<Confirmation> find(String conversationId, String id) {
    return jdbc.sql("SELECT * FROM agent_confirmations WHERE tenant_id = :t AND conversation_id = :c AND id = :id")
        .param("t", Tenants.current()).param("c", conversationId).param("id", id).query(ROW).optional();
  }

  /** The conversation's latest {@code limit} confirmations, oldest first. */
  public List<Confirmation> forConversation(String conversationId, int limit) {
    return jdbc.sql("""
        SELECT * FROM (SELECT * FROM agent_confirmations WHERE tenant_id = :t AND conversation_id = :c
                       ORDER BY created_at DESC, id DESC LIMIT :n) latest
        ORDER BY created_at, id""")
        .param("t", Tenants.current()).param("c", conversationId).param("n", limit).query(ROW).list();
  }

  /**
   * Decides a pending, unexpired confirmation: {@code status} is {@code confirmed} or {@code declined}. False
   * when it was no longer pending or had expired by {@code now}: of two concurrent decisions one wins, so an
   * action never runs twice.
   */
  public boolean decide(String conversationId, String id, String status, String by, String via, Instant now) {
    return jdbc.sql("""
        UPDATE agent_confirmations SET status = :status, decided_at = :now, decided_by = :by, decided_via = :via
        WHERE tenant_id = :t AND conversation_id = :c AND id = :id AND status = 'pending' AND expires_at > :now""")
        .param("t", Tenants.current()).param("c", conversationId).param("id", id).param("status", status)
        .param("now", Jsonb.timestamp(now)).param("by", by).param("via", via).update() == 1;
  }

  /** Keeps what a confirmed action answered. */
  public void result(String conversationId, String id, JsonNode result) {
    jdbc.sql("UPDATE agent_confirmations SET result = CAST(:r AS json) WHERE tenant_id = :t AND conversation_id = :c AND id = :id")
        .param("t", Tenants.current()).param("c", conversationId).param("id", id).param("r", Jsonb.write(result)).update();
  }
}
