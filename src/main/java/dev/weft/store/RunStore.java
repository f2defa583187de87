package dev.weft.store;

import dev.weft.domain.Tenants;
import dev.weft.engine.RunStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The run index: one row per run, written when it starts and when it ends. */
public class RunStore {
  private final JdbcClient jdbc;

  public RunStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Records a run that was started through the API or a webhook. The workflow records its own start
   * too; whichever comes first creates the row, and this call adds what only the caller knows.
   */
  public void started(RunRecord r) {
    jdbc.sql("""
        INSERT INTO runs (tenant_id, run_id, temporal_run_id, workflow_id, version, status, trigger, idempotency_key,
                          request_hash, started_at)
        VALUES (:t, :run, :trun, :wf, :v, :status, :trigger, :key, :hash, :at)
        ON CONFLICT (tenant_id, run_id) DO UPDATE SET
          temporal_run_id = COALESCE(runs.temporal_run_id, EXCLUDED.temporal_run_id),
          started_at = LEAST(runs.started_at, EXCLUDED.started_at),
          trigger = EXCLUDED.trigger,
          idempotency_key = COALESCE(runs.idempotency_key, EXCLUDED.idempotency_key),
          request_hash = COALESCE(runs.request_hash, EXCLUDED.request_hash)""")
        .param("t", Tenants.current()).param("run", r.runId()).param("trun", r.temporalRunId())
        .param("wf", r.workflowId()).param("v", r.version()).param("status", r.status().name())
        .param("trigger", r.trigger()).param("key", r.idempotencyKey()).param("hash", r.requestHash())
        .param("at", Jsonb.timestamp(r.startedAt()))
        .update();
  }

  public Optional<RunRecord> find(String runId) {
    return jdbc.sql("SELECT * FROM runs WHERE tenant_id = :t AND run_id = :run")
        .param("t", Tenants.current()).param("run", runId).query(RunStore::run).optional();
  }

  /**
   * Runs newest first, optionally of one workflow and/or status; {@code before} is the cursor of the
   * previous page (its last run's start time and id).
   */
  public List<RunRecord> list(String workflowId, RunStatus status, Instant beforeStart, String beforeRunId, int limit) {
    return list(workflowId, status, null, beforeStart, beforeRunId, limit);
  }

  /** As {@link #list(String, RunStatus, Instant, String, int)}, optionally only the runs {@code parentRunId} started. */
  public List<RunRecord> list(String workflowId, RunStatus status, String parentRunId, Instant beforeStart, String beforeRunId,
      int limit) {
    return jdbc.sql("""
        SELECT * FROM runs
        WHERE tenant_id = :t
          AND (CAST(:wf AS TEXT) IS NULL OR workflow_id = :wf)
          AND (CAST(:status AS TEXT) IS NULL OR status = :status)
          AND (CAST(:parent AS TEXT) IS NULL OR parent_run_id = :parent)
          AND (CAST(:before AS TIMESTAMPTZ) IS NULL OR (started_at, run_id) < (:before, :beforeRun))
        ORDER BY started_at DESC, run_id DESC
        LIMIT :limit""")
        .param("t", Tenants.current()).param("wf", workflowId).param("status", status == null ? null : status.name())
        .param("parent", parentRunId)
        .param("before", Jsonb.timestamp(beforeStart)).param("beforeRun", beforeRunId == null ? "" : beforeRunId)
        .param("limit", limit)
        .query(RunStore::run).list();
  }

  /** The tenants that have open runs in the index, for sweeps that go tenant by tenant. */
  public List<String> tenantsWithOpenRuns() {
    return jdbc.sql("SELECT DISTINCT tenant_id FROM runs WHERE state IS NULL ORDER BY tenant_id").query(String.class).list();
  }

  /** Runs of the current tenant the index still has open (no final state), oldest first. */
  public List<RunRecord> open(int limit) {
    return jdbc.sql("SELECT * FROM runs WHERE tenant_id = :t AND state IS NULL ORDER BY started_at LIMIT :limit")
        .param("t", Tenants.current()).param("limit", limit).query(RunStore::run).list();
  }

  private static RunRecord run(ResultSet rs, int i) throws SQLException {
    return new RunRecord(rs.getString("run_id"), rs.getString("temporal_run_id"), rs.getString("workflow_id"),
        rs.getInt("version"), RunStatus.valueOf(rs.getString("status")), rs.getString("trigger"),
        rs.getString("idempotency_key"), rs.getString("request_hash"), Jsonb.instant(rs, "started_at"),
        Jsonb.instant(rs, "ended_at"), Jsonb.read(rs, "state"), rs.getString("parent_run_id"));
  }
}
