package dev.weft.engine;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The I/O of an {@code agent} node's loop ({@link AgentLoop}): one model turn, one HTTP tool call. Each is
 * its own activity, recorded in the run's history with its result, so neither is ever made again once it
 * finished: not by a retry of the node's later steps, not after a worker crash.
 */
@ActivityInterface
public interface AgentActivities {
  /** The most characters of one tool result the model sees (and the history keeps). */
  int MAX_TOOL_RESULT_CHARS = 16_000;

  /** One message of the conversation, as the workflow keeps it (and Temporal records it). */
  record Message(String role, String content, List<ToolCall> toolCalls, String toolCallId, String toolName) {
    public static final String SYSTEM = "system";
    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";
    public static final String TOOL = "tool";

    public static Message system(String text) {
      return new Message(SYSTEM, text, null, null, null);
    }

    public static Message user(String text) {
      return new Message(USER, text, null, null, null);
    }

    public static Message assistant(String text, List<ToolCall> calls) {
      return new Message(ASSISTANT, text, calls == null || calls.isEmpty() ? null : calls, null, null);
    }

    public static Message tool(ToolCall call, String result) {
      return new Message(TOOL, result, null, call.id(), call.name());
    }
  }

  /** A tool call the model asked for; {@code arguments} is the model's JSON text, unchecked. */
  record ToolCall(String id, String name, String arguments) {}

  /** A tool as the model sees it: its name, what it does and the JSON schema of its arguments. */
  record ToolSpec(String name, String description, JsonNode parameters) {}

  /** @param profile the model profile (null: the default) */
  record TurnInput(String runId, String nodeKey, String profile, List<Message> messages, List<ToolSpec> tools,
      JsonNode outputSchema) {}

  /** The model's answer: text, the tool calls it asks for (none: a final answer) and its usage ({@code LlmReply#usage}). */
  record Turn(String text, List<ToolCall> toolCalls, JsonNode llm) {

    public Turn {
      toolCalls = toolCalls == null ? List.of() : toolCalls;
    }
  }

  /**
   * A memory's address and, for {@link #remember}, what to add: the prompt and the final answer of one
   * node execution ({@code runId}, {@code nodeKey}).
   */
  record MemoryInput(String workflowId, String key, int window, String runId, String nodeKey, List<Message> messages) {}

  /** The last {@code window} messages an agent's memory keeps under the key, oldest first. */
  @ActivityMethod(name = "AgentRecall")
  List<Message> recall(MemoryInput in);

  /** Adds a node execution's prompt and answer to the memory; repeated, it adds nothing. */
  @ActivityMethod(name = "AgentRemember")
  void remember(MemoryInput in);

  /** Asks the model once, with the tools offered; the model's tool calls come back, none is executed here. */
  @ActivityMethod(name = "AgentTurn")
  Turn turn(TurnInput in);

  /**
   * Runs an {@code http} tool's request: {@code in.node()} is an http node whose config is the tool's request,
   * {@code in.scope()} binds the model's arguments as {@code item}. Answers {@code {status, body}} (a large body
   * cut to {@link #MAX_TOOL_RESULT_CHARS} characters, with {@code truncated: true}).
   */
  @ActivityMethod(name = "AgentHttpTool")
  JsonNode http(ActivityInput in);

  /** A knowledge tool's search: {@code k} passages of {@code knowledgeBase} for the model's {@code query}. */
  record KnowledgeCall(String knowledgeBase, String query, int k) {}

  /**
   * Searches a knowledge base of the run's tenant: answers {@code {knowledgeBase, hits: [{chunkId, documentName,
   * score, text}]}}, best first.
   */
  @ActivityMethod(name = "AgentKnowledgeTool")
  JsonNode knowledge(KnowledgeCall in);

  /**
   * An {@code mcp} tool entry's listing: the server, the credential's name (or null), the server tools the
   * entry allows, and how long the server may take.
   */
  record McpList(String server, String credential, List<String> allow, long timeoutMillis) {}

  /** A server tool an mcp entry offers: its name on the server, its description and its inputSchema. */
  record McpTool(String name, String description, JsonNode inputSchema) {}

  /**
   * Lists the server's tools and keeps those in {@code allow} (in the server's order), once per node execution:
   * the result is in the history, so a replay offers the model the same tools.
   */
  @ActivityMethod(name = "AgentMcpList")
  List<McpTool> mcpList(McpList in);

  /** One call of an mcp tool: {@code tool} is its name on the server. */
  record McpCall(String server, String credential, String tool, JsonNode arguments, long timeoutMillis) {}

  /**
   * Calls a server tool: answers {@code {text}} (the text of its content, cut to {@link #MAX_TOOL_RESULT_CHARS}
   * characters with {@code truncated: true}); a result the server marks {@code isError} fails with
   * {@code mcp.tool_error}, a failing server with {@code mcp.unavailable} or {@code mcp.error}.
   */
  @ActivityMethod(name = "AgentMcpTool")
  JsonNode mcp(McpCall in);
}
