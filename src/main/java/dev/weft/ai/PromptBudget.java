package dev.weft.ai;

import org.springframework.ai.tokenizer.JTokkitTokenCountEstimator;
import org.springframework.ai.tokenizer.TokenCountEstimator;

/**
 * How many tokens a prompt Weft assembles may take under a profile's {@code context-tokens}, and how many
 * a text takes. Counts are estimates: Spring AI's JTokkit estimator (the cl100k vocabulary) plus a margin,
 * because small models' vocabularies split text into more tokens; never below one token per four characters.
 */
public final class PromptBudget {
  /** Tokens of the chat template around the messages (role markers, separators). */
  public static final int TEMPLATE_TOKENS = 64;
  private static final TokenCountEstimator ESTIMATOR = new JTokkitTokenCountEstimator();
  private static final double MARGIN = 1.2;

  private PromptBudget() {}

  /** The estimated tokens of {@code text}. */
  public static int tokens(String text) {
    if (text == null || text.isEmpty()) return 0;
    int counted = (int) Math.ceil(ESTIMATOR.estimate(text) * MARGIN);
    return Math.max(counted, (text.length() + 3) / 4);
  }

  /**
   * The tokens a prompt may take under {@code p}: its context window minus the answer's tokens ({@link
   * StructuredOutput#maxTokens}) and the chat template's.
   */
  public static int forPrompt(ModelProfile p) {
    return p.contextTokens() - StructuredOutput.maxTokens(p) - TEMPLATE_TOKENS;
  }
}
