package dev.weft.node.llm;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/** Config of {@code llm.answer}. */
public record LlmAnswerNodeConfig(
    @JsonPropertyDescription("model profile name (weft.ai.models.<name>) that answers; default: the default profile") String model,
    @JsonPropertyDescription("system prompt put before the answering rules; may hold {{ templates }}") String system,
    @NotBlank @JsonPropertyDescription("the question; may hold {{ templates }}") String question,
    @NotBlank @JsonPropertyDescription("the knowledge base searched, by id or name; may hold {{ templates }}") String knowledgeBase,
    @Min(1) @Max(50) @JsonPropertyDescription("chunks retrieved and given to the model (default 4)") Integer k,
    @DecimalMin("0") @DecimalMax("1") @JsonPropertyDescription("a chunk is used only when its score (the larger of its "
        + "similarity and full-text rank, 0 to 1) is at least this (default 0); when none is, the answer is unknownAnswer and "
        + "the model is not called") Double minScore,
    @JsonPropertyDescription("the answer when nothing relevant was found (default \"I don't know.\")") String unknownAnswer) {

  public static final int DEFAULT_K = 4;
  public static final String UNKNOWN = "I don't know.";

  public int effectiveK() {
    return k == null ? DEFAULT_K : k;
  }

  public double effectiveMinScore() {
    return minScore == null ? 0 : minScore;
  }

  public String effectiveUnknownAnswer() {
    return unknownAnswer == null || unknownAnswer.isBlank() ? UNKNOWN : unknownAnswer;
  }
}
