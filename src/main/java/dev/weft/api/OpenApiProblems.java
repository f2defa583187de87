package dev.weft.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;

/**
 * Documents the error answers every operation can give, as problem+json: 400, 406 and 503 everywhere, 404
 * where the path names something, 413 and 415 where there is a body, plus the conflicts of the
 * operations that have them; 429 where a rate limit applies ({@link #rateLimits()}); 401 wherever a key is needed (everywhere but webhooks) and 403 where a
 * viewer's key is not enough. The document then says what the API really does.
 */
public final class OpenApiProblems {
  private static final String PROBLEM = "Problem";
  /** The API key, as Swagger UI's "Authorize" sends it. */
  public static final String BEARER = "apiKey";
  private static final Map<String, String> CONFLICTS = Map.ofEntries(
      Map.entry("POST /api/workflows", "409"),
      Map.entry("PUT /api/workflows/{id}", "409"),
      Map.entry("POST /api/workflows/{id}/runs", "409 422"),
      Map.entry("POST /api/runs/{runId}/cancel", "409"),
      Map.entry("POST /api/runs/{runId}/pause", "409"),
      Map.entry("POST /api/runs/{runId}/resume", "409"),
      Map.entry("POST /api/runs/{runId}/nodes/{nodeId}/decision", "409"),
      Map.entry("POST /api/runs/{runId}/nodes/{nodeId}/submit", "409"),
      Map.entry("POST /hooks/{path}", "502"),
      Map.entry("DELETE /api/keys/{id}", "409"),
      Map.entry("POST /api/agent/conversations/{id}/confirmations/{confirmationId}", "409"),
      Map.entry("POST /api/workflows/{id}/nodes/{nodeId}/test", "422"),
      Map.entry("POST /api/workflows/test-node", "422"),
      Map.entry("GET /api/workflows/{id}/schedule", "501"),
      Map.entry("POST /api/workflows/{id}/schedule/pause", "501"),
      Map.entry("POST /api/workflows/{id}/schedule/unpause", "501"));

  /** Operations whose success is not (only) a plain 200. */
  private static final Map<String, String> SUCCESS = Map.of(
      "POST /api/workflows", "201",
      "DELETE /api/workflows/{id}", "204",
      "POST /api/workflows/{id}/runs", "200 202",
      "POST /api/runs/{runId}/cancel", "202",
      "POST /hooks/{path}", "200 202",
      "GET /api/runs/{runId}/events/stream", "200 204",
      "POST /api/keys", "201",
      "DELETE /api/keys/{id}", "204");

  private OpenApiProblems() {}

  public static OpenApiCustomizer customizer() {
    return api -> {
      if (api.getComponents() == null) api.setComponents(new Components());
      api.getComponents().addSchemas(PROBLEM, problemSchema());
      api.getComponents().addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
          .description("An API key: Authorization: Bearer <key> (docs/api.md#authentication)"));
      api.addSecurityItem(new SecurityRequirement().addList(BEARER));
      if (api.getPaths() == null) return;
      api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
        if (path.startsWith("/hooks/") || path.startsWith("/tenants/")) {
          op.setSecurity(List.of());
          add(op, "401", "The trigger verifies requests and this one failed its signature or token check (webhook.unauthorized)");
        } else {
          add(op, "401", "No API key (auth.missing), or one that is unknown, revoked or expired (auth.invalid)");
          if (!method.name().equals("GET") || path.startsWith("/api/keys") || path.startsWith("/api/audit") || path.startsWith("/api/tenants")) {
            add(op, "403", "The key's roles do not allow this (auth.forbidden)");
          }
        }
        add(op, "400", "The request is invalid: every violation with its path and code");
        add(op, "503", "PostgreSQL or Temporal is not reachable right now (Retry-After)");
        add(op, "406", "The Accept header allows none of the media types this operation answers in (media_type.not_acceptable)");
        if (path.contains("{")) add(op, "404", "Nothing has this id");
        if (op.getRequestBody() != null) {
          add(op, "413", "The body is over weft.api.max-request-bytes (or a webhook trigger's maxBodyBytes)");
          add(op, "415", "The body's media type is not accepted");
        }
        String success = SUCCESS.get(method.name() + " " + path);
        if (success != null) {
          ApiResponse ok = op.getResponses().get("200");
          if (!success.contains("200")) op.getResponses().remove("200");
          for (String status : success.split(" ")) {
            op.getResponses().computeIfAbsent(status, st -> new ApiResponse()
                .description(st.equals("202") ? "Accepted: the run goes on; see Location"
                    : st.equals("204") ? "No content" : "Done")
                .content(ok == null || st.equals("204") ? null : ok.getContent()));
          }
        }
        String extra = CONFLICTS.get(method.name() + " " + path);
        if (extra != null) {
          for (String status : extra.split(" ")) add(op, status, "See the error codes in docs/api.md");
        }
      }));
    };
  }

  /**
   * 429 on every operation with a {@link RateLimited} limit, with its {@code Retry-After} header: which limit,
   * and for those that call a model, the exhausted LLM budget.
   */
  public static OperationCustomizer rateLimits() {
    return (op, handler) -> {
      RateLimited limited = handler.getMethodAnnotation(RateLimited.class);
      if (limited == null) return op;
      String description = "Over the '" + limited.value().wire() + "' rate limit of the caller or its tenant"
          + (limited.value() == dev.weft.limits.RateLimit.WEBHOOK ? " (per tenant and hook path)" : "")
          + " (rate.limited, naming the limit)" + (limited.llmBudget()
          ? "; or the tenant's LLM tokens for today are spent (llm.budget_exhausted, Retry-After until 00:00 UTC)" : "");
      add(op, "429", description);
      op.getResponses().get("429").addHeaderObject("Retry-After", new Header().description("whole seconds to wait (at least 1)")
          .schema(new IntegerSchema()));
      return op;
    };
  }

  private static void add(Operation op, String status, String description) {
    if (op.getResponses() == null) op.setResponses(new ApiResponses());
    op.getResponses().computeIfAbsent(status, s -> new ApiResponse().description(description).content(new Content()
        .addMediaType("application/problem+json", new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)))));
  }

  private static Schema<?> problemSchema() {
    ObjectSchema violation = new ObjectSchema();
    violation.addProperty("path", new StringSchema().description("JSON pointer into the body, or query.x / header.X / path.x"));
    violation.addProperty("code", new StringSchema().description("stable code, e.g. node.type_unknown"));
    violation.addProperty("message", new StringSchema());
    ObjectSchema problem = new ObjectSchema();
    problem.description("RFC 9457 problem details with Weft's code and every violation");
    problem.addProperty("type", new StringSchema());
    problem.addProperty("title", new StringSchema());
    problem.addProperty("status", new IntegerSchema());
    problem.addProperty("detail", new StringSchema());
    problem.addProperty("instance", new StringSchema());
    problem.addProperty("code", new StringSchema());
    problem.addProperty("errors", new ArraySchema().items(violation));
    return problem;
  }
}
