package dev.weft.service;

import dev.weft.domain.DomainException;
import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.engine.Actor;
import dev.weft.engine.ControlInput;
import dev.weft.engine.HumanFailures;
import dev.weft.engine.HumanInput;
import dev.weft.engine.HumanTaskRules;
import dev.weft.engine.NodeState;
import dev.weft.engine.RunState;
import dev.weft.engine.RunStatus;
import dev.weft.engine.RunWorkflow;
import dev.weft.engine.Updates;
import dev.weft.node.NodeRegistry;
import dev.weft.security.WeftPrincipal;
import dev.weft.store.AuditLog;
import dev.weft.store.RunRecord;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * People acting on runs: decisions and form submissions on waiting nodes, pause and resume. Each goes to
 * the run as a Temporal Update whose validator is the authority; the same rules are checked on the
 * run's queried state first, so an obvious refusal costs no update. Every attempt, allowed or not, is
 * audited with the principal, the request and how long it took.
 *
 * <p>Refusals are {@link DomainException}s; the audit records the status of the answer each gets, which
 * the API decides ({@code statusOf}), so this layer holds no HTTP mapping of its own.
 */
public class HumanTaskService {
  private final WorkflowClient client;
  private final RunService runs;
  private final AuditLog audit;
  private final NodeRegistry registry;
  private final int maxValuesBytes;
  private final ToIntFunction<DomainException.Kind> statusOf;

  /**
   * @param statusOf the status of the answer to a refusal of each kind (the API's mapping), which the audit
   *     records with the refusal's code
   */
  public HumanTaskService(WorkflowClient client, RunService runs, AuditLog audit, NodeRegistry registry, int maxValuesBytes,
      ToIntFunction<DomainException.Kind> statusOf) {
    this.client = client;
    this.runs = runs;
    this.audit = audit;
    this.registry = registry;
    this.maxValuesBytes = maxValuesBytes;
    this.statusOf = statusOf;
  }

  /** What a run sees of a principal: its id, its roles with the ones they include, its groups. */
  static Actor actor(WeftPrincipal p) {
    WeftPrincipal all = p.withImpliedRoles();
    return new Actor(all.id(), all.roles(), all.groups());
  }

  /** A decision ({@code approve}, {@code reject}, {@code retry}, {@code skip}, {@code stop}) or a form's {@code submit}. */
  public JsonNode decide(String runId, String nodeId, WeftPrincipal caller, HumanInput.Builder input) {
    HumanInput h = input.build(nodeId, actor(caller));
    ObjectNode details = Json.object();
    details.put("decision", h.action());
    if (h.comment() != null) details.put("comment", h.comment());
    if (h.values() != null) details.set("values", h.values());
    if (h.config() != null) details.set("config", h.config());
    String action = "submit".equals(h.action()) ? "node.submit" : "node.decision";
    return audited(caller, action, runId, nodeId, details, () -> {
      RunWorkflow run = open(runId, HumanFailures.NOT_WAITING);
      RunState state = query(run, runId);
      NodeState node = state.nodes().get(nodeId);
      refuseIf(() -> HumanTaskRules.check(nodeId, node == null ? null : HumanTaskRules.of(node), h, state.startedBy(), registry,
          maxValuesBytes));
      return send(() -> run.decide(h), runId, HumanFailures.NOT_WAITING);
    });
  }

  /** Pauses ({@code pause = true}) or resumes a run; answers its status. */
  public JsonNode control(String runId, boolean pause, WeftPrincipal caller, String reason) {
    ObjectNode details = Json.object();
    if (reason != null) details.put("reason", reason);
    return audited(caller, pause ? "run.pause" : "run.resume", runId, null, details, () -> {
      RunWorkflow run = open(runId, HumanFailures.RUN_NOT_RUNNING);
      refuseIf(() -> HumanTaskRules.checkPause(query(run, runId).status(), pause));
      ControlInput c = new ControlInput(new Actor(caller.id(), caller.roles(), caller.groups()), reason);
      RunStatus status = send(() -> pause ? run.pause(c) : run.resume(c), runId, HumanFailures.RUN_NOT_RUNNING);
      ObjectNode out = Json.object();
      out.put("runId", runId);
      out.put("status", status.name());
      return out;
    });
  }

