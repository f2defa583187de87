package dev.weft.node.agent;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.weft.node.http.HttpNodeConfig;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import tools.jackson.databind.JsonNode;

/**
 * One tool an {@code agent} node offers its model. The model chooses the arguments; they are checked
 * against {@code parameters} before anything runs, and templates and expressions read them as {@code item}.
 */
public record AgentTool(
    @NotBlank @JsonPropertyDescription("the tool's name as the model sees it: [a-zA-Z][a-zA-Z0-9_-]{0,63}; an mcp entry's"
        + " name only labels the entry (the model sees prefix + the server's tool names)") String name,
    @NotNull @JsonPropertyDescription("calculator | http | workflow | knowledge | mcp") AgentToolKind kind,
    @NotBlank @JsonPropertyDescription("what the tool does and when to use it, for the model; mcp: put before each"
        + " server tool's own description") String description,
    @JsonPropertyDescription("JSON schema (draft 2020-12, an object) of the arguments the model fills; required for"
        + " calculator and http; a workflow tool uses the workflow's inputSchema") JsonNode parameters,
    @JsonPropertyDescription("calculator: CEL expression over the arguments (item), e.g. item.a * item.b") String expression,
    @JsonPropertyDescription("http: the request, as an http node's config; templates read the arguments as item, e.g."
        + " {\"url\": \"https://api.example.com/weather?city={{ item.city }}\", \"auth\": {\"credential\": \"weather\"}}")
    HttpNodeConfig request,
    @JsonPropertyDescription("workflow: id of the saved workflow run as a child run with the arguments as input") String workflowId,
    @Min(1) @JsonPropertyDescription("workflow: version to run; omitted: the latest when the run started") Integer version,
    @JsonPropertyDescription("knowledge: the knowledge base searched (its name or id, literal)") String knowledgeBase,
    @Min(1) @Max(10) @JsonPropertyDescription("knowledge: passages returned, 1 to 10 (default 4)") Integer k,
    @JsonPropertyDescription("mcp: the MCP server's streamable-HTTP endpoint (http or https URL, literal), e.g."
        + " https://mcp.example.com/mcp") String server,
    @JsonPropertyDescription("mcp: a stored credential sent to the server (Authorization or its headers); resolved at"
        + " run time only") String credential,
    @JsonPropertyDescription("mcp: the server's tools offered to the model, by their names on the server; required,"
        + " at least one") java.util.List<String> allow,
    @JsonPropertyDescription("mcp: put before each server tool's name for the name the model sees, e.g. github_")
    String prefix) {

  /** The most tools one mcp entry may offer (its {@code allow} list). */
  public static final int MAX_MCP_ALLOW = 32;

  /** The name the model sees for the server tool {@code serverTool} of an mcp entry. */
  public String mcpName(String serverTool) {
    return (prefix == null ? "" : prefix) + serverTool;
  }

  /** What the model reads as the description of an mcp entry's server tool. */
  public String mcpDescription(String serverDescription) {
    return serverDescription == null || serverDescription.isBlank() ? description
        : description.strip() + ": " + serverDescription.strip();
  }

  /** Passages a knowledge tool returns when {@code k} is not set. */
  public static final int DEFAULT_K = 4;

  /** What the model fills for a knowledge tool without parameters of its own: the words to look for. */
  public static JsonNode knowledgeParameters() {
    return dev.weft.definition.Json.parse("""
        {"type": "object", "properties": {"query": {"type": "string", "minLength": 1, "maxLength": 2000,
          "description": "what to look for, in words"}}, "required": ["query"], "additionalProperties": false}""");
  }
}
