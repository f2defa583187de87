package dev.weft.store;

import dev.weft.domain.Tenants;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * API keys by id and by the SHA-256 hash of the key; the key itself is never stored. Changes that
 * depend on which admin keys are active (revoking, the start-up admin key) run one at a time across
 * instances, under a transaction-scoped advisory lock.
 */
public class ApiKeyStore {
  /** Serialises the writes that count active admin keys (any constant unique to this purpose). */
  private static final long ADMIN_LOCK = 0x5765667441646dL;
  static final String ADMIN_ROLE = "admin";

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;

  public ApiKeyStore(JdbcClient jdbc, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.tx = tx;
  }

  /** How a revocation went. */
  public enum Revocation { REVOKED, ALREADY_REVOKED, NOT_FOUND, LAST_ADMIN }

  public void insert(ApiKeyRecord k, String hash) {
    jdbc.sql("""
        INSERT INTO api_keys (tenant_id, id, key_hash, prefix, principal, roles, groups, description, created_at, created_by,
                              expires_at)
        VALUES (:t, :id, :hash, :prefix, :principal, :roles, :groups, :description, :created, :by, :expires)""")
        .param("t", Tenants.current()).param("id", k.id()).param("hash", hash).param("prefix", k.prefix())
        .param("principal", k.principal()).param("roles", k.roles().toArray(String[]::new))
        .param("groups", k.groups().toArray(String[]::new)).param("description", k.description())
        .param("created", Jsonb.timestamp(k.createdAt())).param("by", k.createdBy())
        .param("expires", Jsonb.timestamp(k.expiresAt()))
        .update();
  }

  /** The key with this hash, in whichever tenant: a key names its tenant. */
  public Optional<ApiKeyRecord> findByHash(String hash) {
    return jdbc.sql("""
        SELECT k.* FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
        WHERE k.key_hash = :hash AND t.disabled_at IS NULL""").param("hash", hash).query(ApiKeyStore::key).optional();
  }

  public Optional<ApiKeyRecord> find(String id) {
    return jdbc.sql("SELECT * FROM api_keys WHERE tenant_id = :t AND id = :id")
        .param("t", Tenants.current()).param("id", id).query(ApiKeyStore::key).optional();
  }

  /** Newest first; revoked keys only when asked for. */
  public List<ApiKeyRecord> list(boolean includeRevoked, int limit, int offset) {
    return jdbc.sql("""
        SELECT * FROM api_keys WHERE tenant_id = :t AND (:all OR revoked_at IS NULL)
        ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset""")
        .param("t", Tenants.current()).param("all", includeRevoked).param("limit", limit).param("offset", offset)
        .query(ApiKeyStore::key).list();
  }

  /**
   * Records a use of the key, at most once per {@code granularity}: a request costs a write only when
   * the stored time is older than that.
   */
  public void touch(String id, Instant now, Duration granularity) {
    jdbc.sql("""
        UPDATE api_keys SET last_used_at = :now
        WHERE tenant_id = :t AND id = :id AND (last_used_at IS NULL OR last_used_at < :stale)""")
        .param("now", Jsonb.timestamp(now)).param("t", Tenants.current()).param("id", id)
        .param("stale", Jsonb.timestamp(now.minus(granularity)))
        .update();
  }

  /** Revokes a key unless it is the last active admin key. */
  public Revocation revoke(String id, String by, Instant now) {
    return inAdminLock(() -> {
      Optional<ApiKeyRecord> key = find(id);
      if (key.isEmpty()) return Revocation.NOT_FOUND;
      if (key.get().revokedAt() != null) return Revocation.ALREADY_REVOKED;
      if (key.get().active(now) && key.get().roles().contains(ADMIN_ROLE) && activeAdmins(now) <= 1) return Revocation.LAST_ADMIN;
      jdbc.sql("UPDATE api_keys SET revoked_at = :now, revoked_by = :by WHERE tenant_id = :t AND id = :id")
          .param("now", Jsonb.timestamp(now)).param("by", by).param("t", Tenants.current()).param("id", id).update();
      return Revocation.REVOKED;
    });
  }

  /** Keys with the admin role that are neither revoked nor expired. */
  public int activeAdmins(Instant now) {
    return jdbc.sql("""
        SELECT count(*) FROM api_keys
        WHERE tenant_id = :t AND :admin = ANY(roles) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > :now)""")
        .param("t", Tenants.current()).param("admin", ADMIN_ROLE).param("now", Jsonb.timestamp(now))
        .query(Integer.class).single();
  }

  /** Runs {@code work} in a transaction that holds the admin-keys lock, so two instances never race. */
  public <T> T inAdminLock(Supplier<T> work) {
    return tx.execute(s -> {
      jdbc.sql("SELECT pg_advisory_xact_lock(:lock)").param("lock", ADMIN_LOCK).query().singleRow();
      return work.get();
    });
  }

  private static ApiKeyRecord key(ResultSet rs, int i) throws SQLException {
    return new ApiKeyRecord(rs.getString("id"), rs.getString("prefix"), rs.getString("principal"), strings(rs.getArray("roles")),
        strings(rs.getArray("groups")), rs.getString("description"), Jsonb.instant(rs, "created_at"),
        rs.getString("created_by"), Jsonb.instant(rs, "expires_at"), Jsonb.instant(rs, "revoked_at"),
        rs.getString("revoked_by"), Jsonb.instant(rs, "last_used_at"), rs.getString("tenant_id"));
  }

  private static List<String> strings(Array array) throws SQLException {
    return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
  }
}
