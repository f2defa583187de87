package dev.weft.api;

import dev.weft.ai.StubLlm;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Service tests that need a model: one scripted model (WireMock on 127.0.0.1) for the whole JVM, and one
 * Spring context for every such test class. Profiles: {@code default} (OpenAI wire format),
 * {@code local} (Ollama's) and {@code keyed} (OpenAI's, its key from the credential {@code model-key}).
 */
public abstract class AiServiceTestSupport extends ServiceTestSupport {
  protected static final StubLlm LLM = new StubLlm().start();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(LLM.server::stop));
  }

  @DynamicPropertySource
  static void models(DynamicPropertyRegistry r) {
    r.add("weft.ai.models.default.provider", () -> "openai");
    r.add("weft.ai.models.default.base-url", LLM::openAiBaseUrl);
    r.add("weft.ai.models.default.model", () -> "stub-model");
    r.add("weft.ai.models.default.input-price-per1k", () -> "0.01");
    r.add("weft.ai.models.local.provider", () -> "ollama");
    r.add("weft.ai.models.local.base-url", LLM::ollamaBaseUrl);
    r.add("weft.ai.models.local.model", () -> "llama-stub");
    r.add("weft.ai.models.keyed.base-url", LLM::openAiBaseUrl);
    r.add("weft.ai.models.keyed.model", () -> "stub-model");
    r.add("weft.ai.models.keyed.credential", () -> "model-key");
    r.add("weft.ai.agent.keep-messages", () -> "6");
  }

  @BeforeEach
  void resetLlm() {
    LLM.reset();
  }
}
