package dev.weft.api;

import dev.weft.config.ServesApi;
import dev.weft.definition.Json;
import dev.weft.limits.RateLimit;
import dev.weft.validate.ValidationReport;
import dev.weft.security.WeftPrincipal;
import dev.weft.service.WorkflowService;
import dev.weft.store.VersionRecord;
import dev.weft.store.WorkflowRecord;
import dev.weft.definition.WorkflowDefinition;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Workflows and their versions. Bodies are read as text so the validator reports JSON errors with paths. */
@RestController
@ServesApi
@RequestMapping(path = "/api/workflows", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Workflows")
public class WorkflowController {
  private final WorkflowService workflows;
  private final Paging paging;

  public WorkflowController(WorkflowService workflows, Paging paging) {
    this.workflows = workflows;
    this.paging = paging;
  }

  @Operation(summary = "Create a workflow", description = "Validates the definition in full; 400 lists every error.")
  @RateLimited(RateLimit.SAVE)
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Map<String, Object>> create(@io.swagger.v3.oas.annotations.parameters.RequestBody(description = "a workflow definition (docs/definition-format.md)",
      content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = WorkflowDefinition.class)))
      @RequestBody String body, @AuthenticationPrincipal WeftPrincipal caller) {
    WorkflowService.Saved saved = workflows.create(body, caller);
    return ResponseEntity.created(URI.create("/api/workflows/" + saved.workflow().id())).body(view(saved.workflow(), saved.version()));
  }

  @Operation(summary = "List workflows")
  @GetMapping
  Map<String, Object> list(@RequestParam(defaultValue = "false") boolean archived,
      @Parameter(description = "page size, 1 to weft.api.max-page-size (500)", schema = @Schema(minimum = "1", maximum = "500")) @RequestParam(required = false) Integer limit, @RequestParam(defaultValue = "0") int offset) {
    int n = paging.limit(limit);
    if (offset < 0) throw ApiProblem.badRequest("query.offset", "request.invalid_parameter", "offset must not be negative");
    List<Map<String, Object>> items = workflows.list(archived, n, offset).stream().map(WorkflowController::summary).toList();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("workflows", items);
    if (items.size() == n) out.put("nextOffset", offset + n);
    return out;
  }

  @Operation(summary = "Read a workflow and its latest definition")
  @GetMapping("/{id}")
  Map<String, Object> get(@PathVariable String id) {
    WorkflowRecord w = workflows.workflow(id);
    return view(w, workflows.version(id, w.latestVersion()));
  }

  @Operation(summary = "Save a new version", description = "A new immutable version when the content changed; "
      + "runs already started stay on their version.")
  @RateLimited(RateLimit.SAVE)
  @PutMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> update(@PathVariable String id,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "a workflow definition (docs/definition-format.md)",
      content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = WorkflowDefinition.class)))
      @RequestBody String body, @AuthenticationPrincipal WeftPrincipal caller) {
    WorkflowService.Saved saved = workflows.update(id, body, caller);
    Map<String, Object> out = view(saved.workflow(), saved.version());
    out.put("changed", saved.changed());
    return out;
  }

  @Operation(summary = "Archive a workflow", description = "No new runs and no webhook; versions and runs stay readable.")
  @DeleteMapping("/{id}")
  ResponseEntity<Void> archive(@PathVariable String id, @AuthenticationPrincipal WeftPrincipal caller) {
    workflows.archive(id, caller.id());
    return ResponseEntity.noContent().build();
  }

  @Operation(summary = "The workflow's schedule", description = "For a workflow whose current version has a schedule "
      + "trigger: its Temporal Schedule's spec, paused state, next fire times and recent runs. 404 schedule.not_found "
      + "without one; 501 schedule.unsupported on the embedded in-process Temporal server.")
  @GetMapping("/{id}/schedule")
  Map<String, Object> schedule(@PathVariable String id) {
    return workflows.schedule(id);
  }

  @Operation(summary = "Pause the workflow's schedule", description = "No runs start until it is unpaused. Optional body "
      + "{note}. Audited as schedule.pause.")
  @PostMapping("/{id}/schedule/pause")
  Map<String, Object> pauseSchedule(@PathVariable String id,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(required = false, description = "{note?}", content = @Content(
          mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ScheduleNote.class)))
      @RequestBody(required = false) String body, @AuthenticationPrincipal WeftPrincipal caller) {
    return workflows.pauseSchedule(id, note(body), caller.id());
  }

  @Operation(summary = "Unpause the workflow's schedule", description = "Optional body {note}. Audited as schedule.unpause.")
  @PostMapping("/{id}/schedule/unpause")
  Map<String, Object> unpauseSchedule(@PathVariable String id,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(required = false, description = "{note?}", content = @Content(
          mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ScheduleNote.class)))
      @RequestBody(required = false) String body, @AuthenticationPrincipal WeftPrincipal caller) {
    return workflows.unpauseSchedule(id, note(body), caller.id());
  }

  /** The documented shape of a pause/unpause body. */
  record ScheduleNote(@Schema(description = "why; shown in the Temporal UI") String note) {}

  private static String note(String body) {
    if (body == null || body.isBlank()) return null;
    JsonNode json;
    try {
      json = Json.parse(body);
    } catch (JacksonException e) {
      throw ApiProblem.badRequest("", "json.syntax", "the body is not JSON");
    }
    if (!json.isObject()) throw ApiProblem.badRequest("", "json.type", "the body must be an object {note}");
    JsonNode note = json.get("note");
    if (note == null || note.isNull()) return null;
    if (!note.isString()) throw ApiProblem.badRequest("/note", "json.type", "note must be a string");
    if (note.stringValue().length() > 1000) throw ApiProblem.badRequest("/note", "request.invalid_parameter", "note is at most 1000 characters");
    return note.stringValue();
  }

  @Operation(summary = "Version history")
  @GetMapping("/{id}/versions")
  Map<String, Object> versions(@PathVariable String id) {
    return Map.of("versions", workflows.versions(id).stream().map(v -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("version", v.version());
      m.put("contentHash", v.contentHash());
      m.put("createdAt", v.createdAt());
      m.put("createdBy", v.createdBy());
      return m;
    }).toList());
  }

  @Operation(summary = "One version with its definition")
  @GetMapping("/{id}/versions/{version}")
  Map<String, Object> version(@PathVariable String id, @PathVariable int version) {
    return view(workflows.workflow(id), workflows.version(id, version));
  }

  @Operation(summary = "Validate without saving", description = "Always 200: {valid, errors[]}: what saving it as the "
      + "caller would report, the checks against saved workflows (subworkflow targets, onFailure) included.")
  @RateLimited(RateLimit.SAVE)
  @PostMapping(path = "/validate", consumes = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> validate(@io.swagger.v3.oas.annotations.parameters.RequestBody(description = "a workflow definition (docs/definition-format.md)",
      content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = WorkflowDefinition.class)))
      @RequestBody String body, @AuthenticationPrincipal WeftPrincipal caller) {
    ValidationReport report = workflows.validate(body, caller);
    return Map.of("valid", report.valid(), "errors", report.errors());
  }

  static Map<String, Object> summary(WorkflowRecord w) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", w.id());
    m.put("name", w.name());
    m.put("latestVersion", w.latestVersion());
    m.put("archived", w.archived());
    m.put("createdAt", w.createdAt());
    m.put("updatedAt", w.updatedAt());
    return m;
  }

  private static Map<String, Object> view(WorkflowRecord w, VersionRecord v) {
    Map<String, Object> m = summary(w);
    m.put("version", v.version());
    m.put("contentHash", v.contentHash());
    m.put("versionCreatedAt", v.createdAt());
    m.put("versionCreatedBy", v.createdBy());
    m.put("definition", v.definition());
    return m;
  }
}
