package dev.weft.ai;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

/** Model profiles for tests: {@code default} and {@code fast}, OpenAI wire format at a given base URL. */
public final class TestModels {
  public static final String KEY_ENV = "TEST_LLM_KEY";
  public static final String KEY = "sk-test-weft-0123456789";
  public static final String MODEL = "test-model";

  private TestModels() {}

  /** Profiles whose server is not there: enough for validation and dry runs. */
  public static LlmClient offline() {
    return openAi("http://127.0.0.1:9/v1");
  }

  /** @param baseUrl up to and including {@code /v1} */
  public static LlmClient openAi(String baseUrl) {
    return new LlmClient(models(baseUrl));
  }

  public static ChatModels models(String baseUrl) {
    ModelProfile p = new ModelProfile(ModelProfile.Provider.OPENAI, baseUrl, MODEL, KEY_ENV, null, null,
        new BigDecimal("0.5"), new BigDecimal("1.5"), Duration.ofSeconds(5), null);
    return new ChatModels(new AiProperties("default", Map.of("default", p, "fast", p), null, null),
        name -> KEY_ENV.equals(name) ? KEY : null);
  }
}
