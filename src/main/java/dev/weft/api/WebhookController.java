package dev.weft.api;

import dev.weft.config.ServesApi;
import dev.weft.service.TenantService;
import dev.weft.domain.Tenants;
import dev.weft.definition.Json;
import dev.weft.limits.RateLimit;
import dev.weft.service.RunService;
import dev.weft.service.WebhookService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code POST /hooks/<path>}: starts the workflow listening on that path, once the request passed the
 * trigger's body limit and signature or token check. Answers with the run's {@code respond} output (and
 * status) when it ends within the trigger's {@code wait}, else 202 with the run id. Bodies may be JSON,
 * form-encoded or text.
 */
@RestController
@ServesApi
@Tag(name = "Webhooks")
public class WebhookController {
  private final WebhookService hooks;
  private final RunService runs;
  private final TenantService tenants;

  public WebhookController(WebhookService hooks, RunService runs, TenantService tenants) {
    this.hooks = hooks;
    this.runs = runs;
    this.tenants = tenants;
  }

  @Operation(summary = "Trigger a workflow of a tenant by webhook", description = "As POST /hooks/{path}, for the "
      + "workflows of tenant {tenant} (/hooks/{path} is the default tenant's). 404 webhook.not_found also when the "
      + "tenant does not exist or is disabled.")
  @RateLimited(RateLimit.WEBHOOK)
  @PostMapping(path = "/tenants/{tenant}/hooks/{*path}", consumes = {MediaType.APPLICATION_JSON_VALUE,
      MediaType.APPLICATION_FORM_URLENCODED_VALUE, MediaType.TEXT_PLAIN_VALUE, MediaType.ALL_VALUE},
      produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Object> tenantHook(@PathVariable String tenant, @PathVariable String path,
      @RequestBody(required = false) byte[] body, @RequestHeader(name = "Idempotency-Key", required = false) String key,
      HttpServletRequest request) {
    if (!tenants.active(tenant)) {
      throw ApiProblem.of(HttpStatus.NOT_FOUND, "path.path", "webhook.not_found", "no active workflow listens on this path");
    }
    try (Tenants.Scope ignored = Tenants.open(tenant)) {
      return hook(path, body, key, request);
    }
  }

  @Operation(summary = "Trigger a workflow by webhook")
  @RateLimited(RateLimit.WEBHOOK)
  @PostMapping(path = "/hooks/{*path}", consumes = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_FORM_URLENCODED_VALUE,
      MediaType.TEXT_PLAIN_VALUE, MediaType.ALL_VALUE}, produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Object> hook(@PathVariable String path, @RequestBody(required = false) byte[] body,
      @RequestHeader(name = "Idempotency-Key", required = false) String key,
      HttpServletRequest request) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    Map<String, String> headers = new LinkedHashMap<>();
    for (String name : Collections.list(request.getHeaderNames())) headers.put(name, request.getHeader(name));
    Map<String, Object> query = query(request);
    String contentType = request.getContentType();
    // The raw bytes go to the service: a signature is over the body exactly as received, checked before parsing.
    WebhookService.Triggered t = hooks.trigger(p, body == null ? new byte[0] : body, raw -> body(raw, contentType), query,
        headers, key);
    RunService.Started run = t.run();
    Optional<RunService.Ended> ended = runs.await(run.runId(), t.responseWait());
    if (ended.isEmpty()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("runId", run.runId());
      m.put("workflowId", run.workflowId());
      m.put("status", "RUNNING");
      return ResponseEntity.accepted().location(URI.create("/api/runs/" + run.runId())).body(m);
    }
    if (!ended.get().completed()) {
      throw ApiProblem.of(HttpStatus.BAD_GATEWAY, "", "run.failed", "the workflow run " + run.runId() + " did not complete")
          .with("runId", run.runId()).with("state", ended.get().state());
    }
    Integer status = ended.get().result().responseStatus();
    JsonNode output = ended.get().result().output();
    return ResponseEntity.status(status == null ? 200 : status).header("Weft-Run-Id", run.runId())
        .body(output == null ? JsonNodeFactory.instance.nullNode() : output);
  }

  /** Query parameters from the raw query string: form fields of the body are not mixed in. */
  private static Map<String, Object> query(HttpServletRequest request) {
    return request.getQueryString() == null ? new LinkedHashMap<>() : decode(request.getQueryString());
  }

  /** {@code a=1&b=2&b=3} → {@code {"a": "1", "b": ["2", "3"]}}. */
  private static Map<String, Object> decode(String encoded) {
    Map<String, Object> out = new LinkedHashMap<>();
    UriComponentsBuilder.newInstance().query(encoded).build(true).getQueryParams().forEach((k, vs) -> {
      List<String> values = vs.stream().map(v -> v == null ? "" : URLDecoder.decode(v, StandardCharsets.UTF_8)).toList();
      out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), values.size() == 1 ? values.getFirst() : values);
    });
    return out;
  }

  private static JsonNode body(byte[] body, String contentType) {
    if (body == null || body.length == 0) return JsonNodeFactory.instance.nullNode();
    String text = new String(body, StandardCharsets.UTF_8);
    MediaType type;
    try {
      type = contentType == null ? MediaType.APPLICATION_OCTET_STREAM : MediaType.parseMediaType(contentType);
    } catch (org.springframework.http.InvalidMediaTypeException e) {
      // An empty or unparsable Content-Type (a fuzzer's "Content-Type: ;"): a 415 like any other unknown type.
      throw ApiProblem.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "header.Content-Type", "media_type.unsupported",
          "a webhook body is JSON, form-encoded or text; the Content-Type '" + contentType + "' cannot be parsed");
    }
    if (type.isCompatibleWith(MediaType.APPLICATION_JSON) || type.getSubtype().endsWith("+json")) {
      try {
        return Json.parse(text);
      } catch (JacksonException e) {
        throw ApiProblem.badRequest("", "json.syntax", "the webhook body is not valid JSON: " + e.getOriginalMessage());
      }
    }
    if (type.isCompatibleWith(MediaType.APPLICATION_FORM_URLENCODED)) return Json.MAPPER.valueToTree(decode(text));
    if (type.getType().equals("text")) return JsonNodeFactory.instance.stringNode(text);
    throw ApiProblem.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "header.Content-Type", "media_type.unsupported",
        "a webhook body is JSON, form-encoded or text, not " + type);
  }
}
