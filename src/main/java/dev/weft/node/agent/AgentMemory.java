package dev.weft.node.agent;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/** Where an {@code agent} keeps its conversation across runs, and how much of it the model sees again. */
public record AgentMemory(
    @NotBlank @JsonPropertyDescription("the conversation's key, usually a template, e.g. {{ input.chatId }}") String key,
    @Min(1) @Max(AgentMemory.MAX_WINDOW)
    @JsonPropertyDescription("how many earlier messages the model sees (default 20, at most 200)") Integer window) {

  public static final int MAX_WINDOW = 200;
  public static final int DEFAULT_WINDOW = 20;

  public int windowOrDefault() {
    return window == null ? DEFAULT_WINDOW : window;
  }
}
