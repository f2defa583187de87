package dev.weft.node.llm;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.NotBlank;

/** Config of {@code llm.chat}. */
public record LlmChatNodeConfig(
    @JsonPropertyDescription("model profile name (weft.ai.models.<name>); default: the default profile") String model,
    @JsonPropertyDescription("system prompt; may hold {{ templates }}") String system,
    @NotBlank @JsonPropertyDescription("the user prompt; may hold {{ templates }}") String prompt) {}
