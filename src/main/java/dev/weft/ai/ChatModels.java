package dev.weft.ai;

import dev.weft.node.CredentialResolver;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeFailure;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.ai.anthropic.AnthropicChatModel;
import org.springframework.ai.anthropic.AnthropicChatOptions;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.google.genai.GoogleGenAiChatModel;
import org.springframework.ai.google.genai.GoogleGenAiChatOptions;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.ollama.OllamaChatModel;
import org.springframework.ai.ollama.api.OllamaApi;
import org.springframework.ai.ollama.api.OllamaChatOptions;
import org.springframework.ai.ollama.management.ModelManagementOptions;
import org.springframework.ai.ollama.management.PullModelStrategy;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.client.ResponseErrorHandler;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The chat models of the named profiles, built on first use. Providers never retry on their own:
 * retries belong to the node's Temporal retry policy, so a retry is visible in history and a recorded
 * answer is never paid for twice. A profile that names a credential resolves it at every call (in the
 * current tenant, audited as a use) and gets a model per (tenant, credential, credential version), a
 * bounded number of them kept in memory; replacing or deleting the credential drops its models.
 */
public class ChatModels implements CredentialResolver.Cache {
  private static final int ERROR_PREVIEW = 1_024;
  /** Shapes of common provider keys, redacted even when the key is not this profile's. */
  private static final Pattern SECRET_LIKE = Pattern.compile("\\b(sk|pk|rk)-[A-Za-z0-9_-]{8,}");

  private final AiProperties props;
  private final UnaryOperator<String> env;
  private final Map<String, ChatModel> models = new ConcurrentHashMap<>();
  private final CredentialResolver credentials;
  /** Profiles whose endpoint rejected a schema: asked in the prompt only until the process restarts. */
  private final Set<String> schemaRejected = ConcurrentHashMap.newKeySet();
  /** The models of credential profiles, least recently used first; guarded by itself. */
  private final Map<ClientKey, ChatModel> credentialModels;

  private record ClientKey(String profile, String tenant, String credential, String version) {}

  /** A profile's model for one call, and how to take its key out of a text (a failure message). */
  public record Use(ChatModel model, UnaryOperator<String> redact) {}

  /** @param env reads an environment variable ({@code System::getenv} in production) */
  public ChatModels(AiProperties props, UnaryOperator<String> env) {
    this(props, env, CredentialResolver.NONE, 64);
  }

