package dev.weft.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The tenants table: which tenants exist, their tier and whether they are disabled. */
public class TenantStore {
  private final JdbcClient jdbc;

  public TenantStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** @return false when the id is taken */
  public boolean insert(TenantRecord t) {
    try {
      jdbc.sql("""
          INSERT INTO tenants (id, name, tier, created_at, created_by, updated_at)
          VALUES (:id, :name, :tier, :at, :by, :at)""")
          .param("id", t.id()).param("name", t.name()).param("tier", t.tier())
          .param("at", Jsonb.timestamp(t.createdAt())).param("by", t.createdBy()).update();
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  public Optional<TenantRecord> find(String id) {
    return jdbc.sql("SELECT * FROM tenants WHERE id = :id").param("id", id).query(TenantStore::tenant).optional();
  }

  /** Whether {@code id} names a tenant that is not disabled. */
  public boolean active(String id) {
    return jdbc.sql("SELECT count(*) FROM tenants WHERE id = :id AND disabled_at IS NULL").param("id", id)
        .query(Integer.class).single() > 0;
  }

  public List<TenantRecord> list(boolean includeDisabled, int limit, int offset) {
    return jdbc.sql("SELECT * FROM tenants WHERE (:all OR disabled_at IS NULL) ORDER BY id LIMIT :limit OFFSET :offset")
        .param("all", includeDisabled).param("limit", limit).param("offset", offset).query(TenantStore::tenant).list();
  }

  /** @return false when there is no such tenant */
  public boolean update(String id, String name, String tier, Instant at) {
    return jdbc.sql("UPDATE tenants SET name = :name, tier = :tier, updated_at = :at WHERE id = :id")
        .param("id", id).param("name", name).param("tier", tier).param("at", Jsonb.timestamp(at)).update() == 1;
  }

  /** Disables (by != null) or enables again (by == null); @return false when there is no such tenant. */
  public boolean setDisabled(String id, Instant at, String by) {
    return jdbc.sql("UPDATE tenants SET disabled_at = :at, disabled_by = :by, updated_at = :now WHERE id = :id")
        .param("id", id).param("at", by == null ? null : Jsonb.timestamp(at)).param("by", by)
        .param("now", Jsonb.timestamp(at)).update() == 1;
  }

  private static TenantRecord tenant(ResultSet rs, int i) throws SQLException {
    return new TenantRecord(rs.getString("id"), rs.getString("name"), rs.getString("tier"), Jsonb.instant(rs, "created_at"),
        rs.getString("created_by"), Jsonb.instant(rs, "updated_at"), Jsonb.instant(rs, "disabled_at"),
        rs.getString("disabled_by"));
  }
}
