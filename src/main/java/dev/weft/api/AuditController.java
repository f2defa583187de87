package dev.weft.api;

import dev.weft.store.AuditLog;
import dev.weft.config.ServesApi;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The audit trail: decisions, form submissions, pause/resume/cancel, workflow and key changes, with
 * principal, time, run, node, request and response time. Newest first, filtered, as JSON or CSV.
 */
@RestController
@ServesApi
@Tag(name = "Audit")
public class AuditController {
  static final List<String> CSV_COLUMNS = List.of("id", "at", "principal", "action", "target_type", "target_id", "run_id",
      "node_id", "status", "code", "duration_ms", "details");

  private final AuditLog audit;
  private final Paging paging;

  public AuditController(AuditLog audit, Paging paging) {
    this.audit = audit;
    this.paging = paging;
  }

  @Operation(summary = "The audit trail", description = "Newest first. Filters: principal, action (exact, or a prefix "
      + "such as node), runId, targetType, since/until (ISO-8601). format=json (default) or csv (one row per entry; "
      + "status, code and duration_ms lifted out of details). Page with ?before=<id> (json: nextBefore).")
  @GetMapping(path = "/api/audit", produces = {MediaType.APPLICATION_JSON_VALUE, "text/csv"})
  ResponseEntity<Object> list(@RequestParam(required = false) String principal, @RequestParam(required = false) String action,
      @RequestParam(required = false) String runId, @RequestParam(required = false) String targetType,
      @RequestParam(required = false) String since, @RequestParam(required = false) String until,
      @RequestParam(required = false) Long before,
      @Parameter(description = "page size, 1 to weft.api.max-page-size (500)", schema = @Schema(minimum = "1", maximum = "500"))
      @RequestParam(required = false) Integer limit,
      @Parameter(schema = @Schema(allowableValues = {"json", "csv"})) @RequestParam(defaultValue = "json") String format) {
    if (!format.equals("json") && !format.equals("csv")) {
      throw ApiProblem.badRequest("query.format", "request.invalid_parameter", "format is json or csv");
    }
    int n = paging.limit(limit);
    List<AuditLog.Entry> page = audit.list(new AuditLog.Filter(principal, action, runId, targetType, instant("since", since),
        instant("until", until)), before, n);
    if (format.equals("csv")) {
      StringBuilder sb = new StringBuilder(String.join(",", CSV_COLUMNS)).append("\r\n");
      for (AuditLog.Entry e : page) {
        JsonNode d = e.details();
        sb.append(String.join(",", List.of(String.valueOf(e.id()), e.at().toString(), csv(e.principal()), csv(e.action()),
            csv(e.targetType()), csv(e.targetId()), csv(e.runId()), csv(e.nodeId()), csv(text(d, "status")), csv(text(d, "code")),
            csv(text(d, "durationMs")), csv(d == null ? null : d.toString())))).append("\r\n");
      }
      return ResponseEntity.ok().contentType(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
          .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"weft-audit.csv\"").body(sb.toString());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("entries", page);
    if (page.size() == n) out.put("nextBefore", page.getLast().id());
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(out);
  }

  private static String text(JsonNode d, String field) {
    return d == null || !d.hasNonNull(field) ? null : d.get(field).asString();
  }

  /** RFC 4180 quoting; a leading formula character is neutralised (spreadsheet injection). */
  static String csv(String v) {
    if (v == null) return "";
    String s = v;
    if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) s = "'" + s;
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") || !s.equals(v)) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }

  private static Instant instant(String name, String v) {
    if (v == null) return null;
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw ApiProblem.badRequest("query." + name, "request.invalid_parameter", name + " is an ISO-8601 instant such as 2026-01-31T00:00:00Z");
    }
  }
}
