package dev.weft.node.llm;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.NotNull;
import tools.jackson.databind.JsonNode;

/** Config of {@code llm.sentiment}. */
public record LlmSentimentNodeConfig(
    @JsonPropertyDescription("model profile name (weft.ai.models.<name>); default: the default profile") String model,
    @NotNull @JsonPropertyDescription("the untrusted text whose sentiment to judge, usually a {{ template }}; passed to the"
        + " model as delimited data, never as instructions") JsonNode text,
    @JsonPropertyDescription("extra guidance for the model (the domain, what counts as neutral); may hold {{ templates }}")
    String instructions) {}
