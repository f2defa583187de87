package dev.weft.node.agent;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a tool of an {@code agent} node does when the model calls it. One more kind is one constant here,
 * its fields in {@link AgentTool} and one branch where the agent loop runs a call.
 */
public enum AgentToolKind {
  /** A CEL expression over the model's arguments ({@code item}), evaluated in the workflow: deterministic. */
  @JsonProperty("calculator") CALCULATOR,
  /** A fixed HTTP request template (an {@code http} node's config) whose {@code item} is the model's arguments. */
  @JsonProperty("http") HTTP,
  /** A saved workflow run as a child run; the model's arguments are its input, its {@code inputSchema} the parameters. */
  @JsonProperty("workflow") WORKFLOW,
  /** A search of a knowledge base: the model's {@code query}, the base and the number of passages fixed in the config. */
  @JsonProperty("knowledge") KNOWLEDGE,
  /**
   * The tools of a remote MCP server (streamable HTTP): listed at run time, only those in {@code allow} offered,
   * each call an activity.
   */
  @JsonProperty("mcp") MCP
}
