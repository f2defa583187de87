package dev.weft.ai;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * LLM settings under {@code weft.ai.*}: named model profiles that nodes, generation and the agent pick by
 * name, and the limits of generation and the agent.
 *
 * @param defaultModel the profile used when a node or a request names none
 * @param models the profiles by name ({@code weft.ai.models.<name>.*})
 */
@ConfigurationProperties(prefix = AiProperties.PREFIX)
public record AiProperties(
    @DefaultValue("default") String defaultModel,
    Map<String, ModelProfile> models,
    @DefaultValue Generation generation,
    @DefaultValue Agent agent) {
  public static final String PREFIX = "weft.ai";

  public AiProperties {
    models = models == null ? Map.of() : Map.copyOf(models);
    for (Map.Entry<String, ModelProfile> e : models.entrySet()) {
      for (String next : e.getValue().fallback()) {
        if (next.equals(e.getKey())) {
          throw new IllegalArgumentException("model profile '" + e.getKey() + "' names itself as its fallback");
        }
        if (!models.containsKey(next)) {
          throw new IllegalArgumentException("model profile '" + e.getKey() + "' falls back to '" + next
              + "', which is not a profile (configured: " + String.join(", ", new java.util.TreeSet<>(models.keySet())) + ")");
        }
      }
    }
  }

  /**
   * Workflow generation.
   *
   * @param model the profile (else the default)
   * @param maxAttempts answers asked of the model in all: the first plus the repairs
   * @param dryRunTimeout how long a dry run may take before it is reported as stuck
   * @param maxPromptChars the longest description accepted
   */
  public record Generation(
      String model,
      @DefaultValue("3") int maxAttempts,
      @DefaultValue("20s") Duration dryRunTimeout,
      @DefaultValue("8000") int maxPromptChars) {}

  /**
   * The orchestrator agent.
   *
   * @param model the profile (else the default)
   * @param maxToolRounds model calls per user message, tool rounds included
   * @param keepMessages messages kept verbatim; older ones are folded into a summary
   * @param maxMessageChars the longest user message accepted
   * @param replyTimeout how long one agent reply may take in all
   */
  public record Agent(
      String model,
      @DefaultValue("8") int maxToolRounds,
      @DefaultValue("20") int keepMessages,
      @DefaultValue("8000") int maxMessageChars,
      @DefaultValue("5m") Duration replyTimeout) {}
}