  /**
   * @param credentials resolves the credentials profiles name
   * @param maxCredentialModels how many models of credential profiles are kept (least recently used dropped first)
   */
  public ChatModels(AiProperties props, UnaryOperator<String> env, CredentialResolver credentials, int maxCredentialModels) {
    this.props = props;
    this.env = env;
    this.credentials = credentials;
    this.credentialModels = new java.util.LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<ClientKey, ChatModel> eldest) {
        return size() > maxCredentialModels;
      }
    };
  }

  public AiProperties props() {
    return props;
  }

  public Set<String> names() {
    return new TreeSet<>(props.models().keySet());
  }

  /** The profile's name when {@code name} is blank. */
  public String resolve(String name) {
    return name == null || name.isBlank() ? props.defaultModel() : name;
  }

  public Optional<ModelProfile> profile(String name) {
    return Optional.ofNullable(props.models().get(resolve(name)));
  }

  /** @throws NodeFailure {@code llm.unknown_model} or {@code llm.credential_missing}, not retryable */
  public ModelProfile require(String name) {
    String resolved = resolve(name);
    return profile(resolved).orElseThrow(() -> new NodeFailure("llm.unknown_model", "no model profile named '" + resolved
        + "' (configured: " + (names().isEmpty() ? "none; set weft.ai.models.<name>.*" : String.join(", ", names())) + ")",
        false));
  }

  /** The profile's model; a credential profile's resolved as a use outside a run. */
  public ChatModel model(String name) {
    return use(name, null).model();
  }

  /**
   * The profile's model for a call by the node of {@code ctx} (null: outside a run). A credential profile's
   * key is resolved now, on the caller's thread (the current tenant is thread-bound).
   *
   * @throws NodeFailure {@code credential.unknown} when the profile's credential does not exist, {@code
   *     credential.unsupported} when it is of a type that holds no API key; neither retryable
   */
  public Use use(String name, NodeContext ctx) {
    String resolved = resolve(name);
    ModelProfile profile = require(resolved);
    if (profile.credential() == null) {
      ChatModel m = models.computeIfAbsent(resolved, n -> build(profile, null));
      return new Use(m, text -> redact(resolved, text));
    }
    CredentialResolver.Secret secret = credentials.resolve(profile.credential(), ctx).orElseThrow(() -> new NodeFailure(
        "credential.unknown", "model profile '" + resolved + "' names credential '" + profile.credential()
        + "', which does not exist", false));
    String key = key(resolved, secret);
    ClientKey ck = new ClientKey(resolved, secret.tenant(), secret.name(), secret.version());
    ChatModel m;
    synchronized (credentialModels) {
      m = credentialModels.get(ck);
      if (m == null) {
        m = build(profile, key);
        credentialModels.put(ck, m);
      }
    }
    return new Use(m, text -> redactKey(text, key));
  }

  @Override
  public void forget(String tenant, String name) {
    synchronized (credentialModels) {
      credentialModels.keySet().removeIf(k -> k.tenant().equals(tenant) && k.credential().equals(name));
    }
  }

  /** How many models of credential profiles are kept. */
  int credentialModels() {
    synchronized (credentialModels) {
      return credentialModels.size();
    }
  }

  /** The API key a credential holds: a bearer's token, an apiKey's value, a custom credential's apiKey field. */
  private static String key(String profile, CredentialResolver.Secret s) {
    String field = switch (s.type()) {
      case "bearer" -> "token";
      case "apiKey" -> "value";
      case "custom" -> "apiKey";
      default -> throw new NodeFailure("credential.unsupported", "model profile '" + profile + "': credential '" + s.name()
          + "' is of type " + s.type() + ", which holds no API key (bearer, apiKey or custom with an apiKey field)", false);
    };
    String key = s.data().path(field).asString("");
    if (key.isBlank()) {
      throw new NodeFailure("credential.invalid", "model profile '" + profile + "': credential '" + s.name() + "' has no "
          + field, false);
    }
    return key;
  }

  /**
   * Per-call options for the profile's model with {@code tools} offered to it. Spring AI 2 models do not
   * merge a prompt's options with their defaults field by field, so these carry the profile's settings.
   */
  public ChatOptions toolOptions(String name, List<ToolCallback> tools) {
    ModelProfile p = require(name);
    return switch (p.provider()) {
      case OPENAI -> openAiOptions(p).toolCallbacks(tools).build();
      case OLLAMA -> ollamaOptions(p).toolCallbacks(tools).build();
      case ANTHROPIC -> anthropicOptions(p).toolCallbacks(tools).build();
      case GEMINI -> geminiOptions(p).toolCallbacks(tools).build();
    };
  }

  /**
   * Per-call options that give the profile's provider the JSON schema the answer must match: OpenAI's {@code
   * response_format} ({@code json_schema}, strict when the schema allows it), Ollama's {@code format},
   * Anthropic's and Gemini's JSON-schema output settings (Spring AI's {@code outputSchema}). The
   * output is bounded by {@link StructuredOutput#maxTokens}.
   */
  public ChatOptions structuredOptions(String name, tools.jackson.databind.JsonNode schema) {
    ModelProfile p = require(name);
    int maxTokens = StructuredOutput.maxTokens(p);
    return switch (p.provider()) {
      case OPENAI -> openAiOptions(p).maxTokens(maxTokens)
          .extraBody(Map.of("response_format", StructuredOutput.openAiResponseFormat(schema))).build();
      case OLLAMA -> ollamaOptions(p).numPredict(maxTokens).format(StructuredOutput.asMap(schema)).build();
      case ANTHROPIC -> anthropicOptions(p).maxTokens(maxTokens).outputSchema(schema.toString()).build();
      case GEMINI -> geminiOptions(p).maxTokens(maxTokens).outputSchema(schema.toString()).build();
    };
  }

  /**
   * Per-call options of an agent's turn that has an answer schema: the tools offered and, as in {@link
   * #structuredOptions}, the schema a final (text) answer must match; tool calls stay possible.
   */
  public ChatOptions agentOptions(String name, List<ToolCallback> tools, tools.jackson.databind.JsonNode schema) {
    ModelProfile p = require(name);
    return switch (p.provider()) {
      case OPENAI -> openAiOptions(p).toolCallbacks(tools)
          .extraBody(Map.of("response_format", StructuredOutput.openAiResponseFormat(schema))).build();
      case OLLAMA -> ollamaOptions(p).toolCallbacks(tools).format(StructuredOutput.asMap(schema)).build();
      case ANTHROPIC -> anthropicOptions(p).toolCallbacks(tools).outputSchema(schema.toString()).build();
      case GEMINI -> geminiOptions(p).toolCallbacks(tools).outputSchema(schema.toString()).build();
    };
  }

  /**
   * Whether calls of the profile send their schema: its {@code structured-output} is {@code auto} and its
   * endpoint has not rejected a schema since the process started.
   */
  public boolean sendsSchema(String name) {
    String resolved = resolve(name);
    return require(resolved).structuredOutput() == ModelProfile.StructuredOutput.AUTO && !schemaRejected.contains(resolved);
  }

  /** Remembers, for this process, that the profile's endpoint rejects structured output. */
  public void schemaRejected(String name) {
    schemaRejected.add(resolve(name));
  }

  /** The profile's sampling settings, shared by the model's defaults and per-call options. */
  private static OpenAiChatOptions.Builder openAiOptions(ModelProfile p) {
    OpenAiChatOptions.Builder b = OpenAiChatOptions.builder().model(p.model());
    if (p.temperature() != null) b.temperature(p.temperature());
    if (p.maxTokens() != null) b.maxTokens(p.maxTokens());
    return b;
  }

  private static OllamaChatOptions.Builder ollamaOptions(ModelProfile p) {
    OllamaChatOptions.Builder b = OllamaChatOptions.builder().model(p.model());
    if (p.temperature() != null) b.temperature(p.temperature());
    if (p.maxTokens() != null) b.numPredict(p.maxTokens());
    return b;
  }

  /**
   * Anthropic requires a limit on every call; Weft sends the profile's, else this one. Anthropic's own
   * default-free API would reject the call otherwise.
   */
  static final int ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

  private static AnthropicChatOptions.Builder anthropicOptions(ModelProfile p) {
    AnthropicChatOptions.Builder b = AnthropicChatOptions.builder().model(p.model());
    if (p.temperature() != null) b.temperature(p.temperature());
    b.maxTokens(p.maxTokens() != null ? p.maxTokens() : ANTHROPIC_DEFAULT_MAX_TOKENS);
    return b;
  }

  private static GoogleGenAiChatOptions.Builder geminiOptions(ModelProfile p) {
    GoogleGenAiChatOptions.Builder b = GoogleGenAiChatOptions.builder().model(p.model());
    if (p.temperature() != null) b.temperature(p.temperature());
    if (p.maxTokens() != null) b.maxTokens(p.maxTokens());
    return b;
  }

  /** @param key the credential's key; null: the profile's environment variable */
  private ChatModel build(ModelProfile p, String key) {
    return switch (p.provider()) {
      case OPENAI -> openAi(p, key == null ? apiKey(p) : key);
      case OLLAMA -> ollama(p);
      case ANTHROPIC -> anthropic(p, key == null ? apiKey(p) : key);
      case GEMINI -> gemini(p, key == null ? apiKey(p) : key);
    };
  }

  private ChatModel anthropic(ModelProfile p, String key) {
    AnthropicChatOptions options = anthropicOptions(p)
        .baseUrl(p.effectiveBaseUrl())
        .apiKey(key)
        .maxRetries(0)
        .timeout(p.timeout())
        .build();
    return AnthropicChatModel.builder().options(options).build();
  }

  /** Gemini's client: the profile's base URL and timeout, the key in its header, no retries of its own. */
  private ChatModel gemini(ModelProfile p, String key) {
    com.google.genai.Client client = com.google.genai.Client.builder()
        .apiKey(key)
        .httpOptions(com.google.genai.types.HttpOptions.builder()
            .baseUrl(p.effectiveBaseUrl())
            .timeout((int) Math.min(Integer.MAX_VALUE, p.timeout().toMillis()))
            .retryOptions(com.google.genai.types.HttpRetryOptions.builder().attempts(1).build())
            .build())
        .build();
    return GoogleGenAiChatModel.builder()
        .genAiClient(client)
        .options(geminiOptions(p).build())
        .retryTemplate(new RetryTemplate(RetryPolicy.withMaxRetries(0)))
        .build();
  }

  private ChatModel openAi(ModelProfile p, String key) {
    OpenAiChatOptions options = openAiOptions(p)
        .baseUrl(p.effectiveBaseUrl())
        .apiKey(key)
        .maxRetries(0)
        .timeout(p.timeout())
        .build();
    return OpenAiChatModel.builder().options(options).build();
  }

  /**
   * {@code text} without the profile's API key: a provider may echo the key it rejected, and failure
   * messages end up in events, history and logs.
   */
  public String redact(String name, String text) {
    if (text == null) return null;
    ModelProfile p = props.models().get(resolve(name));
    String key = p != null && p.apiKeyEnv() != null && !p.apiKeyEnv().isBlank() ? env.apply(p.apiKeyEnv()) : null;
    return redactKey(text, key);
  }

  private static String redactKey(String text, String key) {
    if (text == null) return null;
    String out = text;
    if (key != null && key.length() >= 4) out = out.replace(key, "[redacted]");
    return SECRET_LIKE.matcher(out).replaceAll("[redacted]");
  }

  private String apiKey(ModelProfile p) {
    if (p.apiKeyEnv() == null || p.apiKeyEnv().isBlank()) return "none"; // local OpenAI-compatible servers
    String key = env.apply(p.apiKeyEnv());
    if (key == null || key.isBlank()) {
      throw new NodeFailure("llm.credential_missing", "the environment variable " + p.apiKeyEnv()
          + " that holds the API key of model '" + p.model() + "' is not set", false);
    }
    return key;
  }

  private ChatModel ollama(ModelProfile p) {
    // HTTP/1.1: the JDK client's default h2c upgrade on a POST breaks the connection with some servers.
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(http);
    requests.setReadTimeout(p.timeout());
    OllamaApi api = OllamaApi.builder()
        .baseUrl(p.effectiveBaseUrl())
        .restClientBuilder(RestClient.builder().requestFactory(requests))
        .webClientBuilder(WebClient.builder().clientConnector(new JdkClientHttpConnector(http)))
        .responseErrorHandler(new StatusErrors())
        .build();
    return OllamaChatModel.builder()
        .ollamaApi(api)
        .options(ollamaOptions(p).build())
        .retryTemplate(new RetryTemplate(RetryPolicy.withMaxRetries(0)))
        .modelManagementOptions(ModelManagementOptions.builder().pullModelStrategy(PullModelStrategy.NEVER).build())
        .build();
  }

  /** Keeps an error's status instead of Spring AI's prose, so the node can tell retryable from final. */
  /** Keeps an error answer's status (as {@link LlmStatusException}): chat and embedding clients alike. */
  static final class StatusErrors implements ResponseErrorHandler {
    @Override
    public boolean hasError(ClientHttpResponse response) throws java.io.IOException {
      return response.getStatusCode().isError();
    }

    @Override
    public void handleError(URI url, HttpMethod method, ClientHttpResponse response) throws java.io.IOException {
      byte[] body = response.getBody().readNBytes(ERROR_PREVIEW);
      throw new LlmStatusException(response.getStatusCode().value(), new String(body, StandardCharsets.UTF_8),
          response.getHeaders().getFirst("retry-after"));
    }
  }
}
