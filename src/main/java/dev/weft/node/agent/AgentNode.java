package dev.weft.node.agent;

import dev.weft.ai.LlmClient;
import dev.weft.definition.Violation;
import dev.weft.expression.ExpressionEngine;
import dev.weft.expression.Templates;
import dev.weft.node.Assignees;
import dev.weft.node.CompositeNodeType;
import dev.weft.node.GraphContext;
import dev.weft.node.JsonSchemas;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * A model with tools, run as a durable loop by the interpreter: each model turn is an activity, each tool
 * call an activity, a child run or (calculator) a deterministic evaluation in the workflow, all recorded in
 * the run's history, so a retry or a crash never repeats a finished call. Output {@code {text, data?,
 * turns, toolCalls, llm}}. The type carries the config and its save-time checks; the engine runs it.
 */
@Component
public class AgentNode implements CompositeNodeType<AgentNodeConfig> {
  public static final String TYPE = "agent";
  /** What providers accept as a function name. */
  public static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_-]{0,63}");
  private static final ExpressionEngine EXPRESSIONS = new ExpressionEngine();

  private final LlmClient llm;

  public AgentNode(LlmClient llm) {
    this.llm = llm;
  }

  @Override
  public String id() {
    return TYPE;
  }

  @Override
  public Class<AgentNodeConfig> configClass() {
    return AgentNodeConfig.class;
  }

  @Override
  public String description() {
    return "A model with tools (calculator: a CEL expression; http: a fixed request template; workflow: a saved workflow"
        + " as a child run; knowledge: a knowledge-base search; mcp: allowed tools of a remote MCP server) looping until"
        + " it answers, at most maxIterations turns; each turn and tool call is a durable step; optional outputSchema, requireApproval and memory; output {text, data, turns, toolCalls, llm}.";
  }

  @Override
  public List<Violation> validate(AgentNodeConfig c, GraphContext graph) {
    List<Violation> v = new ArrayList<>();
    if (c.model() != null && !Templates.hasTemplate(c.model()) && llm.models().profile(c.model()).isEmpty()) {
      v.add(Violation.of("/model", "llm.unknown_model", "no model profile named '" + c.model() + "' (configured: "
          + (llm.models().names().isEmpty() ? "none" : String.join(", ", llm.models().names())) + ")"));
    }
    Set<String> names = new HashSet<>();
    Set<String> entries = new HashSet<>();
    for (int i = 0; i < c.tools().size(); i++) {
      AgentTool t = c.tools().get(i);
      String p = "/tools/" + i;
      if (t == null || t.name() == null || t.kind() == null) continue;
      if (!TOOL_NAME.matcher(t.name()).matches()) {
        v.add(Violation.of(p + "/name", "agent.tool_name", "a tool's name is [a-zA-Z][a-zA-Z0-9_-]{0,63}"));
      }
      boolean duplicate = !entries.add(t.name());
      if (duplicate) v.add(Violation.of(p + "/name", "agent.tool_duplicate", "two tools are named '" + t.name() + "'"));
      checkTool(t, p, v);
      if (t.kind() != AgentToolKind.MCP) {
        if (!names.add(t.name()) && !duplicate) {
          v.add(Violation.of(p + "/name", "agent.tool_duplicate", "the model would see two tools named '" + t.name() + "'"));
        }
        continue;
      }
      // The model sees an mcp entry's allowed tools under prefix + name: known at save time, like the others'.
      for (int j = 0; t.allow() != null && j < t.allow().size(); j++) {
        String allowed = t.allow().get(j);
        if (allowed == null || allowed.isBlank()) continue;
        String seen = t.mcpName(allowed);
        if (!TOOL_NAME.matcher(seen).matches()) {
          v.add(Violation.of(p + "/allow/" + j, "agent.tool_name", "the model would see '" + seen
              + "': a tool's name (prefix + the server's name) is [a-zA-Z][a-zA-Z0-9_-]{0,63}"));
        }
        if (!names.add(seen)) {
          v.add(Violation.of(p + "/allow/" + j, "agent.tool_duplicate", "the model would see two tools named '" + seen + "'"));
        }
      }
    }
    if (names.size() > AgentNodeConfig.MAX_TOOLS) {
      v.add(Violation.of("/tools", "agent.too_many_tools", "the model would see " + names.size() + " tools (mcp entries count"
          + " each allowed tool); at most " + AgentNodeConfig.MAX_TOOLS));
    }
    for (int i = 0; i < c.requireApproval().size(); i++) {
      if (!names.contains(c.requireApproval().get(i))) {
        v.add(Violation.of("/requireApproval/" + i, "agent.tool_unknown", "no tool named '" + c.requireApproval().get(i) + "'"));
      }
    }
    if (c.approvers() != null) v.addAll(Assignees.check(c.approvers(), "/approvers", "agent.approver_invalid"));
    if (c.outputSchema() != null) {
      List<Violation> s = JsonSchemas.checkSchema(c.outputSchema(), "agent.schema_invalid");
      s.forEach(x -> v.add(Violation.of("/outputSchema" + x.path(), x.code(), x.message())));
      if (s.isEmpty() && !"object".equals(c.outputSchema().path("type").asString(""))) {
        v.add(Violation.of("/outputSchema/type", "agent.schema_invalid", "the schema describes an object: \"type\": \"object\""));
      }
    }
    return v;
  }

  private static void checkTool(AgentTool t, String p, List<Violation> v) {
    boolean needsParameters = t.kind() != AgentToolKind.WORKFLOW && t.kind() != AgentToolKind.KNOWLEDGE
        && t.kind() != AgentToolKind.MCP;
    if (t.kind() == AgentToolKind.MCP && t.parameters() != null) {
      v.add(Violation.of(p + "/parameters", "agent.tool_field_unused", "an mcp tool's parameters are the server's inputSchema"
          + " of each tool"));
    } else if (t.parameters() != null) {
      List<Violation> s = JsonSchemas.checkSchema(t.parameters(), "agent.schema_invalid");
      s.forEach(x -> v.add(Violation.of(p + "/parameters" + x.path(), x.code(), x.message())));
      if (s.isEmpty() && !"object".equals(t.parameters().path("type").asString(""))) {
        v.add(Violation.of(p + "/parameters/type", "agent.schema_invalid", "a tool's parameters are an object: \"type\": \"object\""));
      }
    } else if (needsParameters) {
      v.add(Violation.of(p + "/parameters", "agent.parameters_required", "a " + t.kind().name().toLowerCase()
          + " tool needs parameters: the JSON schema of its arguments"));
    }
    switch (t.kind()) {
      case CALCULATOR -> {
        if (t.expression() == null || t.expression().isBlank()) {
          v.add(Violation.of(p + "/expression", "agent.tool_field_required", "a calculator tool needs an expression"));
        } else {
          EXPRESSIONS.check(Templates.unwrap(t.expression()), true)
              .forEach(issue -> v.add(Violation.of(p + "/expression", issue.code(), issue.message())));
        }
      }
      case HTTP -> {
        if (t.request() == null) v.add(Violation.of(p + "/request", "agent.tool_field_required", "an http tool needs a request"));
      }
      case WORKFLOW -> {
        if (t.workflowId() == null || t.workflowId().isBlank()) {
          v.add(Violation.of(p + "/workflowId", "agent.tool_field_required", "a workflow tool needs a workflowId"));
        }
      }
      case MCP -> checkMcp(t, p, v);
      case KNOWLEDGE -> {
        if (t.knowledgeBase() == null || t.knowledgeBase().isBlank()) {
          v.add(Violation.of(p + "/knowledgeBase", "agent.tool_field_required", "a knowledge tool needs a knowledgeBase"));
        }
        if (t.parameters() != null && !t.parameters().path("properties").has("query")) {
          v.add(Violation.of(p + "/parameters", "agent.schema_invalid", "a knowledge tool's parameters have a query property"));
        }
      }
    }
    if (t.kind() != AgentToolKind.MCP && (t.server() != null || t.credential() != null || t.allow() != null
        || t.prefix() != null)) {
      v.add(Violation.of(p + "/server", "agent.tool_field_unused", "server, credential, allow and prefix belong to mcp tools"));
    }
    if (t.kind() != AgentToolKind.KNOWLEDGE && (t.knowledgeBase() != null || t.k() != null)) {
      v.add(Violation.of(p + "/knowledgeBase", "agent.tool_field_unused", "knowledgeBase and k belong to knowledge tools"));
    }
    if (t.kind() != AgentToolKind.CALCULATOR && t.expression() != null) {
      v.add(Violation.of(p + "/expression", "agent.tool_field_unused", "expression belongs to calculator tools"));
    }
    if (t.kind() != AgentToolKind.HTTP && t.request() != null) {
      v.add(Violation.of(p + "/request", "agent.tool_field_unused", "request belongs to http tools"));
    }
    if (t.kind() != AgentToolKind.WORKFLOW && (t.workflowId() != null || t.version() != null)) {
      v.add(Violation.of(p + "/workflowId", "agent.tool_field_unused", "workflowId and version belong to workflow tools"));
    }
  }

  private static void checkMcp(AgentTool t, String p, List<Violation> v) {
    if (t.server() == null || t.server().isBlank()) {
      v.add(Violation.of(p + "/server", "agent.tool_field_required", "an mcp tool needs a server: the URL of its"
          + " streamable-HTTP endpoint"));
    } else if (Templates.hasTemplate(t.server())) {
      v.add(Violation.of(p + "/server", "agent.mcp_server_invalid", "an mcp tool's server is a literal URL, not a template"));
    } else {
      try {
        java.net.URI u = new java.net.URI(t.server());
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null || u.getUserInfo() != null) {
          v.add(Violation.of(p + "/server", "agent.mcp_server_invalid", "an mcp tool's server is an http or https URL with"
              + " a host and no user info (a secret goes in credential)"));
        }
      } catch (java.net.URISyntaxException e) {
        v.add(Violation.of(p + "/server", "agent.mcp_server_invalid", "not a URL: " + e.getReason()));
      }
    }
    if (t.credential() != null && !dev.weft.node.CredentialResolver.NAME.matcher(t.credential()).matches()) {
      v.add(Violation.of(p + "/credential", "agent.mcp_credential_invalid", "a credential's name is [a-z0-9][a-z0-9_-]{0,62}"
          + " (literal)"));
    }
    if (t.allow() == null || t.allow().isEmpty()) {
      v.add(Violation.of(p + "/allow", "agent.tool_field_required", "an mcp tool needs allow: the names of the server's"
          + " tools the model may call (at least one)"));
    } else if (t.allow().size() > AgentTool.MAX_MCP_ALLOW) {
      v.add(Violation.of(p + "/allow", "agent.too_many_tools", "allow names at most " + AgentTool.MAX_MCP_ALLOW + " tools"));
    } else {
      for (int j = 0; j < t.allow().size(); j++) {
        if (t.allow().get(j) == null || t.allow().get(j).isBlank()) {
          v.add(Violation.of(p + "/allow/" + j, "agent.tool_field_required", "an allowed tool's name is not blank"));
        }
      }
    }
    if (t.prefix() != null && !t.prefix().matches("[a-zA-Z][a-zA-Z0-9_-]{0,31}")) {
      v.add(Violation.of(p + "/prefix", "agent.tool_name", "a prefix is [a-zA-Z][a-zA-Z0-9_-]{0,31}"));
    }
  }
}
