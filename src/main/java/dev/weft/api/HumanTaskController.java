package dev.weft.api;

import dev.weft.engine.HumanInput;
import dev.weft.security.WeftPrincipal;
import dev.weft.service.HumanTaskService;
import dev.weft.store.HumanTaskStore;
import dev.weft.config.ServesApi;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * People in the loop over REST: decisions and form submissions on waiting nodes (answered
 * synchronously through a Temporal Update), pause and resume, and the inbox of human tasks.
 */
@RestController
@ServesApi
@Tag(name = "People in the loop")
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
public class HumanTaskController {
  private static final Set<String> DECISION_FIELDS = Set.of("decision", "comment", "output", "config");
  private static final Set<String> SUBMIT_FIELDS = Set.of("values", "comment");
  private static final Set<String> CONTROL_FIELDS = Set.of("reason");

  private final HumanTaskService service;
  private final HumanTaskStore inbox;
  private final Paging paging;

  public HumanTaskController(HumanTaskService service, HumanTaskStore inbox, Paging paging) {
    this.service = service;
    this.inbox = inbox;
    this.paging = paging;
  }

  /** The documented shape of a decision. */
  record DecisionRequest(
      @Schema(description = "approve | reject (approval); retry | skip | stop (a node asking after a failure)",
          requiredMode = Schema.RequiredMode.REQUIRED) String decision,
      @Schema(description = "shown in the node's output and the audit trail, at most 4000 characters") String comment,
      @Schema(description = "skip: the node's substitute output") Object output,
      @Schema(description = "retry: the node's edited config, validated against its type's schema") Object config) {}

