package dev.weft.node.llm;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import tools.jackson.databind.JsonNode;

/** Config of {@code llm.summarize}. */
public record LlmSummarizeNodeConfig(
    @JsonPropertyDescription("model profile name (weft.ai.models.<name>); default: the default profile") String model,
    @NotNull @JsonPropertyDescription("the untrusted text to summarize, usually a {{ template }}: a string, or a list"
        + " whose items are summarized together as separate documents") JsonNode text,
    @Min(1) @Max(MAX_WORDS) @JsonPropertyDescription("the longest summary, in words (default 100)") Integer maxWords,
    @JsonPropertyDescription("extra guidance (focus, tone, language); may hold {{ templates }}") String instructions) {

  public static final int MAX_WORDS = 2000;

  public LlmSummarizeNodeConfig {
    maxWords = maxWords == null ? 100 : maxWords;
  }
}
