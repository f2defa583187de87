package dev.weft.service;

import dev.weft.domain.DomainException;
import dev.weft.definition.Durations;
import dev.weft.definition.Json;
import dev.weft.definition.TriggerDef;
import dev.weft.engine.DefinitionSnapshot;
import dev.weft.engine.RunInput;
import dev.weft.engine.TemporalNames;
import dev.weft.security.WeftPrincipal;
import dev.weft.store.AuditLog;
import dev.weft.store.VersionRecord;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionExecution;
import io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow;
import io.temporal.client.schedules.ScheduleActionResult;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleOptions;
import dev.weft.domain.Tenants;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.client.schedules.ScheduleUpdate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Schedule triggers as Temporal Schedules: one schedule per workflow ({@code weft-schedule-<workflowId>})
 * whose action starts the interpreter with the frozen definition of the version that was saved. Saving a
 * version with a {@code schedule} trigger creates or updates it (keeping its paused state); a version
 * without one, or archiving the workflow, deletes it.
 *
 * <p>The in-process test server of the embedded mode does not implement schedules: saving still works
 * (a warning is logged) and the schedule endpoints answer 501 {@code schedule.unsupported}.
 */
public class ScheduleService {
  private static final Logger log = LoggerFactory.getLogger(ScheduleService.class);
  /** Runs missed while Temporal was down are started late only within this window (Temporal's minimum is 10 s). */
  static final Duration CATCHUP_WINDOW = Duration.ofMinutes(1);
  private static final int RECENT_ACTIONS = 10;
  private static final int NEXT_TIMES = 5;

  private final ScheduleClient schedules;
  private final RunLauncher launcher;
  private final AuditLog audit;
  private final AtomicBoolean unsupported = new AtomicBoolean();

  public ScheduleService(ScheduleClient schedules, RunLauncher launcher, AuditLog audit) {
    this.schedules = schedules;
    this.launcher = launcher;
    this.audit = audit;
  }

  /** The Temporal Schedule id of a workflow of the current tenant (see {@link Tenants#temporalId}). */
  public static String scheduleId(String workflowId) {
    return Tenants.temporalId("weft-schedule-" + workflowId);
  }

  /**
   * The workflow id prefix of scheduled runs; Temporal appends the scheduled time, so a run's id is
   * {@code <workflowId>-scheduled-<RFC 3339 time>}.
   */
  public static String runIdPrefix(String workflowId) {
    return Tenants.temporalId(workflowId + "-scheduled");
  }

  /** Whether a trigger is a schedule. */
  public static boolean isSchedule(TriggerDef t) {
    return t != null && "schedule".equals(t.type());
  }

  /**
   * Makes Temporal match the version just saved: creates or updates the schedule when its trigger is a
   * schedule (a paused schedule stays paused); otherwise deletes it when {@code mayHaveSchedule} (the
   * version before had one), so saving workflows that never had a schedule does not need Temporal. A
   * server without schedules is logged, not refused: the version is saved either way. Errors reaching
   * Temporal propagate (503), after the version was saved: saving it again repairs the schedule.
   */
  public void sync(VersionRecord v, boolean mayHaveSchedule) {
    TriggerDef t = v.definition().trigger();
    boolean scheduled = isSchedule(t);
    if (!scheduled && !mayHaveSchedule) return;
    try {
      if (scheduled) upsert(v, t);
      else delete(v.workflowId());
    } catch (RuntimeException e) {
      if (!isUnimplemented(e)) throw unwrapped(e);
      if (scheduled && unsupported.compareAndSet(false, true)) {
        log.warn("this Temporal server does not implement schedules (the embedded test server): workflow '{}' is saved, "
            + "but its schedule trigger starts no runs; point Weft at a Temporal server (TEMPORAL_ADDRESS) for schedules",
            v.workflowId());
      }
    }
  }

  /** Deletes the workflow's schedule, if there is one (archiving: always asks Temporal). */
  public void remove(String workflowId) {
    try {
      delete(workflowId);
    } catch (RuntimeException e) {
      if (!isUnimplemented(e)) throw unwrapped(e);
    }
  }

  /**
   * Best effort: deletes a schedule an earlier failed save may have left behind. For an unchanged
   * re-save without schedule trigger, which must not fail because Temporal is away.
   */
  public void removeQuietly(String workflowId) {
    try {
      remove(workflowId);
    } catch (RuntimeException e) {
      log.warn("could not check for a stale schedule of workflow '{}': {}", workflowId, e.toString());
    }
  }

