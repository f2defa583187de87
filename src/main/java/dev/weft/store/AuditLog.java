package dev.weft.store;

import dev.weft.domain.Tenants;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The audit trail: who did what to which workflow or run. */
public class AuditLog {
  private final JdbcClient jdbc;

  public AuditLog(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Records an action; {@code runId} and {@code nodeId} may be null. Within an API request (see
   * {@link AuditContext}) the details also get the request (method, path, remote address, user agent)
   * and {@code durationMs}, the time the request had taken, unless they say so themselves.
   */
  public void record(String principal, String action, String targetType, String targetId, String runId, String nodeId,
      JsonNode given) {
    JsonNode details = withRequest(given);
    jdbc.sql("""
        INSERT INTO audit_log (tenant_id, principal, action, target_type, target_id, run_id, node_id, details)
        VALUES (:tenant, :principal, :action, :type, :target, :run, :node, :details::json)""")
        .param("tenant", Tenants.current()).param("principal", text(principal)).param("action", text(action))
        .param("type", text(targetType)).param("target", text(targetId)).param("run", text(runId)).param("node", text(nodeId))
        .param("details", Jsonb.write(details))
        .update();
  }

  /**
   * PostgreSQL's text holds no NUL character: a caller's id with one (a fuzzer's, or an inline test
   * definition's id, which nothing else validates) is recorded with U+FFFD in its place rather than
   * failing the request it audits.
   */
  static String text(String s) {
    return s == null || s.indexOf('\u0000') < 0 ? s : s.replace('\u0000', '\uFFFD');
  }

  private static JsonNode withRequest(JsonNode given) {
    var request = AuditContext.current();
    if (request.isEmpty() || (given != null && !given.isObject())) return given;
    ObjectNode d = given == null ? dev.weft.definition.Json.object() : ((ObjectNode) given).deepCopy();
    AuditContext.Request r = request.get();
    if (!d.has("request")) {
      ObjectNode req = d.putObject("request");
      req.put("method", r.method());
      req.put("path", r.path());
      if (r.remoteAddress() != null) req.put("remoteAddress", r.remoteAddress());
      if (r.userAgent() != null) req.put("userAgent", r.userAgent());
    }
    if (!d.has("durationMs")) d.put("durationMs", (System.nanoTime() - r.startedNanos()) / 1_000_000);
    return d;
  }

  /** One audit entry. */
  public record Entry(long id, Instant at, String principal, String action, String targetType, String targetId, String runId,
      String nodeId, JsonNode details) {}

  /** Filters of {@link #list}; null fields do not filter. */
  public record Filter(String principal, String action, String runId, String targetType, Instant since, Instant until) {}

  /** Newest first; {@code beforeId} pages (the last id of the previous page). */
  public List<Entry> list(Filter f, Long beforeId, int limit) {
    return jdbc.sql("""
        SELECT id, at, principal, action, target_type, target_id, run_id, node_id, details FROM audit_log
        WHERE tenant_id = :t
          AND (CAST(:principal AS text) IS NULL OR principal = :principal)
          AND (CAST(:action AS text) IS NULL OR action = :action OR action LIKE :actionPrefix)
          AND (CAST(:run AS text) IS NULL OR run_id = :run)
          AND (CAST(:type AS text) IS NULL OR target_type = :type)
          AND (CAST(:since AS timestamptz) IS NULL OR at >= :since)
          AND (CAST(:until AS timestamptz) IS NULL OR at < :until)
          AND (CAST(:before AS bigint) IS NULL OR id < :before)
        ORDER BY id DESC
        LIMIT :limit""")
        .param("t", Tenants.current()).param("principal", f.principal()).param("action", f.action())
        .param("actionPrefix", f.action() == null ? null : f.action() + ".%")
        .param("run", f.runId()).param("type", f.targetType())
        .param("since", f.since() == null ? null : Jsonb.timestamp(f.since()))
        .param("until", f.until() == null ? null : Jsonb.timestamp(f.until()))
        .param("before", beforeId).param("limit", limit)
        .query((rs, i) -> new Entry(rs.getLong("id"), Jsonb.instant(rs, "at"), rs.getString("principal"), rs.getString("action"),
            rs.getString("target_type"), rs.getString("target_id"), rs.getString("run_id"), rs.getString("node_id"),
            Jsonb.read(rs, "details")))
        .list();
  }
}
