package dev.weft.service;

import dev.weft.domain.DomainException;
import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.engine.DefinitionSnapshot;
import dev.weft.engine.EventKind;
import dev.weft.engine.NodeError;
import dev.weft.engine.NodeState;
import dev.weft.engine.Previews;
import dev.weft.engine.RunEvent;
import dev.weft.engine.RunResult;
import dev.weft.engine.RunState;
import dev.weft.engine.RunStatus;
import dev.weft.engine.TemporalNames;
import dev.weft.store.AuditLog;
import dev.weft.store.EventStore;
import dev.weft.store.RunRecord;
import dev.weft.store.RunStore;
import dev.weft.domain.Tenants;
import dev.weft.store.VersionRecord;
import dev.weft.store.WorkflowRecord;
import dev.weft.store.WorkflowStore;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Starting, reading and controlling runs. A run's id is its Temporal workflow id; an
 * {@code Idempotency-Key} is hashed into it with the caller's principal id, so the same key from the same
 * caller always names the same run and Temporal
 * itself refuses to start it twice.
 */
public class RunService {
  static final Set<RunStatus> ENDED = EnumSet.of(RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELED, RunStatus.TIMED_OUT,
      RunStatus.TERMINATED);
  private static final int MAX_KEY_LENGTH = 200;

  private final WorkflowClient client;
  private final RunLauncher launcher;
  private final WorkflowStore workflows;
  private final RunStore runs;
  private final AuditLog audit;
  private final EventStore events;
  private final int statePreviewBytes;
  private final int maxInputBytes;

  public RunService(WorkflowClient client, RunLauncher launcher, WorkflowStore workflows, RunStore runs, AuditLog audit,
      EventStore events, int statePreviewBytes, int maxInputBytes) {
    this.client = client;
    this.launcher = launcher;
    this.workflows = workflows;
    this.runs = runs;
    this.audit = audit;
    this.events = events;
    this.statePreviewBytes = statePreviewBytes;
    this.maxInputBytes = maxInputBytes;
  }

  /** A run that was started, or found again by its idempotency key ({@code replayed}). */
  public record Started(String runId, String workflowId, int version, boolean replayed) {}

  /** How a run ended: its final state and, when it completed, its result. */
  public record Ended(JsonNode state, RunResult result) {
    public boolean completed() {
      return result != null;
    }
  }

  /**
   * The input against the workflow's {@code inputSchema}, when it has one: {@code workflow.input_invalid}
   * with one error per problem, at {@code inputPath} plus the pointer into the input.
   */
  public static void checkInput(dev.weft.definition.WorkflowDefinition def, JsonNode input, String inputPath) {
    if (def.inputSchema() == null) return;
    JsonNode value = input == null ? Json.MAPPER.nullNode() : input;
    List<dev.weft.definition.Violation> errors = dev.weft.node.JsonSchemas.errors(def.inputSchema(), value).stream()
        .map(e -> dev.weft.definition.Violation.of(inputPath + e.path(), e.code(), e.message())).toList();
    if (!errors.isEmpty()) {
      throw DomainException.invalid("workflow.input_invalid", "the input does not match the workflow's inputSchema: "
          + errors.getFirst().message(), errors);
    }
  }