  private void upsert(VersionRecord v, TriggerDef t) {
    String id = scheduleId(v.workflowId());
    Schedule wanted = schedule(v, t, ScheduleState.newBuilder().build());
    try {
      schedules.createSchedule(id, wanted, ScheduleOptions.newBuilder().build());
      log.info("schedule {} created for workflow '{}' v{}", id, v.workflowId(), v.version());
    } catch (ScheduleAlreadyRunningException e) {
      schedules.getHandle(id).update(in -> new ScheduleUpdate(
          schedule(v, t, in.getDescription().getSchedule().getState())));
      log.info("schedule {} updated to workflow '{}' v{}", id, v.workflowId(), v.version());
    }
  }

  private void delete(String workflowId) {
    try {
      schedules.getHandle(scheduleId(workflowId)).delete();
      log.info("schedule {} deleted", scheduleId(workflowId));
    } catch (RuntimeException e) {
      if (!isStatus(e, Status.Code.NOT_FOUND)) throw e;
    }
  }

  /** The schedule of a saved version: its spec, the action that starts the frozen definition, and a state. */
  Schedule schedule(VersionRecord v, TriggerDef t, ScheduleState state) {
    ScheduleSpec.Builder spec = ScheduleSpec.newBuilder();
    if (t.cron() != null) spec.setCronExpressions(List.of(t.cron()));
    if (t.every() != null) spec.setIntervals(List.of(new ScheduleIntervalSpec(Durations.parse(t.every()))));
    if (t.timezone() != null) spec.setTimeZoneName(t.timezone());
    DefinitionSnapshot snapshot = new DefinitionSnapshot(v.workflowId(), v.version(), v.contentHash(), v.definition());
    ScheduleActionStartWorkflow action = ScheduleActionStartWorkflow.newBuilder()
        .setWorkflowType(TemporalNames.WORKFLOW_TYPE)
        // Both summary and details: the SDK (1.38) cannot describe a schedule whose action has only one of them.
        .setOptions(launcher.runOptions(snapshot, runIdPrefix(v.workflowId()))
            .setStaticDetails("Started by the Temporal Schedule " + scheduleId(v.workflowId()) + " of Weft workflow '"
                + v.workflowId() + "' v" + v.version() + " (its schedule trigger)")
            .build())
        .setArguments(new RunInput(snapshot, JsonNodeFactory.instance.objectNode(), WeftPrincipal.SYSTEM.id(), "schedule"))
        .build();
    return Schedule.newBuilder()
        .setSpec(spec.build())
        .setAction(action)
        .setPolicy(SchedulePolicy.newBuilder()
            .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
            .setCatchupWindow(CATCHUP_WINDOW)
            .build())
        .setState(state)
        .build();
  }

  /** The schedule of a workflow as the API shows it. */
  public Map<String, Object> describe(String workflowId) {
    ScheduleDescription d = call(workflowId, () -> schedules.getHandle(scheduleId(workflowId)).describe());
    return view(workflowId, d);
  }

  public Map<String, Object> pause(String workflowId, String note, String principal) {
    String text = note == null || note.isBlank() ? "paused by " + principal + " through Weft" : note;
    call(workflowId, () -> {
      schedules.getHandle(scheduleId(workflowId)).pause(text);
      return null;
    });
    audit.record(principal, "schedule.pause", "workflow", workflowId, null, null,
        Json.MAPPER.valueToTree(Map.of("scheduleId", scheduleId(workflowId), "note", text)));
    return describe(workflowId);
  }

  public Map<String, Object> unpause(String workflowId, String note, String principal) {
    String text = note == null || note.isBlank() ? "unpaused by " + principal + " through Weft" : note;
    call(workflowId, () -> {
      schedules.getHandle(scheduleId(workflowId)).unpause(text);
      return null;
    });
    audit.record(principal, "schedule.unpause", "workflow", workflowId, null, null,
        Json.MAPPER.valueToTree(Map.of("scheduleId", scheduleId(workflowId), "note", text)));
    return describe(workflowId);
  }

  /** Calls Temporal, turning "no schedule" and "no schedules at all" into problems. */
  private <T> T call(String workflowId, Supplier<T> op) {
    try {
      return op.get();
    } catch (RuntimeException e) {
      if (isUnimplemented(e)) throw unsupportedProblem();
      if (isStatus(e, Status.Code.NOT_FOUND)) {
        throw DomainException.notFound("path.id", "schedule.not_found",
            "workflow '" + workflowId + "' has no schedule: its current version has no schedule trigger, or it is archived");
      }
      throw unwrapped(e);
    }
  }

