package dev.weft.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.definition.Json;
import dev.weft.definition.NodeDef;
import dev.weft.definition.TriggerDef;
import dev.weft.definition.WorkflowDefinition;
import dev.weft.engine.EventKind;
import dev.weft.engine.NodeError;
import dev.weft.engine.RunEvent;
import dev.weft.engine.RunStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** The migrations and repositories against a real PostgreSQL. */
class StoreTest {
  private final List<StoredEvent> notified = new ArrayList<>();
  private final WorkflowStore workflows = new WorkflowStore(TestDatabase.jdbc(), TestDatabase.tx());
  private final RunStore runs = new RunStore(TestDatabase.jdbc());
  private final EventStore events = new EventStore(TestDatabase.jdbc(), TestDatabase.tx(), List.of(notified::addAll));

  private static WorkflowDefinition def(String id, String name, TriggerDef trigger) {
    return new WorkflowDefinition(id, name, null, trigger, List.of(new NodeDef("a", "respond", null, null, null, null, null)), List.of());
  }

  private static String id() {
    return "wf-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void migrationsCreateEveryTableWithATenant() {
    List<String> tables = TestDatabase.jdbc().sql("""
        SELECT table_name FROM information_schema.columns
        WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY table_name""").query(String.class).list();
    assertThat(tables).containsExactly("agent_confirmations", "agent_conversations", "agent_drafts", "agent_memory", "agent_messages", "api_keys", "audit_log", "console_sessions", "credentials", "human_tasks", "kb_chunks", "kb_documents", "knowledge_bases", "llm_usage", "payloads", "run_events", "runs", "webhook_routes", "workflow_versions", "workflows");
    // Applying again is a no-op: the schema history is consistent.
    assertThat(Flyway.configure().dataSource(TestDatabase.dataSource()).locations("classpath:db/migration").load()
        .migrate().migrationsExecuted).isZero();
  }

  @Test
  void versionsAreImmutableAndOnlyAddedWhenTheContentChanges() {
    String id = id();
    VersionRecord v1 = workflows.create(id, def(id, "One", null), "h1", "ann");
    assertThat(v1.version()).isEqualTo(1);
    assertThat(workflows.addVersion(id, def(id, "One", null), "h1", "bob").version()).isEqualTo(1);
    VersionRecord v2 = workflows.addVersion(id, def(id, "Two", null), "h2", "bob");
    assertThat(v2.version()).isEqualTo(2);
    assertThat(workflows.find(id).orElseThrow().latestVersion()).isEqualTo(2);
    assertThat(workflows.version(id, 1).orElseThrow().definition().name()).isEqualTo("One");
    assertThat(workflows.versions(id)).extracting(VersionRecord::createdBy).containsExactly("bob", "ann");
    assertThatThrownBy(() -> workflows.create(id, def(id, "Again", null), "h3", "ann"))
        .isInstanceOfSatisfying(StoreConflict.class, c -> assertThat(c.code()).isEqualTo("workflow.exists"));
  }

  @Test
  void webhookRoutesFollowTheLatestVersionAndArchiving() {
    String id = id();
    String path = "in/" + id;
    workflows.create(id, def(id, "Hook", new TriggerDef("webhook", path, null, null, null, null)), "h1", "ann");
    assertThat(workflows.workflowForPath(path)).contains(id);
    String other = id();
    assertThatThrownBy(() -> workflows.create(other, def(other, "Thief", new TriggerDef("webhook", path, null, null, null, null)), "h", "x"))
        .isInstanceOfSatisfying(StoreConflict.class, c -> assertThat(c.code()).isEqualTo("trigger.path_taken"));
    assertThat(workflows.find(other)).as("the refused create left nothing behind").isEmpty();
    workflows.addVersion(id, def(id, "Hook", TriggerDef.MANUAL), "h2", "ann");
    assertThat(workflows.workflowForPath(path)).isEmpty();
    workflows.addVersion(id, def(id, "Hook", new TriggerDef("webhook", path, null, null, null, null)), "h3", "ann");
    assertThat(workflows.archive(id)).isTrue();
    assertThat(workflows.archive(id)).isFalse();
    assertThat(workflows.workflowForPath(path)).isEmpty();
    assertThatThrownBy(() -> workflows.addVersion(id, def(id, "Hook", null), "h4", "ann"))
        .isInstanceOfSatisfying(StoreConflict.class, c -> assertThat(c.code()).isEqualTo("workflow.archived"));
  }

  private static RunEvent event(String run, String node, int attempt, EventKind kind) {
    return new RunEvent(run, node, node.isEmpty() ? null : "http", attempt, kind, Instant.now().truncatedTo(ChronoUnit.MILLIS),
        null, null, null, null, null);
  }