  /**
   * Starts a run (or finds the one its idempotency key started). The input goes into Temporal history,
   * so it is bounded: {@code limit.input} at {@code inputPath} when it is larger.
   */
  public Started start(String workflowId, Integer version, JsonNode input, String inputPath, String idempotencyKey,
      String trigger, String principal) {
    if (Json.sizeOf(input) > maxInputBytes) {
      throw DomainException.invalid(inputPath, "limit.input",
          "the run's input is larger than " + maxInputBytes + " bytes (weft.limits.max-input-bytes)");
    }
    WorkflowRecord w = workflows.find(workflowId)
        .orElseThrow(() -> DomainException.notFound("path.id", "workflow.not_found", "no workflow '" + workflowId + "'"));
    if (w.archived()) {
      throw DomainException.conflict("path.id", "workflow.archived", "workflow '" + workflowId + "' is archived and starts no runs");
    }
    int v = version == null ? w.latestVersion() : version;
    VersionRecord def = workflows.version(workflowId, v)
        .orElseThrow(() -> DomainException.notFound("/version", "version.not_found", "workflow '" + workflowId + "' has no version " + v));
    checkInput(def.definition(), input, inputPath);
    String requestHash = null;
    String runKey;
    if (idempotencyKey != null) {
      checkKey(idempotencyKey);
      // Scoped to the caller: another principal's key never names (or blocks) this one's run.
      runKey = sha256(principal + "\n" + idempotencyKey).substring(0, 32);
      ObjectNode request = Json.object();
      request.put("version", version);
      request.set("input", input);
      requestHash = sha256(Json.MAPPER.writeValueAsString(request));
      Optional<RunRecord> existing = runs.find(RunLauncher.runId(workflowId, runKey));
      if (existing.isPresent()) {
        sameRequest(existing.get(), requestHash, idempotencyKey);
        return new Started(existing.get().runId(), workflowId, existing.get().version(), true);
      }
    } else {
      runKey = UUID.randomUUID().toString().replace("-", "");
    }
    // Taken before the start: with eager start the run may even have ended by the time launch returns.
    Instant requestedAt = Instant.now();
    RunLauncher.Launched launched = launcher.launch(
        new DefinitionSnapshot(workflowId, v, def.contentHash(), def.definition()), input, runKey, principal, trigger);
    runs.started(new RunRecord(launched.runId(), launched.temporalRunId(), workflowId, v, RunStatus.RUNNING, trigger,
        idempotencyKey, requestHash, requestedAt, null, null));
    if (idempotencyKey != null) {
      // Two different requests racing with one key: the first one's hash is kept; the other is refused.
      sameRequest(runs.find(launched.runId()).orElseThrow(), requestHash, idempotencyKey);
    }
    if (!launched.existing()) {
      audit.record(principal, "run.start", "run", launched.runId(), launched.runId(), null,
          Json.MAPPER.valueToTree(Map.of("workflowId", workflowId, "version", v, "trigger", trigger)));
    }
    return new Started(launched.runId(), workflowId, v, launched.existing());
  }

  private static void checkKey(String key) {
    if (key.isBlank() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
      throw DomainException.invalid("header.Idempotency-Key", "idempotency.key_invalid",
          "an Idempotency-Key is 1 to " + MAX_KEY_LENGTH + " visible ASCII characters");
    }
  }

  private static void sameRequest(RunRecord run, String requestHash, String key) {
    if (run.requestHash() != null && !run.requestHash().equals(requestHash)) {
      throw new DomainException(DomainException.Kind.UNPROCESSABLE, "idempotency.key_reused",
          "Idempotency-Key '" + key + "' was already used with a different request",
          List.of(Violation.of("header.Idempotency-Key", "idempotency.key_reused",
              "this key started run " + run.runId() + " with a different input or version")), Map.of("runId", run.runId()));
    }
  }

