package dev.weft.ai;

import dev.weft.node.CredentialResolver;
import dev.weft.node.NodeFailure;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.ollama.OllamaEmbeddingModel;
import org.springframework.ai.ollama.api.OllamaApi;
import org.springframework.ai.ollama.api.OllamaEmbeddingOptions;
import org.springframework.ai.ollama.management.ModelManagementOptions;
import org.springframework.ai.ollama.management.PullModelStrategy;
import org.springframework.ai.openai.OpenAiEmbeddingModel;
import org.springframework.ai.openai.OpenAiEmbeddingOptions;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Embedding models of the named profiles ({@code weft.ai.models.<name>}, the same settings as chat: an
 * OpenAI-compatible {@code /v1/embeddings} or Ollama's {@code /api/embed}), for knowledge bases. Like
 * {@link ChatModels}, providers never retry on their own; failures carry the {@code llm.*} codes of
 * {@link LlmClient#failure}, with the profile's key redacted.
 */
public class Embeddings {
  /** Texts sent in one request; more are sent in several. */
  public static final int BATCH = 64;

  private final AiProperties props;
  private final UnaryOperator<String> env;
  private final CredentialResolver credentials;
  private final Map<String, EmbeddingModel> models = new ConcurrentHashMap<>();

  public Embeddings(AiProperties props, UnaryOperator<String> env, CredentialResolver credentials) {
    this.props = props;
    this.env = env;
    this.credentials = credentials;
  }

  /** Whether a profile of that name is configured. */
  public boolean exists(String profile) {
    return profile != null && props.models().containsKey(profile);
  }

  /** Whether the profile's provider has embedding models here (OpenAI-compatible and Ollama; not Anthropic or Gemini). */
  public boolean embeds(String profile) {
    ModelProfile p = exists(profile) ? props.models().get(profile) : null;
    return p != null && (p.provider() == ModelProfile.Provider.OPENAI || p.provider() == ModelProfile.Provider.OLLAMA);
  }

  /**
   * The embeddings of {@code texts}, in order, one request per {@link #BATCH} texts.
   *
   * @throws NodeFailure {@code llm.unknown_model}, {@code llm.unavailable}, {@code llm.rate_limited}, ... and
   *     {@code llm.invalid_output} when the provider answers with another number of vectors
   */
  public List<float[]> embed(String profile, List<String> texts) {
    ModelProfile p = props.models().get(profile);
    if (p == null) {
      throw new NodeFailure("llm.unknown_model", "no model profile named '" + profile + "' (configured: "
          + String.join(", ", new java.util.TreeSet<>(props.models().keySet())) + ")", false);
    }
    String key = key(profile, p);
    EmbeddingModel model = p.credential() == null ? models.computeIfAbsent(profile, n -> build(p, key)) : build(p, key);
    List<float[]> out = new ArrayList<>(texts.size());
    for (int from = 0; from < texts.size(); from += BATCH) {
      List<String> batch = texts.subList(from, Math.min(texts.size(), from + BATCH));
      EmbeddingResponse r;
      try {
        r = model.embedForResponse(batch);
      } catch (NodeFailure f) {
        throw f;
      } catch (RuntimeException e) {
        NodeFailure f = LlmClient.failure(profile, e);
        throw new NodeFailure(f.code(), redact(f.getMessage(), key), f.retryable(), null, f.retryAfter().orElse(null));
      }
      if (r.getResults().size() != batch.size()) {
        throw new NodeFailure("llm.invalid_output", "model profile '" + profile + "' returned " + r.getResults().size()
            + " embeddings for " + batch.size() + " texts", false);
      }
      r.getResults().forEach(e -> out.add(e.getOutput()));
    }
    return out;
  }

  /** The API key: the profile's environment variable or credential; "none" for local servers without one. */
  private String key(String profile, ModelProfile p) {
    if (p.provider() == ModelProfile.Provider.OLLAMA) return null;
    if (p.credential() != null) {
      CredentialResolver.Secret s = credentials.resolve(p.credential(), null).orElseThrow(() -> new NodeFailure(
          "credential.unknown", "model profile '" + profile + "' names credential '" + p.credential() + "', which does not exist",
          false));
      String field = switch (s.type()) {
        case "bearer" -> "token";
        case "apiKey" -> "value";
        default -> "apiKey";
      };
      String k = s.data().path(field).asString("");
      if (k.isBlank()) {
        throw new NodeFailure("credential.invalid", "model profile '" + profile + "': credential '" + s.name() + "' has no " + field,
            false);
      }
      return k;
    }
    if (p.apiKeyEnv() == null || p.apiKeyEnv().isBlank()) return "none";
    String k = env.apply(p.apiKeyEnv());
    if (k == null || k.isBlank()) {
      throw new NodeFailure("llm.credential_missing", "the environment variable " + p.apiKeyEnv()
          + " that holds the API key of model '" + p.model() + "' is not set", false);
    }
    return k;
  }

  private static String redact(String text, String key) {
    return key == null || key.length() < 4 || text == null ? text : text.replace(key, "[redacted]");
  }

  private static EmbeddingModel build(ModelProfile p, String key) {
    return switch (p.provider()) {
      case OPENAI -> OpenAiEmbeddingModel.builder().options(OpenAiEmbeddingOptions.builder()
          .model(p.model()).baseUrl(p.effectiveBaseUrl()).apiKey(key).maxRetries(0).timeout(p.timeout()).build()).build();
      case OLLAMA -> {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(http);
        requests.setReadTimeout(p.timeout());
        OllamaApi api = OllamaApi.builder().baseUrl(p.effectiveBaseUrl())
            .restClientBuilder(RestClient.builder().requestFactory(requests)).responseErrorHandler(new ChatModels.StatusErrors()).build();
        yield OllamaEmbeddingModel.builder().ollamaApi(api)
            .options(OllamaEmbeddingOptions.builder().model(p.model()).build())
            .modelManagementOptions(ModelManagementOptions.builder().pullModelStrategy(PullModelStrategy.NEVER).build())
            .build();
      }
      case ANTHROPIC, GEMINI -> throw new NodeFailure("knowledge.embedding_unsupported", "model profile '" + p.model()
          + "' is of provider " + p.provider().name().toLowerCase(java.util.Locale.ROOT)
          + ", which has no embedding model here: use an OpenAI-compatible or Ollama profile", false);
    };
  }
}