  @Test
  void anEventSentTwiceIsStoredOnce() {
    String run = "wf-" + UUID.randomUUID();
    List<RunEvent> batch = List.of(event(run, "call", 1, EventKind.NODE_STARTED),
        event(run, "call", 1, EventKind.NODE_ATTEMPT_FAILED), event(run, "call", 2, EventKind.NODE_STARTED));
    events.record(batch);
    events.record(batch); // a re-executed local activity, or a retried writer
    events.record(List.of(event(run, "call", 2, EventKind.NODE_STARTED), event(run, "call", 2, EventKind.NODE_COMPLETED)));
    List<StoredEvent> stored = events.list(run, 0, 100);
    assertThat(stored).extracting(s -> s.event().kind() + "#" + s.event().attempt())
        .containsExactly("NODE_STARTED#1", "NODE_ATTEMPT_FAILED#1", "NODE_STARTED#2", "NODE_COMPLETED#2");
    assertThat(stored).extracting(StoredEvent::seq).isSorted();
    assertThat(notified).as("listeners hear of first inserts only").hasSize(4);
    assertThat(events.list(run, stored.get(1).seq(), 100)).hasSize(2);
  }

  @Test
  void runEventsKeepTheRunIndexInStep() {
    String run = "wf-" + UUID.randomUUID();
    ObjectNode started = Json.object();
    started.put("workflowId", "wf");
    started.put("version", 3);
    started.put("temporalRunId", "t-1");
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    events.record(List.of(new RunEvent(run, "", null, 0, EventKind.RUN_STARTED, at, null, null, null, null, started)));
    RunRecord open = runs.find(run).orElseThrow();
    assertThat(open.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(open.version()).isEqualTo(3);
    assertThat(open.temporalRunId()).isEqualTo("t-1");
    assertThat(open.trigger()).as("a run_started without a trigger is an API start").isEqualTo("api");

    // A run started elsewhere (a Temporal Schedule) is indexed with the trigger its input names.
    String scheduled = "wf-" + UUID.randomUUID();
    ObjectNode bySchedule = started.deepCopy();
    bySchedule.put("trigger", "schedule");
    events.record(List.of(new RunEvent(scheduled, "", null, 0, EventKind.RUN_STARTED, at, null, null, null, null, bySchedule)));
    assertThat(runs.find(scheduled).orElseThrow().trigger()).isEqualTo("schedule");

    // The API's own record adds what only it knows and keeps what the workflow wrote.
    runs.started(new RunRecord(run, "t-1", "wf", 3, RunStatus.RUNNING, "webhook", "key", "hash", at, null, null));
    assertThat(runs.find(run).orElseThrow().trigger()).isEqualTo("webhook");
    // Whoever writes first, the earlier start time stays: an eager start can finish the run before the API records it.
    runs.started(new RunRecord(run, "t-1", "wf", 3, RunStatus.RUNNING, "webhook", "key", "hash", at.plusSeconds(5), null, null));
    assertThat(runs.find(run).orElseThrow().startedAt()).isEqualTo(at);
    String apiFirst = "wf-" + UUID.randomUUID();
    runs.started(new RunRecord(apiFirst, null, "wf", 1, RunStatus.RUNNING, "api", null, null, at.plusSeconds(1), null, null));
    events.record(List.of(new RunEvent(apiFirst, "", null, 0, EventKind.RUN_STARTED, at, null, null, null, null, started)));
    assertThat(runs.find(apiFirst).orElseThrow().startedAt()).isEqualTo(at);

    ObjectNode state = Json.object();
    state.put("status", "FAILED");
    events.record(List.of(new RunEvent(run, "", null, 0, EventKind.RUN_FAILED, at.plusSeconds(2), 2000L, null, null,
        new NodeError("http.status", "503", null), state)));
    RunRecord ended = runs.find(run).orElseThrow();
    assertThat(ended.status()).isEqualTo(RunStatus.FAILED);
    assertThat(ended.endedAt()).isEqualTo(at.plusSeconds(2));
    assertThat(ended.state()).isEqualTo(state);
    assertThat(events.list(run, 0, 10).getLast().event().error().code()).isEqualTo("http.status");
    assertThat(runs.list("wf", RunStatus.FAILED, null, null, 10)).extracting(RunRecord::runId).contains(run);
  }

  @Test
  void runsPageNewestFirstByCursor() {
    String wf = id();
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < 5; i++) {
      runs.started(new RunRecord(wf + "-" + i, null, wf, 1, RunStatus.RUNNING, "api", null, null, t0.plusSeconds(i), null, null));
    }
    List<RunRecord> first = runs.list(wf, null, null, null, 2);
    assertThat(first).extracting(RunRecord::runId).containsExactly(wf + "-4", wf + "-3");
    RunRecord last = first.getLast();
    assertThat(runs.list(wf, null, last.startedAt(), last.runId(), 10)).extracting(RunRecord::runId)
        .containsExactly(wf + "-2", wf + "-1", wf + "-0");
  }

  @Test
  void payloadsAndAuditEntriesAreStored() {
    JdbcPayloadStore payloads = new JdbcPayloadStore(TestDatabase.jdbc());
    ObjectNode big = Json.object();
    big.put("text", "x".repeat(200_000));
    String key = payloads.put("run-p", "n", 1, big);
    assertThat(payloads.put("run-p", "n", 1, big)).as("a retried write reuses the key").isEqualTo(key);
    assertThat(payloads.get(key)).contains(big);
    assertThat(payloads.get("nope")).isEmpty();

    new AuditLog(TestDatabase.jdbc()).record("ann", "run.cancel", "run", "run-p", "run-p", null, null);
    assertThat(TestDatabase.jdbc().sql("SELECT principal FROM audit_log WHERE target_id = 'run-p'").query(String.class).list())
        .containsExactly("ann");
  }
}
