package dev.weft.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TestRegistries;
import dev.weft.definition.Violation;
import dev.weft.validate.DefinitionValidator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent node's save-time checks: its tools, limits, schemas and approvals. */
class AgentNodeTest {
  private final DefinitionValidator validator = TestRegistries.validator();

  private List<Violation> errors(String config) {
    return validator.validate("""
        {"name": "a", "nodes": [{"id": "ask", "type": "agent", "config": %s}], "edges": []}""".formatted(config)).errors();
  }

  private static List<String> codesAt(List<Violation> v, String path) {
    return v.stream().filter(x -> x.path().equals(path)).map(Violation::code).toList();
  }

  @Test
  void aValidAgentSaves() {
    assertThat(errors("""
        {"prompt": "{{ input.q }}", "maxIterations": 5, "requireApproval": ["mul"], "approvers": ["group:finance"],
         "outputSchema": {"type": "object", "properties": {"n": {"type": "number"}}},
         "tools": [{"name": "mul", "kind": "calculator", "description": "a*b", "expression": "item.a * item.b",
                    "parameters": {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}}},
                   {"name": "get_page", "kind": "http", "description": "a page", "parameters": {"type": "object"},
                    "request": {"url": "https://example.com/{{ item.page }}"}},
                   {"name": "child", "kind": "workflow", "description": "runs child", "workflowId": "child"}]}""")).isEmpty();
  }

  @Test
  void toolsAreCheckedByKind() {
    List<Violation> v = errors("""
        {"prompt": "p", "tools": [
          {"name": "calc", "kind": "calculator", "description": "d", "expression": "item.a +", "parameters": {"type": "object"}},
          {"name": "calc", "kind": "http", "description": "d", "expression": "1"},
          {"name": "bad name!", "kind": "workflow", "description": "d", "parameters": {"type": "string"}}]}""");

    assertThat(codesAt(v, "/nodes/0/config/tools/0/expression")).containsExactly("expr.syntax");
    assertThat(codesAt(v, "/nodes/0/config/tools/1/name")).containsExactly("agent.tool_duplicate");
    assertThat(codesAt(v, "/nodes/0/config/tools/1/parameters")).containsExactly("agent.parameters_required");
    assertThat(codesAt(v, "/nodes/0/config/tools/1/request")).containsExactly("agent.tool_field_required");
    assertThat(codesAt(v, "/nodes/0/config/tools/1/expression")).containsExactly("agent.tool_field_unused");
    assertThat(codesAt(v, "/nodes/0/config/tools/2/name")).containsExactly("agent.tool_name");
    assertThat(codesAt(v, "/nodes/0/config/tools/2/parameters/type")).containsExactly("agent.schema_invalid");
    assertThat(codesAt(v, "/nodes/0/config/tools/2/workflowId")).containsExactly("agent.tool_field_required");
  }

  @Test
  void theLimitsAreBounded() {
    List<Violation> v = errors("""
        {"prompt": "p", "maxIterations": 51, "maxInvalidToolCalls": 21, "memory": {"key": "k", "window": 201}}""");

    assertThat(codesAt(v, "/nodes/0/config/maxIterations")).containsExactly("config.invalid");
    assertThat(codesAt(v, "/nodes/0/config/maxInvalidToolCalls")).containsExactly("config.invalid");
    assertThat(codesAt(v, "/nodes/0/config/memory/window")).containsExactly("config.invalid");
  }

  @Test
  void theModelApprovalsAndTheOutputSchemaAreChecked() {
    List<Violation> v = errors("""
        {"prompt": "p", "model": "nope", "requireApproval": ["ghost"],
         "approvers": ["role:wizard"], "outputSchema": {"type": "array"}}""");

    assertThat(codesAt(v, "/nodes/0/config/model")).containsExactly("llm.unknown_model");
    assertThat(codesAt(v, "/nodes/0/config/requireApproval/0")).containsExactly("agent.tool_unknown");
    assertThat(v.stream().map(Violation::path)).anyMatch(p -> p.startsWith("/nodes/0/config/approvers"));
    assertThat(codesAt(v, "/nodes/0/config/outputSchema/type")).containsExactly("agent.schema_invalid");
  }

  @Test
  void anMcpToolNeedsAServerAndAnAllowListAndItsToolsAreNamedAtSaveTime() {
    assertThat(errors("""
        {"prompt": "p", "requireApproval": ["orders_lookup"],
         "tools": [{"name": "orders", "kind": "mcp", "description": "the order system", "server": "https://mcp.example.com/mcp",
                    "credential": "orders-token", "allow": ["lookup", "cancel"], "prefix": "orders_"}]}""")).isEmpty();

    List<Violation> v = errors("""
        {"prompt": "p", "requireApproval": ["lookup"], "tools": [
          {"name": "a", "kind": "mcp", "description": "d", "prefix": "9"},
          {"name": "b", "kind": "mcp", "description": "d", "server": "ftp://example.com", "allow": []},
          {"name": "c", "kind": "mcp", "description": "d", "server": "{{ input.url }}", "allow": ["x"], "credential": "Bad Name",
           "parameters": {"type": "object"}},
          {"name": "d", "kind": "mcp", "description": "d", "server": "https://example.com/mcp", "allow": ["x", "bad name"]},
          {"name": "x", "kind": "calculator", "description": "d", "expression": "1", "parameters": {"type": "object"},
           "server": "https://example.com"}]}""");

    assertThat(codesAt(v, "/nodes/0/config/tools/0/server")).containsExactly("agent.tool_field_required");
    assertThat(codesAt(v, "/nodes/0/config/tools/0/allow")).containsExactly("agent.tool_field_required");
    assertThat(codesAt(v, "/nodes/0/config/tools/1/server")).containsExactly("agent.mcp_server_invalid");
    assertThat(codesAt(v, "/nodes/0/config/tools/1/allow")).containsExactly("agent.tool_field_required");
    assertThat(codesAt(v, "/nodes/0/config/tools/2/server")).containsExactly("agent.mcp_server_invalid");
    assertThat(codesAt(v, "/nodes/0/config/tools/2/credential")).containsExactly("agent.mcp_credential_invalid");
    assertThat(codesAt(v, "/nodes/0/config/tools/2/parameters")).containsExactly("agent.tool_field_unused");
    // c and d both offer x: the model would see two tools named x
    assertThat(codesAt(v, "/nodes/0/config/tools/3/allow/0")).containsExactly("agent.tool_duplicate");
    assertThat(codesAt(v, "/nodes/0/config/tools/3/allow/1")).containsExactly("agent.tool_name");
    assertThat(codesAt(v, "/nodes/0/config/tools/0/prefix")).containsExactly("agent.tool_name");
    assertThat(codesAt(v, "/nodes/0/config/tools/4/name")).containsExactly("agent.tool_duplicate");
    assertThat(codesAt(v, "/nodes/0/config/tools/4/server")).containsExactly("agent.tool_field_unused");
    // approvals name the tools the model sees: a server tool under its prefix, not the entry
    assertThat(codesAt(v, "/nodes/0/config/requireApproval/0")).containsExactly("agent.tool_unknown");
  }
}
