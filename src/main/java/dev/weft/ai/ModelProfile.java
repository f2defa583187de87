package dev.weft.ai;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One named model: where it is, which model, and what it costs. The key is named, never given: either
 * the environment variable that holds it ({@code apiKeyEnv}) or a stored credential ({@code credential},
 * resolved in the current tenant at each call); a key must not sit in configuration files, workflow JSON,
 * Temporal history or logs.
 *
 * @param provider {@code openai} (and any OpenAI-compatible endpoint), {@code ollama}, {@code anthropic} or
 *     {@code gemini} (Google's Gemini API)
 * @param baseUrl OpenAI: up to and including {@code /v1}; Ollama: the server ({@code http://localhost:11434});
 *     Anthropic: {@code https://api.anthropic.com}; Gemini: {@code https://generativelanguage.googleapis.com}
 * @param model the provider's model name
 * @param apiKeyEnv the environment variable holding the API key (every provider but Ollama)
 * @param temperature sampling temperature, unset = the provider's default
 * @param maxTokens the most output tokens per call, unset = the provider's default
 * @param inputPricePer1k price of 1,000 input tokens, in the account's currency
 * @param outputPricePer1k price of 1,000 output tokens
 * @param timeout one HTTP call's limit (a node's own timeout bounds it too)
 * @param credential the stored credential holding the API key (every provider but Ollama): a {@code bearer}
 *     credential's {@code token}, an {@code apiKey} credential's {@code value} or a {@code custom} credential's
 *     {@code apiKey} field; instead of {@code apiKeyEnv}
 * @param structuredOutput {@code auto}: calls that expect JSON send their schema to the provider (OpenAI
 *     {@code response_format}, Ollama {@code format}) and fall back to asking in the prompt when the endpoint
 *     rejects it; {@code off}: only ask in the prompt
 * @param contextTokens the model's context window in tokens; prompts Weft assembles (workflow generation) stay
 *     under it
 * @param fallback profiles asked in this order when this one is unavailable or rate limited
 */
public record ModelProfile(
    @DefaultValue("openai") Provider provider,
    String baseUrl,
    String model,
    String apiKeyEnv,
    Double temperature,
    Integer maxTokens,
    @DefaultValue("0") BigDecimal inputPricePer1k,
    @DefaultValue("0") BigDecimal outputPricePer1k,
    @DefaultValue("120s") Duration timeout,
    String credential,
    @DefaultValue("auto") StructuredOutput structuredOutput,
    @DefaultValue("8192") Integer contextTokens,
    List<String> fallback) {

  /** The context window assumed when a profile names none. */
  public static final int DEFAULT_CONTEXT_TOKENS = 8192;
  /** The smallest context window a profile may declare. */
  public static final int MIN_CONTEXT_TOKENS = 512;

  /** The wire formats Weft speaks. */
  public enum Provider {
    OPENAI, OLLAMA, ANTHROPIC, GEMINI
  }

  /** Whether the provider is given the schema of an answer that must be JSON. */
  public enum StructuredOutput {
    AUTO, OFF
  }

  /** A profile with the defaults of the settings added after the first ten. */
  public ModelProfile(Provider provider, String baseUrl, String model, String apiKeyEnv, Double temperature,
      Integer maxTokens, BigDecimal inputPricePer1k, BigDecimal outputPricePer1k, Duration timeout, String credential) {
    this(provider, baseUrl, model, apiKeyEnv, temperature, maxTokens, inputPricePer1k, outputPricePer1k, timeout,
        credential, StructuredOutput.AUTO, DEFAULT_CONTEXT_TOKENS, List.of());
  }

  @ConstructorBinding
  public ModelProfile {
    if (model == null || model.isBlank()) throw new IllegalArgumentException("a model profile needs a model name");
    if (inputPricePer1k == null) inputPricePer1k = BigDecimal.ZERO;
    if (outputPricePer1k == null) outputPricePer1k = BigDecimal.ZERO;
    if (timeout == null) timeout = Duration.ofSeconds(120);
    if (credential != null && credential.isBlank()) credential = null;
    if (structuredOutput == null) structuredOutput = StructuredOutput.AUTO;
    if (contextTokens == null) contextTokens = DEFAULT_CONTEXT_TOKENS;
    if (contextTokens < MIN_CONTEXT_TOKENS) {
      throw new IllegalArgumentException("context-tokens must be at least " + MIN_CONTEXT_TOKENS);
    }
    fallback = fallback == null ? List.of() : List.copyOf(fallback);
    if (credential != null) {
      if (apiKeyEnv != null && !apiKeyEnv.isBlank()) {
        throw new IllegalArgumentException("a model profile names its key by api-key-env or by credential, not both");
      }
      if (provider == Provider.OLLAMA) throw new IllegalArgumentException("credential is for profiles that take a key, not Ollama's");
      if (!dev.weft.node.CredentialResolver.NAME.matcher(credential).matches()) {
        throw new IllegalArgumentException("credential must name a credential: [a-z0-9][a-z0-9_-]{0,62}");
      }
    }
  }

  public String effectiveBaseUrl() {
    if (baseUrl != null && !baseUrl.isBlank()) return baseUrl.replaceAll("/+$", "");
    return switch (provider) {
      case OLLAMA -> "http://localhost:11434";
      case ANTHROPIC -> "https://api.anthropic.com";
      case GEMINI -> "https://generativelanguage.googleapis.com";
      case OPENAI -> "https://api.openai.com/v1";
    };
  }

  /** What {@code tokensIn}/{@code tokensOut} cost under this profile's prices. */
  public BigDecimal cost(long tokensIn, long tokensOut) {
    return inputPricePer1k.multiply(BigDecimal.valueOf(tokensIn))
        .add(outputPricePer1k.multiply(BigDecimal.valueOf(tokensOut)))
        .divide(BigDecimal.valueOf(1000))
        .stripTrailingZeros();
  }
}
