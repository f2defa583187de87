package dev.weft.store;

import dev.weft.domain.Tenants;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The inbox across runs: the human tasks (approvals, forms, asks) a principal may act on. Written by
 * {@link EventStore} from the runs' own events; read here.
 */
public class HumanTaskStore {
  private final JdbcClient jdbc;

  public HumanTaskStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** One task in the inbox. */
  public record Task(String runId, String nodeId, int ordinal, String workflowId, String kind, String title,
      String description, JsonNode assignees, JsonNode actions, String startedBy, JsonNode decidedBy, JsonNode details,
      String status, Instant openedAt, Instant dueAt, Instant closedAt) {}

  /**
   * Tasks in {@code status} ({@code pending} or {@code closed}) whose assignees name the principal (its
   * id, {@code role:<r>} for its roles, {@code group:<g>} for its groups), oldest first. Pending tasks the
   * principal may not act on — the run is its own and self-approval is off, or it has decided — are left
   * out. Pages after ({@code afterOpened}, {@code afterRun}, {@code afterNode}).
   */
  public List<Task> forPrincipal(String principal, List<String> names, String status, Instant afterOpened, String afterRun,
      String afterNode, int limit) {
    return jdbc.sql("""
        SELECT * FROM human_tasks h
        WHERE tenant_id = :t AND status = :status
          AND EXISTS (SELECT 1 FROM json_array_elements_text(h.assignees) a WHERE a.value IN (:names))
          AND (:status <> 'pending' OR h.allow_self OR h.started_by IS NULL OR h.started_by <> :me)
          AND (:status <> 'pending' OR NOT jsonb_exists(h.decided_by::jsonb, :me))
          AND (CAST(:afterOpened AS timestamptz) IS NULL
               OR (h.opened_at, h.run_id, h.node_id) > (CAST(:afterOpened AS timestamptz), :afterRun, :afterNode))
        ORDER BY h.opened_at, h.run_id, h.node_id
        LIMIT :limit""")
        .param("t", Tenants.current()).param("status", status).param("names", names).param("me", principal)
        .param("afterOpened", afterOpened == null ? null : Jsonb.timestamp(afterOpened))
        .param("afterRun", afterRun == null ? "" : afterRun).param("afterNode", afterNode == null ? "" : afterNode)
        .param("limit", limit)
        .query((rs, i) -> new Task(rs.getString("run_id"), rs.getString("node_id"), rs.getInt("ordinal"),
            rs.getString("workflow_id"), rs.getString("kind"), rs.getString("title"), rs.getString("description"),
            Jsonb.read(rs, "assignees"), Jsonb.read(rs, "actions"), rs.getString("started_by"), Jsonb.read(rs, "decided_by"),
            Jsonb.read(rs, "details"), rs.getString("status"), Jsonb.instant(rs, "opened_at"), Jsonb.instant(rs, "due_at"),
            Jsonb.instant(rs, "closed_at")))
        .list();
  }
}