  /** Temporal's gRPC status, which the API answers as 503 temporal.unavailable, rather than the SDK's wrapper. */
  private static RuntimeException unwrapped(RuntimeException e) {
    return statusOf(e).<RuntimeException>map(s -> s).orElse(e);
  }

  static DomainException unsupportedProblem() {
    return DomainException.of(DomainException.Kind.UNSUPPORTED, "", "schedule.unsupported",
        "this Temporal server does not implement schedules (the embedded mode's in-process test server); "
            + "run Weft against a Temporal server (TEMPORAL_ADDRESS) for schedule triggers");
  }

  private static Map<String, Object> view(String workflowId, ScheduleDescription d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("workflowId", workflowId);
    m.put("scheduleId", d.getId());
    Schedule s = d.getSchedule();
    RunInput frozen = null;
    if (s.getAction() instanceof ScheduleActionStartWorkflow a && a.getArguments() != null) {
      try {
        frozen = a.getArguments().get(0, RunInput.class);
      } catch (RuntimeException e) {
        log.debug("schedule {}: action arguments unreadable", d.getId(), e);
      }
    }
    if (frozen != null) m.put("version", frozen.definition().version());
    // The spec as the definition wrote it (Temporal answers a cron as structured calendars).
    Map<String, Object> spec = new LinkedHashMap<>();
    TriggerDef t = frozen == null ? null : frozen.definition().definition().trigger();
    if (t != null && "schedule".equals(t.type())) {
      if (t.cron() != null) spec.put("cron", t.cron());
      if (t.every() != null) spec.put("every", Durations.format(Durations.parse(t.every())));
      if (t.timezone() != null) spec.put("timezone", t.timezone());
    } else {
      ScheduleSpec sp = s.getSpec();
      if (sp.getIntervals() != null && !sp.getIntervals().isEmpty()) spec.put("every", Durations.format(sp.getIntervals().get(0).getEvery()));
      if (sp.getTimeZoneName() != null && !sp.getTimeZoneName().isEmpty()) spec.put("timezone", sp.getTimeZoneName());
    }
    m.put("spec", spec);
    ScheduleState st = s.getState();
    m.put("paused", st != null && st.isPaused());
    m.put("note", st == null || st.getNote() == null || st.getNote().isEmpty() ? null : st.getNote());
    m.put("actions", d.getInfo().getNumActions());
    m.put("skippedOverlap", d.getInfo().getNumActionsSkippedOverlap());
    m.put("missedCatchupWindow", d.getInfo().getNumActionsMissedCatchupWindow());
    List<java.time.Instant> next = d.getInfo().getNextActionTimes();
    m.put("nextActionTimes", next == null ? List.of() : next.stream().limit(NEXT_TIMES).toList());
    List<ScheduleActionResult> recent = d.getInfo().getRecentActions();
    m.put("recentActions", recent == null ? List.of() : recent.stream()
        .skip(Math.max(0, recent.size() - RECENT_ACTIONS))
        .map(r -> {
          Map<String, Object> a = new LinkedHashMap<>();
          a.put("scheduledAt", r.getScheduledAt());
          a.put("startedAt", r.getStartedAt());
          a.put("runId", runId(r.getAction()));
          return a;
        }).toList());
    List<ScheduleActionExecution> running = d.getInfo().getRunningActions();
    m.put("runningRuns", running == null ? List.of() : running.stream().map(ScheduleService::runId).toList());
    m.put("createdAt", d.getInfo().getCreatedAt());
    m.put("updatedAt", d.getInfo().getLastUpdatedAt());
    return m;
  }

  private static String runId(ScheduleActionExecution e) {
    return e instanceof ScheduleActionExecutionStartWorkflow w ? w.getWorkflowId() : null;
  }

  static boolean isUnimplemented(Throwable e) {
    return isStatus(e, Status.Code.UNIMPLEMENTED);
  }

  static boolean isStatus(Throwable e, Status.Code code) {
    return statusOf(e).map(s -> s.getStatus().getCode() == code).orElse(false);
  }

  private static Optional<StatusRuntimeException> statusOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException s) return Optional.of(s);
      if (t.getCause() == t) break;
    }
    return Optional.empty();
  }
}
