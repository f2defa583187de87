package dev.weft.service;

import dev.weft.domain.DomainException;
import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.definition.WorkflowDefinition;
import dev.weft.security.WeftPrincipal;
import dev.weft.validate.DefinitionValidator;
import dev.weft.validate.ValidationReport;
import dev.weft.store.AuditLog;
import dev.weft.store.VersionRecord;
import dev.weft.store.WorkflowRecord;
import dev.weft.store.WorkflowStore;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Saving workflows: every definition is validated in full before a version is written, by the validator
 * and against the store (the workflows its subworkflow nodes and onFailure name, {@link WorkflowReferences}).
 */
public class WorkflowService {
  private final DefinitionValidator validator;
  private final WorkflowStore store;
  private final AuditLog audit;
  private final ScheduleService schedules;
  private final WorkflowReferences references;
  private final long maxRequestBytes;

  public WorkflowService(DefinitionValidator validator, WorkflowStore store, AuditLog audit, ScheduleService schedules) {
    this(validator, store, audit, schedules, name -> true);
  }

  public WorkflowService(DefinitionValidator validator, WorkflowStore store, AuditLog audit, ScheduleService schedules,
      java.util.function.Predicate<String> credentialExists) {
    this(validator, store, audit, schedules, credentialExists, Integer.MAX_VALUE);
  }

  /**
   * {@code credentialExists} answers whether a credential a definition names (an http node's
   * {@code auth.credential}, a webhook's {@code verify.credential}) is stored; {@code maxRequestBytes} is
   * the largest request body the API takes, which a webhook trigger's {@code maxBodyBytes} may not exceed.
   */
  public WorkflowService(DefinitionValidator validator, WorkflowStore store, AuditLog audit, ScheduleService schedules,
      java.util.function.Predicate<String> credentialExists, long maxRequestBytes) {
    this(validator, store, audit, schedules, (CredentialAccess) (name, caller) ->
        credentialExists.test(name) ? CredentialService.Access.OK : CredentialService.Access.UNKNOWN, maxRequestBytes);
  }

  /** As above, with the caller's access to each named credential ({@link CredentialService#access}). */
  public WorkflowService(DefinitionValidator validator, WorkflowStore store, AuditLog audit, ScheduleService schedules,
      CredentialAccess credentials, long maxRequestBytes) {
    this.validator = validator;
    this.store = store;
    this.audit = audit;
    this.schedules = schedules;
    this.references = new WorkflowReferences(store, credentials);
    this.maxRequestBytes = maxRequestBytes;
  }

  /** Whether {@code caller} may name credential {@code name} in a definition ({@link CredentialService#access}). */
  public interface CredentialAccess {
    CredentialService.Access access(String name, WeftPrincipal caller);
  }

  /** A saved version, and whether this call changed anything. */
  public record Saved(WorkflowRecord workflow, VersionRecord version, boolean changed) {}

  /**
   * Every violation saving {@code body} as {@code caller} would meet, as {@code POST /api/workflows}
   * would save it (under its {@code id}, else the id its name gives).
   */
  public ValidationReport validate(String body, WeftPrincipal caller) {
    ValidationReport report = validator.validate(body);
    return withReferences(report, idOf(report.definition()), caller);
  }

  public Saved create(String body, WeftPrincipal caller) {
    ValidationReport report = validator.validate(body);
    String id = idOf(report.definition());
    WorkflowDefinition def = valid(withReferences(report, id, caller)).withId(id);
    String principal = caller.id();
    VersionRecord v = store.create(id, def, RunLauncher.contentHash(def), principal);
    audit.record(principal, "workflow.create", "workflow", id, null, null, Json.MAPPER.valueToTree(Map.of("version", 1)));
    schedules.sync(v, false);
    return new Saved(workflow(id), v, true);
  }

