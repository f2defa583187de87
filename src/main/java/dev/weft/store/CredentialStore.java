package dev.weft.store;

import dev.weft.domain.Tenants;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Credentials by name; the secret only as sealed by {@code dev.weft.security.CredentialCrypto}. */
public class CredentialStore {
  private final JdbcClient jdbc;

  public CredentialStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** @return false when the name is taken */
  public boolean insert(CredentialRecord c) {
    try {
      jdbc.sql("""
          INSERT INTO credentials (tenant_id, name, id, type, public_data, kek_key_id, wrapped_key, ciphertext,
                                   created_at, created_by, updated_at, updated_by, usable_by)
          VALUES (:t, :name, :id, :type, :public::jsonb, :kek, :wrapped, :ct, :created, :by, :created, :by,
                  :usable)""")
          .param("usable", c.usableBy() == null ? null : c.usableBy().toArray(String[]::new))
          .param("t", Tenants.current()).param("name", c.name()).param("id", c.id()).param("type", c.type())
          .param("public", Jsonb.write(c.publicData())).param("kek", c.kekKeyId()).param("wrapped", c.wrappedKey())
          .param("ct", c.ciphertext()).param("created", Jsonb.timestamp(c.createdAt())).param("by", c.createdBy())
          .update();
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  /** Replaces type, data and the sealed secret (under a new id); @return false when there is no such credential */
  public boolean update(CredentialRecord c) {
    return jdbc.sql("""
        UPDATE credentials SET id = :id, type = :type, public_data = :public::jsonb, kek_key_id = :kek, wrapped_key = :wrapped,
                               ciphertext = :ct, updated_at = :at, updated_by = :by, usable_by = :usable
        WHERE tenant_id = :t AND name = :name""")
        .param("usable", c.usableBy() == null ? null : c.usableBy().toArray(String[]::new))
        .param("t", Tenants.current()).param("name", c.name()).param("id", c.id()).param("type", c.type())
        .param("public", Jsonb.write(c.publicData())).param("kek", c.kekKeyId()).param("wrapped", c.wrappedKey())
        .param("ct", c.ciphertext()).param("at", Jsonb.timestamp(c.updatedAt())).param("by", c.updatedBy())
        .update() == 1;
  }

  /** Re-wrapped data key, only if the row still holds {@code oldWrapped} (an update in between wins). */
  public boolean rewrap(String id, byte[] oldWrapped, long kekKeyId, byte[] wrapped) {
    return jdbc.sql("""
        UPDATE credentials SET kek_key_id = :kek, wrapped_key = :wrapped
        WHERE tenant_id = :t AND id = :id AND wrapped_key = :old""")
        .param("t", Tenants.current()).param("id", id).param("kek", kekKeyId).param("wrapped", wrapped).param("old", oldWrapped)
        .update() == 1;
  }

  /** The tenants that have credentials, for work over all of them (a master-key rotation). */
  public List<String> tenants() {
    return jdbc.sql("SELECT DISTINCT tenant_id FROM credentials ORDER BY tenant_id").query(String.class).list();
  }

  public Optional<CredentialRecord> find(String name) {
    return jdbc.sql("SELECT * FROM credentials WHERE tenant_id = :t AND name = :name")
        .param("t", Tenants.current()).param("name", name).query(CredentialStore::credential).optional();
  }

  public boolean exists(String name) {
    return jdbc.sql("SELECT count(*) FROM credentials WHERE tenant_id = :t AND name = :name")
        .param("t", Tenants.current()).param("name", name).query(Integer.class).single() > 0;
  }

  /** By name. */
  public List<CredentialRecord> list(int limit, int offset) {
    return jdbc.sql("SELECT * FROM credentials WHERE tenant_id = :t ORDER BY name LIMIT :limit OFFSET :offset")
        .param("t", Tenants.current()).param("limit", limit).param("offset", offset).query(CredentialStore::credential).list();
  }

  /** The credentials whose data key is not wrapped by {@code kekKeyId}, a page at a time. */
  public List<CredentialRecord> wrappedByOther(long kekKeyId, int limit) {
    return jdbc.sql("SELECT * FROM credentials WHERE tenant_id = :t AND kek_key_id <> :kek ORDER BY name LIMIT :limit")
        .param("t", Tenants.current()).param("kek", kekKeyId).param("limit", limit).query(CredentialStore::credential).list();
  }

  public boolean delete(String name) {
    return jdbc.sql("DELETE FROM credentials WHERE tenant_id = :t AND name = :name")
        .param("t", Tenants.current()).param("name", name).update() == 1;
  }

  /** Records a use, at most one write per {@code granularity}. */
  public void touch(String name, Instant now, Duration granularity) {
    jdbc.sql("""
        UPDATE credentials SET last_used_at = :now
        WHERE tenant_id = :t AND name = :name AND (last_used_at IS NULL OR last_used_at < :stale)""")
        .param("now", Jsonb.timestamp(now)).param("t", Tenants.current()).param("name", name)
        .param("stale", Jsonb.timestamp(now.minus(granularity))).update();
  }

  private static CredentialRecord credential(ResultSet rs, int i) throws SQLException {
    return new CredentialRecord(rs.getString("name"), rs.getString("id"), rs.getString("type"), Jsonb.read(rs, "public_data"),
        rs.getLong("kek_key_id"), rs.getBytes("wrapped_key"), rs.getBytes("ciphertext"), Jsonb.instant(rs, "created_at"),
        rs.getString("created_by"), Jsonb.instant(rs, "updated_at"), rs.getString("updated_by"), Jsonb.instant(rs, "last_used_at"),
        rs.getArray("usable_by") == null ? null : java.util.Arrays.asList((String[]) rs.getArray("usable_by").getArray()));
  }
}
