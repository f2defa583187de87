package dev.weft.store;

import dev.weft.domain.Tenants;
import dev.weft.definition.Json;
import dev.weft.engine.EventKind;
import dev.weft.engine.NodeError;
import dev.weft.engine.RunEvent;
import dev.weft.engine.RunEventSink;
import dev.weft.engine.RunStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The durable event log of runs, and the run index's writer of starts and ends.
 *
 * <p>A batch is written in one transaction: an advisory lock per run serialises writers of the same
 * run, so {@code seq} order is commit order and a reader that resumes after a seq never skips an
 * event; each row is inserted with {@code ON CONFLICT DO NOTHING} on (run, node, attempt, kind), so
 * re-sent events are dropped; and {@code pg_notify} tells every Weft instance, at commit, that a run
 * has new events.
 */
public class EventStore implements RunEventSink {
  public static final String CHANNEL = "weft_events";

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final List<RunEventListener> listeners;

  public EventStore(JdbcClient jdbc, TransactionTemplate tx, List<RunEventListener> listeners) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public void record(List<RunEvent> events) {
    if (events.isEmpty()) return;
    List<StoredEvent> inserted = tx.execute(s -> {
      TreeSet<String> runs = new TreeSet<>();
      events.forEach(e -> runs.add(e.runId()));
      // A stable lock order: two batches touching the same runs cannot deadlock.
      runs.forEach(run -> jdbc.sql("SELECT pg_advisory_xact_lock(hashtext(:t || '/' || :run))")
          .param("t", Tenants.current()).param("run", run).query(rs -> { }));
      List<StoredEvent> fresh = new ArrayList<>();
      for (RunEvent e : events) {
        insert(e).ifPresent(seq -> {
          fresh.add(new StoredEvent(seq, e));
          if (e.runLevel()) index(e);
          tasks(e);
        });
      }
      fresh.stream().map(f -> f.event().runId()).distinct().forEach(run ->
          jdbc.sql("SELECT pg_notify(:channel, :run)").param("channel", CHANNEL).param("run", run).query(rs -> { }));
      return fresh;
    });
    if (inserted != null && !inserted.isEmpty()) listeners.forEach(l -> l.inserted(inserted));
  }

  private Optional<Long> insert(RunEvent e) {
    return jdbc.sql("""
        INSERT INTO run_events (tenant_id, run_id, node_id, attempt, kind, node_type, at, duration_ms, input, output, error, data)
        VALUES (:t, :run, :node, :attempt, :kind, :type, :at, :duration, :input::json, :output::json, :error::json, :data::json)
        ON CONFLICT (tenant_id, run_id, node_id, attempt, kind) DO NOTHING
        RETURNING seq""")
        .param("t", Tenants.current()).param("run", e.runId()).param("node", e.nodeId()).param("attempt", e.attempt())
        .param("kind", e.kind().wire()).param("type", e.nodeType()).param("at", Jsonb.timestamp(e.at()))
        .param("duration", e.durationMs()).param("input", Jsonb.write(e.input())).param("output", Jsonb.write(e.output()))
        .param("error", Jsonb.write(e.error())).param("data", Jsonb.write(e.data()))
        .query(Long.class).optional();
  }

