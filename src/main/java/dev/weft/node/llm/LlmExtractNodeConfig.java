package dev.weft.node.llm;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import tools.jackson.databind.JsonNode;

/** Config of {@code llm.extract}. */
public record LlmExtractNodeConfig(
    @JsonPropertyDescription("model profile name (weft.ai.models.<name>); default: the default profile") String model,
    @JsonPropertyDescription("system prompt; may hold {{ templates }}") String system,
    @NotBlank @JsonPropertyDescription("what to extract; may hold {{ templates }}") String prompt,
    @JsonPropertyDescription("the untrusted text to extract from, usually a {{ template }}; passed to the model as"
        + " delimited data, never as instructions") JsonNode text,
    @NotNull @JsonPropertyDescription("JSON schema (draft 2020-12) of an object: the answer must match it") JsonNode schema) {}
