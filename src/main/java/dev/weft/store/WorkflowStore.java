package dev.weft.store;

import dev.weft.domain.Tenants;
import dev.weft.definition.Json;
import dev.weft.definition.TriggerDef;
import dev.weft.definition.WorkflowDefinition;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Workflows and their immutable versions. A new version is written only when the content hash
 * changes; the webhook route of a workflow follows its latest version.
 */
public class WorkflowStore {
  private final JdbcClient jdbc;
  private final TransactionTemplate tx;

  public WorkflowStore(JdbcClient jdbc, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.tx = tx;
  }

  public Optional<WorkflowRecord> find(String id) {
    return jdbc.sql("SELECT * FROM workflows WHERE tenant_id = :t AND id = :id")
        .param("t", Tenants.current()).param("id", id).query(WorkflowStore::workflow).optional();
  }

  public List<WorkflowRecord> list(boolean includeArchived, int limit, int offset) {
    return jdbc.sql("SELECT * FROM workflows WHERE tenant_id = :t AND (:all OR archived_at IS NULL) ORDER BY id LIMIT :limit OFFSET :offset")
        .param("t", Tenants.current()).param("all", includeArchived).param("limit", limit).param("offset", offset)
        .query(WorkflowStore::workflow).list();
  }

  /** Saves a new workflow as version 1; a taken id or webhook path is a {@link StoreConflict}. */
  public VersionRecord create(String id, WorkflowDefinition def, String hash, String principal) {
    return tx.execute(s -> {
      try {
        jdbc.sql("INSERT INTO workflows (tenant_id, id, name, latest_version) VALUES (:t, :id, :name, 1)")
            .param("t", Tenants.current()).param("id", id).param("name", def.name()).update();
      } catch (DuplicateKeyException e) {
        throw new StoreConflict("workflow.exists", "/id", "a workflow with id '" + id + "' already exists; PUT /api/workflows/"
            + id + " saves a new version of it");
      }
      VersionRecord v = insertVersion(id, 1, def, hash, principal);
      route(id, def.trigger());
      return v;
    });
  }

  /**
   * Saves {@code def} as the next version of workflow {@code id}, or returns the latest version when
   * its content is unchanged.
   */
  public VersionRecord addVersion(String id, WorkflowDefinition def, String hash, String principal) {
    return tx.execute(s -> {
      WorkflowRecord w = jdbc.sql("SELECT * FROM workflows WHERE tenant_id = :t AND id = :id FOR UPDATE")
          .param("t", Tenants.current()).param("id", id).query(WorkflowStore::workflow).optional()
          .orElseThrow(() -> new StoreConflict("workflow.not_found", "", "no workflow '" + id + "'"));
      if (w.archived()) {
        throw new StoreConflict("workflow.archived", "", "workflow '" + id + "' is archived");
      }
      VersionRecord latest = version(id, w.latestVersion()).orElseThrow();
      if (latest.contentHash().equals(hash)) return latest;
      int next = w.latestVersion() + 1;
      VersionRecord v = insertVersion(id, next, def, hash, principal);
      jdbc.sql("UPDATE workflows SET latest_version = :v, name = :name, updated_at = now() WHERE tenant_id = :t AND id = :id")
          .param("v", next).param("name", def.name()).param("t", Tenants.current()).param("id", id).update();
      route(id, def.trigger());
      return v;
    });
  }

  /** Archives a workflow: no new runs, no webhook route; its versions and runs stay readable. */
  public boolean archive(String id) {
    return Boolean.TRUE.equals(tx.execute(s -> {
      jdbc.sql("DELETE FROM webhook_routes WHERE tenant_id = :t AND workflow_id = :id")
          .param("t", Tenants.current()).param("id", id).update();
      return jdbc.sql("UPDATE workflows SET archived_at = now(), updated_at = now() WHERE tenant_id = :t AND id = :id AND archived_at IS NULL")
          .param("t", Tenants.current()).param("id", id).update() == 1;
    }));
  }

  public Optional<VersionRecord> version(String id, int version) {
    return jdbc.sql("SELECT * FROM workflow_versions WHERE tenant_id = :t AND workflow_id = :id AND version = :v")
        .param("t", Tenants.current()).param("id", id).param("v", version).query(WorkflowStore::version).optional();
  }

  /** The latest version of workflow {@code id} saved at or before {@code asOf}; empty when none was. */
  public Optional<VersionRecord> versionAt(String id, Instant asOf) {
    return jdbc.sql("""
        SELECT * FROM workflow_versions WHERE tenant_id = :t AND workflow_id = :id AND created_at <= :at
        ORDER BY version DESC LIMIT 1""")
        .param("t", Tenants.current()).param("id", id).param("at", Jsonb.timestamp(asOf))
        .query(WorkflowStore::version).optional();
  }

  public List<VersionRecord> versions(String id) {
    return jdbc.sql("SELECT * FROM workflow_versions WHERE tenant_id = :t AND workflow_id = :id ORDER BY version DESC")
        .param("t", Tenants.current()).param("id", id).query(WorkflowStore::version).list();
  }

  /** The active workflow whose webhook trigger has this path. */
  public Optional<String> workflowForPath(String path) {
    return jdbc.sql("SELECT workflow_id FROM webhook_routes WHERE tenant_id = :t AND path = :p")
        .param("t", Tenants.current()).param("p", path).query(String.class).optional();
  }

  private VersionRecord insertVersion(String id, int version, WorkflowDefinition def, String hash, String principal) {
    jdbc.sql("""
        INSERT INTO workflow_versions (tenant_id, workflow_id, version, content_hash, definition, created_by)
        VALUES (:t, :id, :v, :hash, :def::json, :by)""")
        .param("t", Tenants.current()).param("id", id).param("v", version).param("hash", hash)
        .param("def", Json.MAPPER.writeValueAsString(def)).param("by", principal).update();
    return version(id, version).orElseThrow();
  }

  private void route(String id, TriggerDef trigger) {
    jdbc.sql("DELETE FROM webhook_routes WHERE tenant_id = :t AND workflow_id = :id")
        .param("t", Tenants.current()).param("id", id).update();
    if (trigger == null || !"webhook".equals(trigger.type())) return;
    Optional<String> owner = workflowForPath(trigger.path());
    if (owner.isPresent()) {
      throw new StoreConflict("trigger.path_taken", "/trigger/path",
          "webhook path '" + trigger.path() + "' is already used by workflow '" + owner.get() + "'");
    }
    try {
      jdbc.sql("INSERT INTO webhook_routes (tenant_id, path, workflow_id) VALUES (:t, :p, :id)")
          .param("t", Tenants.current()).param("p", trigger.path()).param("id", id).update();
    } catch (DuplicateKeyException e) {
      throw new StoreConflict("trigger.path_taken", "/trigger/path",
          "webhook path '" + trigger.path() + "' was just taken by another workflow");
    }
  }

  private static WorkflowRecord workflow(ResultSet rs, int i) throws SQLException {
    return new WorkflowRecord(rs.getString("id"), rs.getString("name"), rs.getInt("latest_version"),
        Jsonb.instant(rs, "created_at"), Jsonb.instant(rs, "updated_at"), Jsonb.instant(rs, "archived_at"));
  }

  private static VersionRecord version(ResultSet rs, int i) throws SQLException {
    WorkflowDefinition def = Json.MAPPER.treeToValue(Jsonb.read(rs, "definition"), WorkflowDefinition.class);
    return new VersionRecord(rs.getString("workflow_id"), rs.getInt("version"), rs.getString("content_hash"), def,
        Jsonb.instant(rs, "created_at"), rs.getString("created_by"));
  }
}