  public Saved update(String id, String body, WeftPrincipal caller) {
    String principal = caller.id();
    WorkflowDefinition def = valid(withReferences(validator.validate(body), id, caller));
    if (def.id() != null && !def.id().equals(id)) {
      throw DomainException.invalid("/id", "definition.id_mismatch",
          "the definition's id '" + def.id() + "' is not the workflow '" + id + "' of the URL");
    }
    int before = workflow(id).latestVersion();
    boolean hadSchedule = store.version(id, before).map(p -> ScheduleService.isSchedule(p.definition().trigger())).orElse(false);
    def = def.withId(id);
    VersionRecord v = store.addVersion(id, def, RunLauncher.contentHash(def), principal);
    boolean changed = v.version() > before;
    if (changed) {
      audit.record(principal, "workflow.update", "workflow", id, null, null,
          Json.MAPPER.valueToTree(Map.of("version", v.version())));
    }
    if (changed || ScheduleService.isSchedule(def.trigger())) {
      // Also when nothing changed: saving a scheduled definition again repairs a schedule an outage left stale.
      schedules.sync(v, hadSchedule);
    } else {
      schedules.removeQuietly(id);
    }
    return new Saved(workflow(id), v, changed);
  }

  public void archive(String id, String principal) {
    workflow(id);
    if (store.archive(id)) audit.record(principal, "workflow.archive", "workflow", id, null, null, null);
    schedules.remove(id);
  }

  /** The schedule of a workflow that is not archived (404 {@code schedule.not_found} otherwise). */
  public Map<String, Object> schedule(String id) {
    return schedules.describe(scheduled(id));
  }

  public Map<String, Object> pauseSchedule(String id, String note, String principal) {
    return schedules.pause(scheduled(id), note, principal);
  }

  public Map<String, Object> unpauseSchedule(String id, String note, String principal) {
    return schedules.unpause(scheduled(id), note, principal);
  }

  private String scheduled(String id) {
    if (workflow(id).archived()) {
      throw DomainException.notFound("path.id", "schedule.not_found", "workflow '" + id + "' is archived and has no schedule");
    }
    return id;
  }

  public WorkflowRecord workflow(String id) {
    return store.find(id).orElseThrow(() -> DomainException.notFound("path.id", "workflow.not_found", "no workflow '" + id + "'"));
  }

  public VersionRecord version(String id, int version) {
    return version(id, version, "path.version");
  }

  /** A version of a workflow; 404 {@code version.not_found} at {@code path} (where the request named it). */
  public VersionRecord version(String id, int version, String path) {
    workflow(id);
    return store.version(id, version).orElseThrow(() -> DomainException.notFound(path, "version.not_found",
        "workflow '" + id + "' has no version " + version));
  }

  public List<VersionRecord> versions(String id) {
    workflow(id);
    return store.versions(id);
  }

  public List<WorkflowRecord> list(boolean includeArchived, int limit, int offset) {
    return store.list(includeArchived, limit, offset);
  }

  /** The id a definition is saved under: its own, else one from its name; null without either. */
  private static String idOf(WorkflowDefinition def) {
    if (def == null) return null;
    if (def.id() != null) return def.id();
    return def.name() == null || def.name().isBlank() ? null : slug(def.name());
  }

  /**
   * The report with the violations of the definition's references to saved workflows and credentials
   * added, and of a webhook's {@code maxBodyBytes} over this API's request limit.
   */
  private ValidationReport withReferences(ValidationReport report, String id, WeftPrincipal caller) {
    if (report.definition() == null) return report;
    List<Violation> found = new ArrayList<>(references.check(report.definition(), id, caller));
    dev.weft.definition.TriggerDef trigger = report.definition().trigger();
    if (trigger != null && "webhook".equals(trigger.type()) && trigger.maxBodyBytes() != null
        && trigger.maxBodyBytes() > maxRequestBytes) {
      found.add(Violation.of("/trigger/maxBodyBytes", "trigger.max_body_invalid", "maxBodyBytes must be at most "
          + maxRequestBytes + " (weft.api.max-request-bytes, which every request body is held to first)"));
    }
    if (found.isEmpty()) return report;
    List<Violation> all = new ArrayList<>(report.errors());
    all.addAll(found);
    return new ValidationReport(report.definition(), all);
  }

  private static WorkflowDefinition valid(ValidationReport report) {
    if (!report.valid()) {
      throw DomainException.invalid("definition.invalid", report.errors().size() + " problem(s) in the definition", report.errors());
    }
    return report.definition();
  }

  /** A workflow id from a name: "Expense approval" → "expense-approval". */
  public static String slug(String name) {
    String ascii = Normalizer.normalize(name, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
    String s = ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
    if (s.isEmpty() || !Character.isLetter(s.charAt(0))) s = "workflow-" + s;
    s = s.replaceAll("-+$", "");
    return s.length() > 64 ? s.substring(0, 64).replaceAll("-+$", "") : s;
  }
}