  /** Waits up to {@code wait} for the run to end; empty if it is still going. */
  public Optional<Ended> await(String runId, Duration wait) {
    if (wait.isZero() || wait.isNegative() || !Tenants.owns(runId)) return Optional.empty();
    WorkflowStub stub = client.newUntypedWorkflowStub(runId);
    try {
      RunResult result = stub.getResult(wait.toMillis(), TimeUnit.MILLISECONDS, RunResult.class);
      return Optional.of(new Ended(state(runId), result));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (WorkflowFailedException e) {
      return Optional.of(new Ended(state(runId), null));
    }
  }

  /**
   * The run's state in the shape of the {@code state} query: from the store once the run has ended
   * (its last event carries it), from the workflow while it is open; followed by what the index knows
   * of how it started, {@code trigger} and (when a run started it) {@code parentRunId}.
   */
  public JsonNode state(String runId) {
    Optional<RunRecord> row = runs.find(runId);
    // Not in this tenant's index (yet): ask Temporal only about an id of this tenant's.
    if (row.isEmpty() && !Tenants.owns(runId)) throw DomainException.notFound("path.runId", "run.not_found", "no run '" + runId + "'");
    if (row.isPresent() && row.get().state() == null && reconcile(row.get())) row = runs.find(runId);
    if (row.isPresent() && row.get().state() != null) return started(storedState(runId, row.get().state()), row.get());
    try {
      RunState s = client.newUntypedWorkflowStub(runId).query(TemporalNames.QUERY_STATE, RunState.class);
      return started(Json.MAPPER.valueToTree(s), row.orElse(null));
    } catch (WorkflowNotFoundException e) {
      // Gone between the check above and the query: reconciling records it as lost.
      if (row.isPresent() && reconcile(row.get())) return state(runId);
      throw DomainException.notFound("path.runId", "run.not_found", "no run '" + runId + "'");
    }
  }

  /** {@code state} with the run's trigger and parent from the index, unless it names them itself. */
  private static JsonNode started(JsonNode state, RunRecord r) {
    if (r == null || !(state instanceof ObjectNode o)) return state;
    if (!o.has("trigger") && r.trigger() != null) o.put("trigger", r.trigger());
    if (!o.has("parentRunId") && r.parentRunId() != null) o.put("parentRunId", r.parentRunId());
    return o;
  }

  /**
   * A closed run's state: the final state its last event stored, with each node's output put back from
   * the node events (the workflow leaves them out of the last event so history holds them once), shown
   * with the same preview rule as the query. Through the record, so keys come out in the same order.
   */
  private JsonNode storedState(String runId, JsonNode stored) {
    RunState s = Json.MAPPER.treeToValue(stored, RunState.class);
    Map<String, JsonNode> outputs = events.finalOutputs(runId);
    Map<String, NodeState> nodes = new LinkedHashMap<>();
    s.nodes().forEach((id, n) -> nodes.put(id, n.output() != null || !outputs.containsKey(id) ? n
        : n.withOutput(Previews.of(outputs.get(id), statePreviewBytes))));
    return Json.MAPPER.valueToTree(new RunState(s.runId(), s.workflowId(), s.version(), s.status(), s.startedAt(),
        s.endedAt(), s.input(), s.output(), s.error(), nodes, s.waiting(), s.startedBy()));
  }

  /**
   * Brings the index in line with Temporal for a run that ended without recording it itself: terminated
   * or timed out in Temporal, or no longer known to it (an in-memory server restarted, or retention
   * passed). Writes its last event, {@code run_terminated}, so streams end. True when it did.
   */
  public boolean reconcile(String runId) {
    return runs.find(runId).filter(r -> r.state() == null).map(this::reconcile).orElse(false);
  }

  private boolean reconcile(RunRecord r) {
    RunStatus status;
    Instant closed;
    NodeError error;
    try {
      WorkflowExecutionDescription d = client.newUntypedWorkflowStub(r.runId()).describe();
      switch (d.getStatus()) {
        case WORKFLOW_EXECUTION_STATUS_TERMINATED -> {
          status = RunStatus.TERMINATED;
          error = new NodeError("run.terminated", "the run was terminated in Temporal", null);
        }
        case WORKFLOW_EXECUTION_STATUS_TIMED_OUT -> {
          status = RunStatus.TIMED_OUT;
          error = new NodeError("run.timed_out", "the run exceeded its Temporal execution timeout", null);
        }
        default -> {
          // Running, or ended by the workflow, which records its own end.
          return false;
        }
      }
      closed = d.getCloseTime();
    } catch (WorkflowNotFoundException e) {
      status = RunStatus.TERMINATED;
      closed = Instant.now();
      error = new NodeError("run.lost", "Temporal no longer knows this run: its server lost it (the embedded, "
          + "in-memory server was restarted) or its retention has passed", null);
    }
    RunState last = lastKnownState(r);
    RunState state = new RunState(r.runId(), r.workflowId(), r.version(), status,
        last == null ? r.startedAt() : last.startedAt(), closed, last == null ? null : last.input(), null, error,
        last == null ? Map.of() : last.nodes(), List.of(), last == null ? null : last.startedBy()).withoutNodeOutputs();
    events.record(List.of(new RunEvent(r.runId(), RunEvent.RUN, null, 0, EventKind.RUN_TERMINATED, closed, null, null,
        null, error, Json.MAPPER.valueToTree(state))));
    return true;
  }

  /**
   * Reconciles every open run of the index; returns how many had ended. The embedded, in-memory
   * Temporal server forgets its runs when the process stops, so this runs at its start.
   */
  public int reconcileOpen() {
    int ended = 0;
    for (String tenant : runs.tenantsWithOpenRuns()) {
      try (Tenants.Scope ignored = Tenants.open(tenant)) {
        for (RunRecord r : runs.open(10_000)) {
          if (reconcile(r)) ended++;
        }
      }
    }
    return ended;
  }

  /** What the workflow last knew: a query replays a closed run's history up to its end. */
  private RunState lastKnownState(RunRecord r) {
    try {
      return client.newUntypedWorkflowStub(r.runId()).query(TemporalNames.QUERY_STATE, RunState.class);
    } catch (RuntimeException e) {
      return null;
    }
  }

  public RunRecord record(String runId) {
    return runs.find(runId).orElseThrow(() -> DomainException.notFound("path.runId", "run.not_found", "no run '" + runId + "'"));
  }

  public void cancel(String runId, String principal) {
    RunRecord r = record(runId);
    if (ENDED.contains(r.status())) {
      throw DomainException.conflict("path.runId", "run.not_running", "run '" + runId + "' has already ended (" + r.status() + ")");
    }
    try {
      client.newUntypedWorkflowStub(runId).cancel();
    } catch (WorkflowNotFoundException e) {
      throw DomainException.conflict("path.runId", "run.not_running", "run '" + runId + "' has already ended");
    }
    audit.record(principal, "run.cancel", "run", runId, runId, null, null);
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
