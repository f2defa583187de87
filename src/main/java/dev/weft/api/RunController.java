package dev.weft.api;

import dev.weft.config.ServesApi;
import dev.weft.config.WeftProperties;
import dev.weft.definition.Durations;
import dev.weft.definition.Json;
import dev.weft.engine.RunStatus;
import dev.weft.limits.RateLimit;
import dev.weft.security.WeftPrincipal;
import dev.weft.service.RunService;
import dev.weft.store.EventStore;
import dev.weft.store.RunRecord;
import dev.weft.store.RunStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
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

/** Starting runs, reading their state and event log, and controlling them. */
@RestController
@ServesApi
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Runs")
public class RunController {
  private static final Set<String> START_FIELDS = Set.of("input", "version");

  private final RunService runs;
  private final RunStore index;
  private final EventStore events;
  private final Paging paging;
  private final WeftProperties props;

  public RunController(RunService runs, RunStore index, EventStore events, Paging paging, WeftProperties props) {
    this.runs = runs;
    this.index = index;
    this.events = events;
    this.paging = paging;
    this.props = props;
  }

  @Operation(summary = "Start a run", description = "Body {input, version?}. The same Idempotency-Key returns the same "
      + "run. With ?wait=PT30S the answer is 200 with the final state if the run ends in time, else 202.")
  @RateLimited(RateLimit.RUN_STARTS)
  @PostMapping(path = "/api/workflows/{id}/runs")
  ResponseEntity<Object> start(@PathVariable String id,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "{input, version?}", content = @Content(
          mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = StartRequest.class)))
      @RequestBody(required = false) String body,
      @RequestHeader(name = "Idempotency-Key", required = false) String key,
      @RequestHeader(name = "Content-Type", required = false) String contentType,
      @Parameter(description = "how long to wait for the end: PT30S or 30s, at most weft.api.max-wait", schema = @Schema(pattern = "^(P.*|[0-9]+(ms|s|m|h|d))$")) @RequestParam(required = false) String wait,
      @AuthenticationPrincipal WeftPrincipal caller) {
    Duration waitFor = waitParam(wait);
    JsonNode request = startBody(body, contentType);
    Integer version = request.has("version") ? request.get("version").asInt() : null;
    JsonNode input = request.has("input") ? request.get("input") : Json.object();
    RunService.Started started = runs.start(id, version, input, "/input", key, "api", caller.id());
    return answer(started.runId(), started.workflowId(), started.version(), started.replayed(), waitFor);
  }

  /** The documented shape of a start request (the body is read by hand, for exact error paths). */
  record StartRequest(@Schema(description = "the run's input: any JSON") Object input,
      @Schema(description = "a saved version; default the latest") Integer version) {}

  ResponseEntity<Object> answer(String runId, String workflowId, int version, boolean replayed, Duration waitFor) {
    Optional<RunService.Ended> ended = runs.await(runId, waitFor);
    if (ended.isEmpty() && replayed) {
      RunRecord r = runs.record(runId);
      if (r.state() != null) ended = Optional.of(new RunService.Ended(r.state(), null));
    }
    ResponseEntity.BodyBuilder b = ResponseEntity.status(ended.isPresent() ? HttpStatus.OK : HttpStatus.ACCEPTED)
        .location(URI.create("/api/runs/" + runId));
    if (replayed) b.header("Idempotent-Replayed", "true");
    if (ended.isPresent()) return b.body(ended.get().state());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runId", runId);
    m.put("workflowId", workflowId);
    m.put("version", version);
    m.put("status", RunStatus.RUNNING);
    return b.body(m);
  }

  Duration waitParam(String wait) {
    if (wait == null) return Duration.ZERO;
    Duration d;
    try {
      d = Durations.parse(wait);
    } catch (RuntimeException e) {
      throw ApiProblem.badRequest("query.wait", "request.invalid_parameter", "wait '" + wait + "' is not a duration such as PT30S or 30s");
    }
    if (d.compareTo(props.api().maxWait()) > 0) {
      throw ApiProblem.badRequest("query.wait", "request.invalid_parameter",
          "wait is at most " + Durations.format(props.api().maxWait()) + " (weft.api.max-wait)");
    }
    return d;
  }

  private JsonNode startBody(String body, String contentType) {
    if (body == null || body.isBlank()) return Json.object();
    JsonNode n = JsonBodies.object(body, contentType, START_FIELDS, "a run request", "{input, version?}");
    if (n.has("version") && (!n.get("version").canConvertToInt() || !n.get("version").isIntegralNumber() || n.get("version").asInt() < 1)) {
      throw ApiProblem.badRequest("/version", "json.type", "version is a positive integer");
    }
    return n;
  }

  @Operation(summary = "List runs", description = "Newest first; filter by workflowId, status and parentRunId (the runs "
      + "a run started: its subworkflow nodes' child runs, its error workflow's run); page with cursor.")
  @GetMapping("/api/runs")
  Map<String, Object> list(@RequestParam(required = false) String workflowId, @RequestParam(required = false) RunStatus status,
      @Parameter(description = "only the runs this run started") @RequestParam(required = false) String parentRunId,
      @Parameter(description = "page size, 1 to weft.api.max-page-size (500)", schema = @Schema(minimum = "1", maximum = "500")) @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
    int n = paging.limit(limit);
    Instant before = null;
    String beforeRun = null;
    if (cursor != null) {
      String[] parts = Paging.parts(cursor, 2);
      before = Paging.instant(parts[0]);
      beforeRun = parts[1];
    }
    List<RunRecord> page = index.list(workflowId, status, parentRunId, before, beforeRun, n);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("runs", page.stream().map(RunController::summary).toList());
    if (page.size() == n) {
      RunRecord last = page.getLast();
      out.put("nextCursor", Paging.cursor(last.startedAt(), last.runId()));
    }
    return out;
  }

  private static Map<String, Object> summary(RunRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runId", r.runId());
    m.put("workflowId", r.workflowId());
    m.put("version", r.version());
    m.put("status", r.status());
    m.put("trigger", r.trigger());
    if (r.parentRunId() != null) m.put("parentRunId", r.parentRunId());
    m.put("startedAt", r.startedAt());
    if (r.endedAt() != null) m.put("endedAt", r.endedAt());
    return m;
  }

  @Operation(summary = "A run's state", description = "The state query's answer while open, the stored final state "
      + "once ended: the same shape either way.")
  @GetMapping("/api/runs/{runId}")
  JsonNode get(@PathVariable String runId) {
    return runs.state(runId);
  }

  @Operation(summary = "A run's durable event log", description = "In order; page with ?after=<seq>.")
  @GetMapping("/api/runs/{runId}/events")
  Map<String, Object> events(@PathVariable String runId, @RequestParam(defaultValue = "0") long after,
      @Parameter(description = "page size, 1 to weft.api.max-page-size (500)", schema = @Schema(minimum = "1", maximum = "500")) @RequestParam(required = false) Integer limit) {
    runs.record(runId);
    int n = paging.limit(limit);
    var page = events.list(runId, after, n);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("events", page.stream().map(EventViews::view).toList());
    if (page.size() == n) out.put("nextAfter", page.getLast().seq());
    return out;
  }

  @Operation(summary = "Cancel a run", description = "Cancels its running activities and timers; 409 if it has ended.")
  @PostMapping("/api/runs/{runId}/cancel")
  ResponseEntity<Map<String, Object>> cancel(@PathVariable String runId, @AuthenticationPrincipal WeftPrincipal caller) {
    runs.cancel(runId, caller.id());
    return ResponseEntity.accepted().body(Map.of("runId", runId, "status", "CANCEL_REQUESTED"));
  }
}
