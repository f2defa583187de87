package dev.weft.store;

import dev.weft.domain.Tenants;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Aggregations over the caller's tenant's runs, events and human tasks for the insights API: counts by
 * status over time, per-workflow outcomes and durations, and LLM usage. Everything is computed in SQL
 * over a time range the service has bounded; times are bucketed in UTC.
 */
public class InsightsStore {
  private final JdbcClient jdbc;

  public InsightsStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Runs that started in one bucket ({@code day}, {@code week} or {@code month}, UTC) with one status. */
  public record StatusCount(LocalDateTime bucket, String status, long runs) {}

  /** How many runs started in [from, to) per bucket and status; {@code workflowId} null = all. */
  public List<StatusCount> executions(Instant from, Instant to, String bucket, String workflowId) {
    return jdbc.sql("""
        SELECT date_trunc(:bucket, started_at AT TIME ZONE 'UTC') AS bucket, status, count(*) AS runs
        FROM runs
        WHERE tenant_id = :t AND started_at >= :from AND started_at < :to
          AND (CAST(:w AS TEXT) IS NULL OR workflow_id = :w)
        GROUP BY 1, 2 ORDER BY 1, 2""")
        .param("t", Tenants.current()).param("bucket", bucket).param("from", Jsonb.timestamp(from))
        .param("to", Jsonb.timestamp(to)).param("w", workflowId)
        .query((rs, i) -> new StatusCount(rs.getTimestamp("bucket").toLocalDateTime(), rs.getString("status"), rs.getLong("runs")))
        .list();
  }

  /**
   * One workflow's runs that started in the range. {@code failed} counts FAILED, TIMED_OUT and TERMINATED;
   * {@code open} the runs not ended yet. Durations (ms) are over its COMPLETED runs, null without any.
   * Human waits are over the tasks its runs opened: open ones count until {@code now}.
   */
  public record WorkflowStats(String workflowId, String name, long runs, long completed, long failed, long canceled,
      long open, Double p50DurationMs, Double p95DurationMs, long humanTasks, long openHumanTasks, long humanWaitMs) {}

  public List<WorkflowStats> workflows(Instant from, Instant to, Instant now, int limit) {
    return jdbc.sql("""
        WITH r AS (
          SELECT run_id, workflow_id, status, started_at, ended_at FROM runs
          WHERE tenant_id = :t AND started_at >= :from AND started_at < :to
        ), agg AS (
          SELECT workflow_id, count(*) AS runs,
            count(*) FILTER (WHERE status = 'COMPLETED') AS completed,
            count(*) FILTER (WHERE status IN ('FAILED', 'TIMED_OUT', 'TERMINATED')) AS failed,
            count(*) FILTER (WHERE status = 'CANCELED') AS canceled,
            count(*) FILTER (WHERE status IN ('RUNNING', 'WAITING', 'PAUSED')) AS open,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ended_at - started_at) * 1000)
              FILTER (WHERE status = 'COMPLETED' AND ended_at IS NOT NULL) AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM ended_at - started_at) * 1000)
              FILTER (WHERE status = 'COMPLETED' AND ended_at IS NOT NULL) AS p95
          FROM r GROUP BY workflow_id
        ), waits AS (
          SELECT r.workflow_id, count(*) AS tasks, count(*) FILTER (WHERE h.closed_at IS NULL) AS open_tasks,
            sum(extract(epoch FROM coalesce(h.closed_at, :now) - h.opened_at) * 1000) AS wait_ms
          FROM human_tasks h JOIN r ON h.run_id = r.run_id
          WHERE h.tenant_id = :t
          GROUP BY r.workflow_id
        )
        SELECT agg.*, w.name, coalesce(waits.tasks, 0) AS tasks, coalesce(waits.open_tasks, 0) AS open_tasks,
          coalesce(round(waits.wait_ms), 0) AS wait_ms
        FROM agg
        LEFT JOIN workflows w ON w.tenant_id = :t AND w.id = agg.workflow_id
        LEFT JOIN waits ON waits.workflow_id = agg.workflow_id
        ORDER BY agg.runs DESC, agg.workflow_id
        LIMIT :n""")
        .param("t", Tenants.current()).param("from", Jsonb.timestamp(from)).param("to", Jsonb.timestamp(to))
        .param("now", Jsonb.timestamp(now)).param("n", limit)
        .query((rs, i) -> new WorkflowStats(rs.getString("workflow_id"), rs.getString("name"), rs.getLong("runs"),
            rs.getLong("completed"), rs.getLong("failed"), rs.getLong("canceled"), rs.getLong("open"),
            (Double) rs.getObject("p50", Double.class), (Double) rs.getObject("p95", Double.class), rs.getLong("tasks"),
            rs.getLong("open_tasks"), rs.getLong("wait_ms")))
        .list();
  }

  /** LLM usage of one workflow's runs with one model on one UTC day. {@code cost} is null when no price is known. */
  public record Cost(LocalDate day, String workflowId, String model, long calls, long tokensIn, long tokensOut,
      BigDecimal cost) {}

  /**
   * The usage ({@code {model, tokensIn, tokensOut, cost}} under {@code llm}) that {@code llm.*} and
   * {@code agent} nodes write into the output of each successful attempt, for attempts that ended in the
   * range; by day, workflow and model. A claim-checked output (too large for the event) is not read.
   */
  public List<Cost> costs(Instant from, Instant to, int limit) {
    return jdbc.sql("""
        SELECT CAST(e.at AT TIME ZONE 'UTC' AS date) AS day, r.workflow_id,
          coalesce(e.output -> 'llm' ->> 'model', 'unknown') AS model, count(*) AS calls,
          coalesce(sum(CASE WHEN json_typeof(e.output -> 'llm' -> 'tokensIn') = 'number'
                            THEN CAST(e.output -> 'llm' ->> 'tokensIn' AS numeric) END), 0) AS tokens_in,
          coalesce(sum(CASE WHEN json_typeof(e.output -> 'llm' -> 'tokensOut') = 'number'
                            THEN CAST(e.output -> 'llm' ->> 'tokensOut' AS numeric) END), 0) AS tokens_out,
          sum(CASE WHEN json_typeof(e.output -> 'llm' -> 'cost') = 'number'
                   THEN CAST(e.output -> 'llm' ->> 'cost' AS numeric) END) AS cost
        FROM run_events e JOIN runs r ON r.tenant_id = e.tenant_id AND r.run_id = e.run_id
        WHERE e.tenant_id = :t AND e.kind = 'node_attempt_completed' AND (e.node_type LIKE 'llm.%' OR e.node_type = 'agent')
          AND e.at >= :from AND e.at < :to AND json_typeof(e.output -> 'llm') = 'object'
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        LIMIT :n""")
        .param("t", Tenants.current()).param("from", Jsonb.timestamp(from)).param("to", Jsonb.timestamp(to))
        .param("n", limit)
        .query((rs, i) -> new Cost(rs.getDate("day").toLocalDate(), rs.getString("workflow_id"), rs.getString("model"),
            rs.getLong("calls"), rs.getLong("tokens_in"), rs.getLong("tokens_out"), rs.getBigDecimal("cost")))
        .list();
  }
}