  /**
   * Keeps the inbox ({@code human_tasks}) in step with the run: a task opens with its node_waiting
   * event, follows escalations and decisions, and closes when its node moves on or the run ends; the
   * run's indexed status follows (WAITING while a task is open, PAUSED while paused).
   */
  private void tasks(RunEvent e) {
    // Whether the run's WAITING/PAUSED/RUNNING status may have changed: only a task opening or closing,
    // or a pause or resume, can change it.
    boolean statusChanges;
    switch (e.kind()) {
      case NODE_WAITING -> {
        statusChanges = closeTasks(e, e.attempt());
        JsonNode d = e.data();
        if (d == null || !d.has("kind")) break;
        statusChanges = true;
        jdbc.sql("""
            INSERT INTO human_tasks (tenant_id, run_id, node_id, ordinal, workflow_id, kind, title, description, assignees,
              actions, allow_self, started_by, details, opened_at, due_at)
            VALUES (:t, :run, :node, :ord, :wf, :kind, :title, :descr, :assignees::json, :actions::json, :self, :by,
              :details::json, :at, :due)
            ON CONFLICT DO NOTHING""")
            .param("t", Tenants.current()).param("run", e.runId()).param("node", e.nodeId()).param("ord", e.attempt())
            .param("wf", text(d, "workflowId")).param("kind", text(d, "kind")).param("title", text(d, "title"))
            .param("descr", text(d, "description")).param("assignees", Jsonb.write(d.get("assignees")))
            .param("actions", Jsonb.write(d.get("actions"))).param("self", d.path("allowSelf").asBoolean(false))
            .param("by", text(d, "startedBy")).param("details", Jsonb.write(d.get("details")))
            .param("at", Jsonb.timestamp(e.at()))
            .param("due", d.hasNonNull("due") ? Jsonb.timestamp(java.time.Instant.parse(d.get("due").asString())) : null)
            .update();
      }
      case NODE_ESCALATED -> {
        statusChanges = false;
        jdbc.sql("""
          UPDATE human_tasks SET assignees = :assignees::json, due_at = :due
          WHERE tenant_id = :t AND run_id = :run AND node_id = :node AND ordinal = :ord""")
          .param("assignees", Jsonb.write(e.data().get("assignees")))
          .param("due", e.data().hasNonNull("due") ? Jsonb.timestamp(java.time.Instant.parse(e.data().get("due").asString())) : null)
          .param("t", Tenants.current()).param("run", e.runId()).param("node", e.nodeId()).param("ord", e.attempt())
          .update();
      }
      case NODE_DECISION -> {
        statusChanges = false;
        jdbc.sql("""
          UPDATE human_tasks SET decided_by = (decided_by::jsonb || to_jsonb(CAST(:who AS text)))::json
          WHERE tenant_id = :t AND run_id = :run AND node_id = :node AND ordinal = :ord""")
          .param("who", text(e.data(), "principal")).param("t", Tenants.current()).param("run", e.runId())
          .param("node", e.nodeId()).param("ord", e.data().path("task").asInt())
          .update();
      }
      case NODE_STARTED, NODE_COMPLETED, NODE_FAILED, NODE_CANCELED, NODE_SKIPPED -> statusChanges = closeTasks(e, Integer.MAX_VALUE);
      // An agent goes on after a decision on a tool call: its next step closes the call's task.
      case AGENT_TURN, AGENT_TOOL_CALL -> statusChanges = closeTasks(e, Integer.MAX_VALUE);
      case RUN_COMPLETED, RUN_FAILED, RUN_CANCELED, RUN_TERMINATED -> {
        statusChanges = false;
        jdbc.sql("""
            UPDATE human_tasks SET status = 'closed', closed_at = :at
            WHERE tenant_id = :t AND run_id = :run AND status = 'pending'""")
            .param("at", Jsonb.timestamp(e.at())).param("t", Tenants.current()).param("run", e.runId()).update();
      }
      case RUN_PAUSED, RUN_RESUMED -> statusChanges = true;
      default -> statusChanges = false;
    }
    if (statusChanges) refreshStatus(e);
  }

  /** Closes the node's pending tasks opened before {@code beforeOrdinal}; true when it closed one. */
  private boolean closeTasks(RunEvent e, int beforeOrdinal) {
    return jdbc.sql("""
        UPDATE human_tasks SET status = 'closed', closed_at = :at
        WHERE tenant_id = :t AND run_id = :run AND node_id = :node AND status = 'pending' AND ordinal < :ord""")
        .param("at", Jsonb.timestamp(e.at())).param("t", Tenants.current()).param("run", e.runId()).param("node", e.nodeId())
        .param("ord", beforeOrdinal)
        .update() > 0;
  }

  /**
   * An open run's indexed status after {@code e}: PAUSED from a pause until the resume, else WAITING
   * while a task is open, else RUNNING. A run's events are written in order (one writer at a time, see
   * {@link #record}), so the stored status is the one the previous event left.
   */
  private void refreshStatus(RunEvent e) {
    jdbc.sql("""
        UPDATE runs SET status = CASE
            WHEN :kind = 'run_paused' OR (:kind <> 'run_resumed' AND status = 'PAUSED') THEN 'PAUSED'
            WHEN EXISTS (SELECT 1 FROM human_tasks WHERE tenant_id = :t AND run_id = :run AND status = 'pending') THEN 'WAITING'
            ELSE 'RUNNING' END
        WHERE tenant_id = :t AND run_id = :run AND ended_at IS NULL""")
        .param("kind", e.kind().wire()).param("t", Tenants.current()).param("run", e.runId())
        .update();
  }

