package dev.weft.api;

import dev.weft.config.ServesApi;
import dev.weft.definition.Json;
import dev.weft.definition.WorkflowDefinition;
import dev.weft.limits.RateLimit;
import dev.weft.security.WeftPrincipal;
import dev.weft.service.NodeTestService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Testing one node with a given input and given upstream outputs (see docs/api.md); the logic is {@link NodeTestService}. */
@RestController
@ServesApi
@Tag(name = "Workflows")
public class NodeTestController {
  private static final Set<String> SAVED_FIELDS = Set.of("input", "nodes", "version");
  private static final String SAVED_SHAPE = "{input?, nodes?, version?}";
  private static final Set<String> INLINE_FIELDS = Set.of("definition", "nodeId", "input", "nodes");
  private static final String INLINE_SHAPE = "{definition, nodeId, input?, nodes?}";

  private final NodeTestService service;

  public NodeTestController(NodeTestService service) {
    this.service = service;
  }

  /** The documented shape of a test of a saved workflow's node. */
  record SavedRequest(
      @Schema(description = "the run's input: what expressions see as input (default {})") JsonNode input,
      @Schema(description = "node id → that node's output: the upstream outputs the test pretends exist") Map<String, Object> nodes,
      @Schema(description = "the workflow version (default: the latest)") Integer version) {}

  /** The documented shape of a test of an unsaved definition's node. */
  record InlineRequest(
      @Schema(description = "the whole definition, validated as by POST /api/workflows/validate",
          requiredMode = Schema.RequiredMode.REQUIRED) WorkflowDefinition definition,
      @Schema(description = "the node to test", requiredMode = Schema.RequiredMode.REQUIRED) String nodeId,
      @Schema(description = "the run's input: what expressions see as input (default {})") JsonNode input,
      @Schema(description = "node id → that node's output: the upstream outputs the test pretends exist") Map<String, Object> nodes) {}

  /** The documented shape of the answer. */
  record TestAnswer(
      @Schema(description = "the node's output; null when it failed") JsonNode output,
      @Schema(description = "the ports whose edges a run would follow; [] when it failed") List<String> ports,
      @Schema(description = "the node's failure {code, message, details}; null when it completed") JsonNode error,
      @Schema(description = "how long the node took") long durationMs,
      @Schema(description = "the lines the node printed") List<String> logs) {}

  private static final String WHAT_RUNS = " The node really runs, through the same invoker as in a run: an http node calls "
      + "its URL, an LLM node its model; control nodes are evaluated; delay, approval and form nodes cannot be tested "
      + "(400 node.not_testable); loop and subworkflow nodes run other nodes and are refused (422 node.test_unsupported: run "
      + "the workflow instead). A node failure is a 200 answer with error {code, message, details}; a node that overruns "
      + "its timeout fails with node.timeout. Editors only, within the test-node rate limit of the "
      + "principal and its tenant (429 rate.limited with Retry-After). Audited as workflow.test_node, without any values.";

  @Operation(summary = "Test one node of a saved workflow", description = "Runs the node of the workflow's latest version "
      + "(or version) once, with input and the given upstream outputs (nodes). 200 {output, ports, error, durationMs, "
      + "logs}; 404 workflow.not_found, version.not_found, node.not_found." + WHAT_RUNS)
  @RateLimited(RateLimit.TEST_NODE)
  @PostMapping(path = "/api/workflows/{id}/nodes/{nodeId}/test", produces = MediaType.APPLICATION_JSON_VALUE)
  TestAnswer testSaved(@PathVariable String id, @PathVariable String nodeId,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
          schema = @Schema(implementation = SavedRequest.class)))
      @RequestBody(required = false) String body, @RequestHeader(value = "Content-Type", required = false) String contentType,
      @AuthenticationPrincipal WeftPrincipal caller) {
    JsonNode n = body == null || body.isBlank() ? Json.object()
        : JsonBodies.object(body, contentType, SAVED_FIELDS, "a node test", SAVED_SHAPE);
    JsonNode version = n.get("version");
    Integer v = null;
    if (version != null && !version.isNull()) {
      if (!version.isIntegralNumber() || !version.canConvertToInt() || version.asInt() < 1) {
        throw ApiProblem.badRequest("/version", "json.type", "version is a positive integer");
      }
      v = version.asInt();
    }
    return answer(service.testSaved(id, nodeId, v, input(n), nodes(n), caller));
  }

  @Operation(summary = "Test one node of an unsaved definition", description = "Validates the definition in full (400 "
      + "definition.invalid with every violation, paths into the definition as POST /api/workflows/validate reports them), "
      + "then runs its node nodeId once, with input and the given upstream outputs (nodes). 200 {output, ports, error, "
      + "durationMs, logs}; 404 node.not_found." + WHAT_RUNS)
  @RateLimited(RateLimit.TEST_NODE)
  @PostMapping(path = "/api/workflows/test-node", produces = MediaType.APPLICATION_JSON_VALUE)
  TestAnswer testInline(
      @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
          schema = @Schema(implementation = InlineRequest.class)))
      @RequestBody(required = false) String body, @RequestHeader(value = "Content-Type", required = false) String contentType,
      @AuthenticationPrincipal WeftPrincipal caller) {
    JsonNode n = JsonBodies.object(body, contentType, INLINE_FIELDS, "a node test", INLINE_SHAPE);
    JsonNode definition = n.get("definition");
    if (definition == null || !definition.isObject()) {
      throw ApiProblem.badRequest("/definition", "json.type", "definition is the whole workflow definition, an object");
    }
    JsonNode nodeId = n.get("nodeId");
    if (nodeId == null || !nodeId.isString() || nodeId.stringValue().isBlank()) {
      throw ApiProblem.badRequest("/nodeId", "json.type", "nodeId is the id of the node to test, a string");
    }
    return answer(service.testInline(definition, nodeId.stringValue(), input(n), nodes(n), caller));
  }

  private static JsonNode input(JsonNode body) {
    JsonNode input = body.get("input");
    return input == null ? Json.object() : input;
  }

  private static Map<String, JsonNode> nodes(JsonNode body) {
    JsonNode nodes = body.get("nodes");
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (nodes == null || nodes.isNull()) return out;
    if (!nodes.isObject()) {
      throw ApiProblem.badRequest("/nodes", "json.type", "nodes is an object: node id → that node's output");
    }
    nodes.properties().forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static TestAnswer answer(NodeTestService.Tested t) {
    return new TestAnswer(t.output(), t.ports(), t.error() == null ? null : Json.MAPPER.valueToTree(t.error()), t.durationMs(),
        t.logs());
  }
}
