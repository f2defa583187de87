package dev.weft.node.agent;

import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Remote MCP servers as an {@code agent} node's {@code mcp} tools see them: the list of a server's tools and
 * one call of a tool. Used by the agent's activities only (never by workflow code). Failures are
 * {@link dev.weft.node.NodeFailure}s: {@code mcp.blocked_address} (the outbound guard refused the server),
 * {@code mcp.unavailable} (no answer, an HTTP error, a broken session: retryable), {@code credential.*}.
 */
public interface McpServers {
  /** A tool a server offers: its name on the server, its description and the JSON schema of its arguments. */
  record Tool(String name, String description, JsonNode inputSchema) {}

  /** A call's answer: the text of its content, and whether the server marked it an error ({@code isError}). */
  record Result(String text, boolean error) {}

  /**
   * The tools of {@code server} (all pages of {@code tools/list}).
   *
   * @param credential a stored credential's name sent to the server, or null
   */
  List<Tool> list(String server, String credential, Duration timeout);

  /** Calls {@code tool} of {@code server} with {@code arguments} (a JSON object). */
  Result call(String server, String credential, String tool, JsonNode arguments, Duration timeout);
}
