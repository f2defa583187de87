package dev.weft.store;

import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The audit trail: who did what to which workflow or run. */
public class AuditLog {
  private final JdbcClient jdbc;

  public AuditLog(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Records an action; {@code runId} and {@code nodeId} may be null. */
  public void record(String principal, String action, String targetType, String targetId, String runId, String nodeId,
      JsonNode details) {
    jdbc.sql("""
        INSERT INTO audit_log (tenant_id, principal, action, target_type, target_id, run_id, node_id, details)
        VALUES (:tenant, :principal, :action, :type, :target, :run, :node, :details::json)""")
        .param("tenant", Tenants.DEFAULT).param("principal", principal).param("action", action)
        .param("type", targetType).param("target", targetId).param("run", runId).param("node", nodeId)
        .param("details", Jsonb.write(details))
        .update();
  }
}