  @Operation(summary = "Decide on a waiting node", description = "Approve or reject an approval; retry, skip or stop a "
      + "node that asks after a failure (onError: ask). 200 with the outcome once the run took the decision; 403 "
      + "decision.forbidden / decision.self_approval, 409 decision.not_waiting / decision.already_decided, 400 "
      + "decision.invalid / decision.config_invalid, 404 node.not_found. Audited.")
  @PostMapping("/api/runs/{runId}/nodes/{nodeId}/decision")
  JsonNode decide(@PathVariable String runId, @PathVariable String nodeId,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @io.swagger.v3.oas.annotations.media.Content(
          mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = DecisionRequest.class)))
      @RequestBody(required = false) String body, @RequestHeader(value = "Content-Type", required = false) String contentType,
      @AuthenticationPrincipal WeftPrincipal caller) {
    JsonNode n = JsonBodies.object(body, contentType, DECISION_FIELDS, "a decision", "{decision, comment?, output?, config?}");
    JsonNode decision = n.get("decision");
    if (decision == null || !decision.isString() || decision.asString().isBlank()) {
      throw ApiProblem.badRequest("/decision", "decision.invalid", "decision is required: approve, reject, retry, skip or stop");
    }
    if ("submit".equals(decision.asString())) {
      throw ApiProblem.badRequest("/decision", "decision.invalid", "forms are submitted with POST .../submit");
    }
    return service.decide(runId, nodeId, caller, new HumanInput.Builder(decision.asString(), comment(n), n.get("output"),
        n.get("config")));
  }

  /** The documented shape of a form submission. */
  record SubmitRequest(
      @Schema(description = "the form's values, validated against its fields schema", requiredMode = Schema.RequiredMode.REQUIRED)
      Map<String, Object> values,
      @Schema(description = "kept in the audit trail") String comment) {}

  @Operation(summary = "Submit a form", description = "The values are validated against the form's schema: 400 "
      + "form.invalid lists every problem by path (/values/<field>). 200 once the run took them. Audited.")
  @PostMapping("/api/runs/{runId}/nodes/{nodeId}/submit")
  JsonNode submit(@PathVariable String runId, @PathVariable String nodeId,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @io.swagger.v3.oas.annotations.media.Content(
          mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = SubmitRequest.class)))
      @RequestBody(required = false) String body, @RequestHeader(value = "Content-Type", required = false) String contentType,
      @AuthenticationPrincipal WeftPrincipal caller) {
    JsonNode n = JsonBodies.object(body, contentType, SUBMIT_FIELDS, "a submission", "{values, comment?}");
    JsonNode values = n.get("values");
    if (values == null || !values.isObject()) throw ApiProblem.badRequest("/values", "json.type", "values is an object of the form's fields");
    return service.decide(runId, nodeId, caller, new HumanInput.Builder("submit", comment(n), values, null));
  }

  /** The documented shape of a pause or resume. */
  record ControlRequest(@Schema(description = "why; kept in the event log and the audit trail") String reason) {}

  @Operation(summary = "Pause a run", description = "Stops scheduling new nodes; running activities finish and waiting "
      + "nodes keep accepting decisions. 409 run.already_paused / run.not_running. Audited.")
  @PostMapping("/api/runs/{runId}/pause")
  JsonNode pause(@PathVariable String runId,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(required = false, content = @io.swagger.v3.oas.annotations.media.Content(
          mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ControlRequest.class)))
      @RequestBody(required = false) String body, @RequestHeader(value = "Content-Type", required = false) String contentType,
      @AuthenticationPrincipal WeftPrincipal caller) {
    return service.control(runId, true, caller, reason(body, contentType));
  }

  @Operation(summary = "Resume a paused run", description = "Schedules what the pause held back. 409 run.not_paused / "
      + "run.not_running. Audited.")
  @PostMapping("/api/runs/{runId}/resume")
  JsonNode resume(@PathVariable String runId,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(required = false, content = @io.swagger.v3.oas.annotations.media.Content(
          mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ControlRequest.class)))
      @RequestBody(required = false) String body, @RequestHeader(value = "Content-Type", required = false) String contentType,
      @AuthenticationPrincipal WeftPrincipal caller) {
    return service.control(runId, false, caller, reason(body, contentType));
  }

  @Operation(summary = "The caller's inbox", description = "Human tasks across all runs that the caller may act on "
      + "(assigned by id, role or group; not its own runs' approvals unless self-approval is allowed; not already "
      + "decided), oldest first. status=pending (default) or closed.")
  @GetMapping("/api/approvals")
  Map<String, Object> approvals(@RequestParam(defaultValue = "pending") String status,
      @Parameter(description = "page size, 1 to weft.api.max-page-size (500)", schema = @Schema(minimum = "1", maximum = "500"))
      @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor,
      @AuthenticationPrincipal WeftPrincipal caller) {
    if (!status.equals("pending") && !status.equals("closed")) {
      throw ApiProblem.badRequest("query.status", "request.invalid_parameter", "status is pending or closed");
    }
    int n = paging.limit(limit);
    Instant afterOpened = null;
    String afterRun = null;
    String afterNode = null;
    if (cursor != null) {
      String[] parts = Paging.parts(cursor, 3);
      afterOpened = Paging.instant(parts[0]);
      afterRun = parts[1];
      afterNode = parts[2];
    }
    WeftPrincipal p = caller.withImpliedRoles();
    List<HumanTaskStore.Task> page = inbox.forPrincipal(p.id(), p.assigneeNames(), status, afterOpened, afterRun, afterNode, n);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tasks", page.stream().map(HumanTaskController::view).toList());
    if (page.size() == n) {
      HumanTaskStore.Task last = page.getLast();
      out.put("nextCursor", Paging.cursor(last.openedAt(), last.runId(), last.nodeId()));
    }
    return out;
  }

  private static Map<String, Object> view(HumanTaskStore.Task t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runId", t.runId());
    m.put("nodeId", t.nodeId());
    m.put("workflowId", t.workflowId());
    m.put("kind", t.kind());
    m.put("title", t.title());
    if (t.description() != null) m.put("description", t.description());
    m.put("actions", t.actions());
    m.put("assignees", t.assignees());
    m.put("since", t.openedAt());
    if (t.dueAt() != null) m.put("due", t.dueAt());
    if (t.startedBy() != null) m.put("startedBy", t.startedBy());
    m.put("decidedBy", t.decidedBy());
    if (t.details() != null) m.put("details", t.details());
    m.put("status", t.status());
    if (t.closedAt() != null) m.put("closedAt", t.closedAt());
    String verb = "form".equals(t.kind()) ? "submit" : "decision";
    m.put("href", "/api/runs/" + t.runId() + "/nodes/" + t.nodeId() + "/" + verb);
    return m;
  }

  private static String comment(JsonNode n) {
    JsonNode c = n.get("comment");
    if (c == null || c.isNull()) return null;
    if (!c.isString()) throw ApiProblem.badRequest("/comment", "json.type", "comment is a string");
    return c.asString();
  }

  private static String reason(String body, String contentType) {
    if (body == null || body.isBlank()) return null;
    JsonNode r = JsonBodies.object(body, contentType, CONTROL_FIELDS, "a pause or resume", "{reason?}").get("reason");
    if (r == null || r.isNull()) return null;
    if (!r.isString()) throw ApiProblem.badRequest("/reason", "json.type", "reason is a string");
    if (r.asString().length() > 4000) throw ApiProblem.badRequest("/reason", "limit.comment", "a reason is at most 4000 characters");
    return r.asString();
  }


}
