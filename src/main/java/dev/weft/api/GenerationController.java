package dev.weft.api;

import dev.weft.agent.generate.Generation;
import dev.weft.agent.generate.WorkflowGenerator;
import dev.weft.config.ServesApi;
import dev.weft.definition.Json;
import dev.weft.domain.DomainException;
import dev.weft.limits.LlmBudget;
import dev.weft.limits.RateLimit;
import dev.weft.node.NodeFailure;
import dev.weft.security.WeftPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Generating a workflow definition from a description (nothing is saved): see docs/api.md. */
@RestController
@ServesApi
@Tag(name = "Workflows")
public class GenerationController {
  private static final Set<String> FIELDS = Set.of("prompt", "workflowId", "sampleInput");
  private static final String SHAPE = "{prompt, workflowId?, sampleInput?}";
  /** Model failures a later attempt may not see: the provider is busy, down or not configured here. */
  private static final Set<String> UNAVAILABLE = Set.of("llm.rate_limited", "llm.unavailable", "llm.unknown_model",
      "llm.credential_missing", "credential.unknown", "credential.unsupported", "credential.invalid", "credential.undecryptable");

  private final WorkflowGenerator generator;
  private final int maxInputBytes;

  public GenerationController(WorkflowGenerator generator, dev.weft.config.WeftProperties props) {
    this.generator = generator;
    this.maxInputBytes = props.limits().maxInputBytes();
  }

  /** The documented shape of a request. */
  record GenerateRequest(@Schema(description = "what the workflow should do", requiredMode = Schema.RequiredMode.REQUIRED) String prompt,
      @Schema(description = "modify this workflow's latest version instead of writing a new one") String workflowId,
      @Schema(description = "the dry run's input (default: the model's sample input)") JsonNode sampleInput) {}

  @Operation(summary = "Generate a workflow definition", description = "Asks the configured model for a definition, "
      + "validates it, dry-runs it without side effects and repairs it with the model up to weft.ai.generation.max-attempts "
      + "answers. Nothing is saved. 200 {ok, definition, report, dryRun, diff, attempts, usage}; 502/503 with an llm.* code "
      + "when the model fails; 429 rate.limited over the generation rate limit, 429 llm.budget_exhausted once the tenant's LLM "
      + "tokens for today are spent (Retry-After: until 00:00 UTC).")
  @RateLimited(value = RateLimit.GENERATION, llmBudget = true)
  @PostMapping(path = "/api/workflows/generate", produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> generate(@io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
      mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = GenerateRequest.class)))
      @RequestBody(required = false) String body, @RequestHeader(value = "Content-Type", required = false) String contentType,
      @AuthenticationPrincipal WeftPrincipal caller) {
    JsonNode n = JsonBodies.object(body, contentType, FIELDS, "a generation request", SHAPE);
    JsonNode prompt = n.get("prompt");
    if (prompt == null || prompt.isNull()) throw ApiProblem.badRequest("/prompt", "generate.prompt_blank", "prompt is required");
    if (!prompt.isString()) throw ApiProblem.badRequest("/prompt", "json.type", "prompt is a string");
    JsonNode id = n.get("workflowId");
    if (id != null && !id.isNull() && !id.isString()) throw ApiProblem.badRequest("/workflowId", "json.type", "workflowId is a string");
    JsonNode sample = n.get("sampleInput");
    if (sample != null && Json.sizeOf(sample) > maxInputBytes) {
      throw ApiProblem.badRequest("/sampleInput", "limit.input", "sampleInput is at most " + maxInputBytes + " bytes of JSON");
    }
    Generation g;
    try {
      g = generator.generate(prompt.stringValue(), id == null || id.isNull() ? null : id.stringValue(),
          sample == null || sample.isNull() ? null : sample, caller);
    } catch (NodeFailure f) {
      if (LlmBudget.Exhausted.CODE.equals(f.code())) {
        // The budget ran out between the check before this request and a later model call (a repair).
        throw DomainException.of(DomainException.Kind.RATE_LIMITED, "", f.code(), f.getMessage())
            .with("limit", "llm-tokens-per-day").retryAfter(LlmBudget.secondsToMidnight(java.time.Instant.now()));
      }
      throw modelProblem(f);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ok", g.ok());
    out.put("definition", g.definition());
    out.put("report", Map.of("valid", g.report().valid(), "violations", g.report().errors()));
    out.put("dryRun", g.dryRun());
    out.put("diff", g.diff());
    out.put("attempts", g.attempts());
    out.put("usage", g.usage());
    return out;
  }

  /** 503 when the model is unavailable or not configured, 502 when it answered wrongly; never the provider's raw words on auth. */
  static ApiProblem modelProblem(NodeFailure f) {
    HttpStatus status = UNAVAILABLE.contains(f.code()) ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.BAD_GATEWAY;
    String message = "llm.auth".equals(f.code()) ? "the model provider refused the configured credentials" : f.getMessage();
    return new ApiProblem(status, f.code(), message, List.of(dev.weft.definition.Violation.of("", f.code(), message)), Map.of());
  }
}
