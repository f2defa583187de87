package dev.weft.ai;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * Against a real model, opt-in: set {@code WEFT_AI_IT_PROVIDER} ({@code openai} or {@code ollama}),
 * {@code WEFT_AI_IT_BASE_URL}, {@code WEFT_AI_IT_MODEL} and, for a provider that wants a key,
 * {@code WEFT_AI_IT_API_KEY_ENV} (the name of the variable that holds it). Skipped otherwise.
 */
@EnabledIfEnvironmentVariable(named = "WEFT_AI_IT_PROVIDER", matches = "openai|ollama")
class RealProviderTest {
  private final ChatModels models = new ChatModels(new AiProperties("it", Map.of("it", new ModelProfile(
      ModelProfile.Provider.valueOf(System.getenv("WEFT_AI_IT_PROVIDER").toUpperCase()), System.getenv("WEFT_AI_IT_BASE_URL"),
      System.getenv("WEFT_AI_IT_MODEL"), System.getenv("WEFT_AI_IT_API_KEY_ENV"), 0.0, 64, BigDecimal.ZERO, BigDecimal.ZERO,
      Duration.ofSeconds(120), null)), null, null), System::getenv);

  @Test
  void answersAndReportsTokens() {
    LlmReply reply = new LlmClient(models).call("it", List.of(new SystemMessage("Answer with one word."),
        new UserMessage("Say pong.")));
    assertThat(reply.text()).containsIgnoringCase("pong");
    assertThat(reply.tokensIn()).isPositive();
    assertThat(reply.tokensOut()).isPositive();
  }

  @Test
  void streams() {
    StringBuilder text = new StringBuilder();
    models.model("it").stream(new Prompt(List.of(new UserMessage("Count from 1 to 5, digits separated by spaces."))))
        .toIterable().forEach(c -> {
          if (c.getResult() != null && c.getResult().getOutput().getText() != null) text.append(c.getResult().getOutput().getText());
        });
    assertThat(text.toString()).contains("1").contains("5");
  }
}
