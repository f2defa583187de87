package dev.weft.store;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Console sessions by the SHA-256 hash of their token (the token itself is never stored). A lookup finds
 * a session only while it is live: not expired, not idle too long, its tenant enabled and, for a session
 * made from an API key, that key neither revoked nor expired.
 */
public class ConsoleSessionStore {
  private final JdbcClient jdbc;

  public ConsoleSessionStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** A stored session, without its token. */
  public record Session(String tokenHash, String tenant, String principal, List<String> roles, List<String> groups,
      String keyId, String csrfToken, Instant createdAt, Instant lastSeenAt, Instant expiresAt) {}

  public void insert(Session s) {
    jdbc.sql("""
        INSERT INTO console_sessions (token_hash, tenant_id, principal, roles, groups, key_id, csrf_token, created_at,
                                      last_seen_at, expires_at)
        VALUES (:hash, :t, :principal, :roles, :groups, :key, :csrf, :created, :seen, :expires)""")
        .param("hash", s.tokenHash()).param("t", s.tenant()).param("principal", s.principal())
        .param("roles", s.roles().toArray(String[]::new)).param("groups", s.groups().toArray(String[]::new))
        .param("key", s.keyId()).param("csrf", s.csrfToken()).param("created", Jsonb.timestamp(s.createdAt()))
        .param("seen", Jsonb.timestamp(s.lastSeenAt())).param("expires", Jsonb.timestamp(s.expiresAt()))
        .update();
  }

  /** The live session with this token hash, in whichever tenant: a session names its tenant. */
  public Optional<Session> findLive(String tokenHash, Instant now, Duration idle) {
    return jdbc.sql("""
        SELECT s.* FROM console_sessions s
        JOIN tenants t ON t.id = s.tenant_id AND t.disabled_at IS NULL
        LEFT JOIN api_keys k ON k.tenant_id = s.tenant_id AND k.id = s.key_id
        WHERE s.token_hash = :hash AND s.expires_at > :now AND s.last_seen_at > :idleSince
          AND (s.key_id IS NULL OR (k.id IS NOT NULL AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > :now)))""")
        .param("hash", tokenHash).param("now", Jsonb.timestamp(now)).param("idleSince", Jsonb.timestamp(now.minus(idle)))
        .query(ConsoleSessionStore::session).optional();
  }

  /** Records activity, at most once per {@code granularity} (most requests cost no write). */
  public void touch(String tokenHash, Instant now, Duration granularity) {
    jdbc.sql("UPDATE console_sessions SET last_seen_at = :now WHERE token_hash = :hash AND last_seen_at < :before")
        .param("now", Jsonb.timestamp(now)).param("hash", tokenHash).param("before", Jsonb.timestamp(now.minus(granularity)))
        .update();
  }

  /** Ends a session; true when there was one. */
  public boolean delete(String tokenHash) {
    return jdbc.sql("DELETE FROM console_sessions WHERE token_hash = :hash").param("hash", tokenHash).update() > 0;
  }

  /** Forgets sessions that ended before {@code before}; how many. */
  public int deleteEnded(Instant before, Duration idle) {
    return jdbc.sql("DELETE FROM console_sessions WHERE expires_at < :before OR last_seen_at < :idleSince")
        .param("before", Jsonb.timestamp(before)).param("idleSince", Jsonb.timestamp(before.minus(idle))).update();
  }

  private static Session session(ResultSet rs, int i) throws SQLException {
    return new Session(rs.getString("token_hash"), rs.getString("tenant_id"), rs.getString("principal"),
        strings(rs.getArray("roles")), strings(rs.getArray("groups")), rs.getString("key_id"), rs.getString("csrf_token"),
        Jsonb.instant(rs, "created_at"), Jsonb.instant(rs, "last_seen_at"), Jsonb.instant(rs, "expires_at"));
  }

  private static List<String> strings(Array array) throws SQLException {
    return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
  }
}