  private RunWorkflow open(String runId, String endedCode) {
    RunRecord r = runs.record(runId);
    if (RunService.ENDED.contains(r.status())) {
      throw DomainException.conflict("path.runId", endedCode, "run '" + runId + "' has ended (" + r.status() + ")");
    }
    return client.newWorkflowStub(RunWorkflow.class, runId);
  }

  private static RunState query(RunWorkflow run, String runId) {
    try {
      return run.state();
    } catch (WorkflowNotFoundException e) {
      throw DomainException.conflict("path.runId", HumanFailures.RUN_NOT_RUNNING, "Temporal no longer knows run '" + runId + "'");
    }
  }

  private static void refuseIf(Runnable check) {
    try {
      check.run();
    } catch (ApplicationFailure f) {
      throw problem(HumanFailures.refusal(f).orElseThrow());
    }
  }

  private static <T> T send(Supplier<T> update, String runId, String changedCode) {
    try {
      return Updates.send(update);
    } catch (WorkflowUpdateException e) {
      throw problem(HumanFailures.refusal(e).orElse(new HumanFailures.Refusal(changedCode, "the run refused the request", List.of())));
    } catch (WorkflowNotFoundException e) {
      // The in-process server loses updates its workflow rejected at once (see Updates): the run's state
      // changed between the check and the update.
      throw DomainException.conflict("path.runId", changedCode, "run '" + runId + "' changed meanwhile; read its state and try again");
    }
  }

  /** The kind of each refusal code. */
  static DomainException.Kind kind(String code) {
    return switch (code) {
      case HumanFailures.NODE_NOT_FOUND -> DomainException.Kind.NOT_FOUND;
      case HumanFailures.FORBIDDEN, HumanFailures.SELF_APPROVAL -> DomainException.Kind.FORBIDDEN;
      case HumanFailures.INVALID, HumanFailures.FORM_INVALID, HumanFailures.CONFIG_INVALID -> DomainException.Kind.INVALID;
      default -> DomainException.Kind.CONFLICT;
    };
  }

  private static DomainException problem(HumanFailures.Refusal r) {
    String path = switch (r.code()) {
      case HumanFailures.NODE_NOT_FOUND, HumanFailures.NOT_WAITING, HumanFailures.ALREADY_DECIDED -> "path.nodeId";
      case HumanFailures.FORBIDDEN, HumanFailures.SELF_APPROVAL -> "header.Authorization";
      case HumanFailures.RUN_NOT_RUNNING, HumanFailures.RUN_NOT_PAUSED, HumanFailures.RUN_PAUSED -> "path.runId";
      default -> r.errors().isEmpty() ? "" : r.errors().getFirst().path();
    };
    List<Violation> errors = r.errors().isEmpty() ? List.of(Violation.of(path, r.code(), r.message())) : r.errors();
    return new DomainException(kind(r.code()), r.code(), r.message(), errors, Map.of());
  }

  /**
   * Runs {@code work} and audits it, allowed or refused, with the answer's status and code ({@link AuditLog}
   * adds the request and how long it took).
   */
  private JsonNode audited(WeftPrincipal caller, String action, String runId, String nodeId, ObjectNode details,
      Supplier<JsonNode> work) {
    int status = 200;
    String code = null;
    try {
      return work.get();
    } catch (DomainException p) {
      status = statusOf.applyAsInt(p.kind());
      code = p.code();
      throw p;
    } catch (RuntimeException e) {
      status = 500;
      code = e.getClass().getSimpleName();
      throw e;
    } finally {
      details.put("status", status);
      if (code != null) details.put("code", code);
      audit.record(caller.id(), action, "run", runId, runId, nodeId, details);
    }
  }
}
