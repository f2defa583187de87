package dev.weft.node.agent;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.weft.expression.Literal;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Config of {@code agent}. {@code tools} is kept as written: its templates and expressions read the
 * model's arguments, so they resolve per tool call, not when the node starts.
 */
public record AgentNodeConfig(
    @JsonPropertyDescription("model profile name (weft.ai.models.<name>); default: the default profile") String model,
    @JsonPropertyDescription("system prompt; may hold {{ templates }}") String system,
    @NotBlank @JsonPropertyDescription("the task or the user's message; may hold {{ templates }}") String prompt,
    @Literal @Valid @Size(max = AgentNodeConfig.MAX_TOOLS)
    @JsonPropertyDescription("the tools the model may call (at most 32), each {name, kind, description, ...}")
    List<AgentTool> tools,
    @Valid @JsonPropertyDescription("keep the conversation per key across runs: {key, window}") AgentMemory memory,
    @Min(1) @Max(AgentNodeConfig.MAX_ITERATIONS)
    @JsonPropertyDescription("model turns at most (default 10, at most 50); reaching it without a final answer fails"
        + " the node with agent.max_iterations") Integer maxIterations,
    @JsonPropertyDescription("JSON schema (draft 2020-12) of an object: the final answer is parsed and checked, and"
        + " re-asked when it does not match") JsonNode outputSchema,
    @JsonPropertyDescription("names of tools that run only after a person approves the call; a rejection goes back to"
        + " the model as the tool's answer") List<String> requireApproval,
    @JsonPropertyDescription("who approves those calls: principal ids, role:<role> or group:<group> (default"
        + " role:operator)") List<String> approvers,
    @JsonPropertyDescription("whether the principal who started the run may approve its tool calls (default false)")
    Boolean allowSelfApproval,
    @Min(0) @Max(AgentNodeConfig.MAX_INVALID)
    @JsonPropertyDescription("invalid tool calls (unknown tool, arguments not matching its schema) sent back to the"
        + " model before the node fails with agent.invalid_tool_calls (default 3); the same limit holds for final"
        + " answers not matching outputSchema (agent.invalid_output)") Integer maxInvalidToolCalls) {

  public static final int MAX_TOOLS = 32;
  public static final int MAX_ITERATIONS = 50;
  public static final int DEFAULT_ITERATIONS = 10;
  public static final int MAX_INVALID = 20;
  public static final int DEFAULT_INVALID = 3;
  public static final String DEFAULT_APPROVERS = "role:operator";

  public AgentNodeConfig {
    tools = tools == null ? List.of() : tools;
    requireApproval = requireApproval == null ? List.of() : requireApproval;
    allowSelfApproval = allowSelfApproval != null && allowSelfApproval;
  }

  public int maxIterationsOrDefault() {
    return maxIterations == null ? DEFAULT_ITERATIONS : maxIterations;
  }

  public int maxInvalidOrDefault() {
    return maxInvalidToolCalls == null ? DEFAULT_INVALID : maxInvalidToolCalls;
  }

  public List<String> approversOrDefault() {
    return approvers == null || approvers.isEmpty() ? List.of(DEFAULT_APPROVERS) : approvers;
  }
}