  /** Keeps the run index in step with the run's own start and end events. */
  private void index(RunEvent e) {
    switch (e.kind()) {
      case RUN_STARTED -> jdbc.sql("""
          INSERT INTO runs (tenant_id, run_id, temporal_run_id, workflow_id, version, status, trigger, started_at, parent_run_id)
          VALUES (:t, :run, :trun, :wf, :v, 'RUNNING', COALESCE(CAST(:trigger AS text), 'api'), :at, :parent)
          ON CONFLICT (tenant_id, run_id) DO UPDATE SET temporal_run_id = COALESCE(runs.temporal_run_id, EXCLUDED.temporal_run_id),
            started_at = LEAST(runs.started_at, EXCLUDED.started_at),
            parent_run_id = COALESCE(runs.parent_run_id, EXCLUDED.parent_run_id)""")
          .param("t", Tenants.current()).param("run", e.runId()).param("trun", text(e.data(), "temporalRunId"))
          .param("wf", text(e.data(), "workflowId")).param("v", e.data().path("version").asInt())
          .param("trigger", text(e.data(), "trigger")).param("at", Jsonb.timestamp(e.at()))
          .param("parent", text(e.data(), "parentRunId"))
          .update();
      case RUN_COMPLETED, RUN_FAILED, RUN_CANCELED, RUN_TERMINATED -> jdbc.sql("""
          UPDATE runs SET status = :status, ended_at = :at, state = :state::json WHERE tenant_id = :t AND run_id = :run""")
          .param("status", ended(e).name()).param("at", Jsonb.timestamp(e.at())).param("state", Jsonb.write(e.data()))
          .param("t", Tenants.current()).param("run", e.runId())
          .update();
      default -> { }
    }
  }

  /** The status a run's last event gives it: the one its final state names, else the kind's. */
  static RunStatus ended(RunEvent e) {
    JsonNode status = e.data() == null ? null : e.data().get("status");
    if (status != null && status.isString()) return RunStatus.valueOf(status.stringValue());
    return switch (e.kind()) {
      case RUN_COMPLETED -> RunStatus.COMPLETED;
      case RUN_FAILED -> RunStatus.FAILED;
      case RUN_CANCELED -> RunStatus.CANCELED;
      default -> RunStatus.TERMINATED;
    };
  }

  /**
   * A run's events after {@code afterSeq}, in order. A {@code node_completed} of a node that ran as an
   * activity carries no output of its own (the workflow does not copy activity results into history
   * twice): it is read from the activity's {@code node_attempt_completed} of the same attempt.
   */
  public List<StoredEvent> list(String runId, long afterSeq, int limit) {
    return jdbc.sql("""
        SELECT e.seq, e.run_id, e.node_id, e.node_type, e.attempt, e.kind, e.at, e.duration_ms, e.input, e.error, e.data,
               COALESCE(e.output, a.output) AS output
        FROM run_events e
        LEFT JOIN run_events a
          ON e.output IS NULL AND e.kind = 'node_completed' AND a.kind = 'node_attempt_completed'
         AND a.tenant_id = e.tenant_id AND a.run_id = e.run_id AND a.node_id = e.node_id AND a.attempt = e.attempt
        WHERE e.tenant_id = :t AND e.run_id = :run AND e.seq > :after
        ORDER BY e.seq
        LIMIT :limit""")
        .param("t", Tenants.current()).param("run", runId).param("after", afterSeq).param("limit", limit)
        .query(EventStore::event).list();
  }

  /**
   * The output each node finished with (completed, or failed with an error output), by node id: only
   * those rows and columns, with an activity node's output joined from its attempt as in {@link #list}.
   */
  public Map<String, JsonNode> finalOutputs(String runId) {
    Map<String, JsonNode> outputs = new HashMap<>();
    jdbc.sql("""
        SELECT e.node_id, COALESCE(e.output, a.output) AS output
        FROM run_events e
        LEFT JOIN run_events a
          ON e.output IS NULL AND e.kind = 'node_completed' AND a.kind = 'node_attempt_completed'
         AND a.tenant_id = e.tenant_id AND a.run_id = e.run_id AND a.node_id = e.node_id AND a.attempt = e.attempt
        WHERE e.tenant_id = :t AND e.run_id = :run AND e.kind IN ('node_completed', 'node_failed')""")
        .param("t", Tenants.current()).param("run", runId)
        .query(rs -> {
          JsonNode output = Jsonb.read(rs, "output");
          if (output != null) outputs.put(rs.getString("node_id"), output);
        });
    return outputs;
  }

  private static StoredEvent event(ResultSet rs, int i) throws SQLException {
    JsonNode error = Jsonb.read(rs, "error");
    long duration = rs.getLong("duration_ms");
    Long durationMs = rs.wasNull() ? null : duration;
    RunEvent e = new RunEvent(rs.getString("run_id"), rs.getString("node_id"), rs.getString("node_type"),
        rs.getInt("attempt"), EventKind.fromWire(rs.getString("kind")), Jsonb.instant(rs, "at"), durationMs,
        Jsonb.read(rs, "input"), Jsonb.read(rs, "output"),
        error == null ? null : Json.MAPPER.treeToValue(error, NodeError.class), Jsonb.read(rs, "data"));
    return new StoredEvent(rs.getLong("seq"), e);
  }

  private static String text(JsonNode data, String field) {
    JsonNode v = data == null ? null : data.get(field);
    return v == null || v.isNull() ? null : v.asString();
  }
}
