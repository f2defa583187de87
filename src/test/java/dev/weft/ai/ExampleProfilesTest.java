package dev.weft.ai;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;

/** The model profiles the README starts the service with bind as documented. */
class ExampleProfilesTest {

  private static AiProperties bind(String file, Map<String, Object> env) throws IOException {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new MapPropertySource("env", env));
    new YamlPropertySourceLoader().load(file, new FileSystemResource(file))
        .forEach(s -> environment.getPropertySources().addLast(s));
    return Binder.get(environment).bind(AiProperties.PREFIX, AiProperties.class).get();
  }

  @Test
  void openAiProfileNamesTheKeyVariableAndDefaultsToOpenAi() throws IOException {
    ModelProfile p = bind("examples/ai/openai.yml", Map.of()).models().get("default");
    assertThat(p.provider()).isEqualTo(ModelProfile.Provider.OPENAI);
    assertThat(p.effectiveBaseUrl()).isEqualTo("https://api.openai.com/v1");
    assertThat(p.apiKeyEnv()).isEqualTo("OPENAI_API_KEY");
    assertThat(p.cost(1000, 1000)).isEqualByComparingTo("0.00075");
  }

  @Test
  void openAiCompatibleEndpointsComeFromTheEnvironment() throws IOException {
    ModelProfile p = bind("examples/ai/openai.yml",
        Map.of("OPENAI_BASE_URL", "http://localhost:8000/v1", "OPENAI_MODEL", "qwen2.5")).models().get("default");
    assertThat(p.effectiveBaseUrl()).isEqualTo("http://localhost:8000/v1");
    assertThat(p.model()).isEqualTo("qwen2.5");
  }

  @Test
  void ollamaProfileNeedsNoKey() throws IOException {
    ModelProfile p = bind("examples/ai/ollama.yml", Map.of()).models().get("default");
    assertThat(p.provider()).isEqualTo(ModelProfile.Provider.OLLAMA);
    assertThat(p.effectiveBaseUrl()).isEqualTo("http://localhost:11434");
    assertThat(p.model()).isEqualTo("llama3.1");
    assertThat(p.apiKeyEnv()).isNull();
  }

  @Test
  void structuredOutputContextTokensAndFallbackBindAndDefault(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws IOException {
    java.nio.file.Path file = dir.resolve("profiles.yml");
    java.nio.file.Files.writeString(file, """
        weft:
          ai:
            models:
              small:
                provider: openai
                base-url: http://127.0.0.1:8080/v1
                model: smollm2
                structured-output: off
                context-tokens: 2048
                fallback: [big]
              big:
                provider: ollama
                model: llama3.1
        """);
    AiProperties props = bind(file.toString(), Map.of());
    ModelProfile small = props.models().get("small");
    assertThat(small.structuredOutput()).isEqualTo(ModelProfile.StructuredOutput.OFF);
    assertThat(small.contextTokens()).isEqualTo(2048);
    assertThat(small.fallback()).containsExactly("big");
    ModelProfile big = props.models().get("big");
    assertThat(big.structuredOutput()).isEqualTo(ModelProfile.StructuredOutput.AUTO);
    assertThat(big.contextTokens()).isEqualTo(ModelProfile.DEFAULT_CONTEXT_TOKENS);
    assertThat(big.fallback()).isEmpty();
  }
}
