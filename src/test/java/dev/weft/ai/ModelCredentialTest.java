package dev.weft.ai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.weft.definition.Json;
import dev.weft.node.CredentialResolver;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeFailure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.UserMessage;
import tools.jackson.databind.JsonNode;

/** Model profiles that take their API key from a stored credential, resolved at each call. */
class ModelCredentialTest {
  private static final List<Message> HELLO = List.of(new UserMessage("Hello?"));

  private WireMockServer llm;
  private final Map<String, CredentialResolver.Secret> secrets = new ConcurrentHashMap<>();
  /** The node ids the resolver was asked for (null: a use outside a run). */
  private final List<String> uses = new CopyOnWriteArrayList<>();
  private LlmClient client;
  private ChatModels models;

  @BeforeEach
  void setUp() {
    llm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    llm.start();
    llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(aResponse()
        .withHeader("Content-Type", "application/json").withBody(StubLlm.completion("Hi."))));
    ModelProfile keyed = profile("model-key");
    AiProperties props = new AiProperties("keyed", Map.of("keyed", keyed, "other", profile("other-key")), null, null);
    CredentialResolver resolver = (name, ctx) -> {
      uses.add(ctx == null ? "-" : ctx.nodeId());
      return Optional.ofNullable(secrets.get(name));
    };
    models = new ChatModels(props, env -> null, resolver, 2);
    client = new LlmClient(models);
  }

  @AfterEach
  void tearDown() {
    llm.stop();
  }

  private ModelProfile profile(String credential) {
    return new ModelProfile(ModelProfile.Provider.OPENAI, "http://127.0.0.1:" + llm.port() + "/v1", "m", null, null, null,
        null, null, Duration.ofSeconds(5), credential);
  }

  private void put(String name, String type, String data, String version) {
    secrets.put(name, new CredentialResolver.Secret(name, type, Json.parse(data), "default", version));
  }

  private List<String> authorizations() {
    return llm.getAllServeEvents().reversed().stream().map(e -> e.getRequest().getHeader("Authorization")).toList();
  }

  private static NodeContext node(String id) {
    return new NodeContext() {
      @Override
      public String runId() {
        return "run-1";
      }

      @Override
      public String nodeId() {
        return id;
      }

      @Override
      public JsonNode upstream() {
        return null;
      }

      @Override
      public Map<String, JsonNode> incoming() {
        return Map.of();
      }

      @Override
      public JsonNode evaluate(String expression, String field, JsonNode item) {
        return null;
      }
    };
  }

  @Test
  void theKeyOfABearerApiKeyOrCustomCredentialIsSentAsBearer() {
    put("model-key", "bearer", "{\"token\": \"sk-bearer-111111\"}", "v1");
    client.call("keyed", HELLO, Duration.ofSeconds(5), node("ask"));
    put("model-key", "apiKey", "{\"name\": \"X\", \"in\": \"header\", \"value\": \"sk-apikey-222222\"}", "v2");
    client.call("keyed", HELLO, Duration.ofSeconds(5), node("ask"));
    put("model-key", "custom", "{\"apiKey\": \"sk-custom-333333\", \"org\": \"o\"}", "v3");
    client.call("keyed", HELLO);

    assertThat(authorizations()).containsExactly("Bearer sk-bearer-111111", "Bearer sk-apikey-222222", "Bearer sk-custom-333333");
    // Resolved at every call, as a use by the calling node (or outside a run).
    assertThat(uses).containsExactly("ask", "ask", "-");
  }

  @Test
  void aReplacedCredentialIsUsedAtTheNextCallAndOldModelsAreBounded() {
    put("model-key", "bearer", "{\"token\": \"sk-first-000001\"}", "v1");
    put("other-key", "bearer", "{\"token\": \"sk-other-000003\"}", "v1");
    client.call("keyed", HELLO);
    client.call("other", HELLO);
    put("model-key", "bearer", "{\"token\": \"sk-second-00002\"}", "v2");
    client.call("keyed", HELLO);
    client.call("keyed", HELLO);
    assertThat(authorizations()).containsExactly("Bearer sk-first-000001", "Bearer sk-other-000003", "Bearer sk-second-00002",
        "Bearer sk-second-00002");
    // Three (profile, credential version)s seen, at most two models kept; a deleted credential's go at once.
    assertThat(models.credentialModels()).isEqualTo(2);
    models.forget("default", "model-key");
    assertThat(models.credentialModels()).isEqualTo(1);
    models.forget("other-tenant", "other-key");
    assertThat(models.credentialModels()).isEqualTo(1);
  }

  @Test
  void aMissingCredentialFailsAsCredentialUnknownWithoutACall() {
    assertThatThrownBy(() -> client.call("keyed", HELLO, Duration.ofSeconds(5), node("ask")))
        .isInstanceOfSatisfying(NodeFailure.class, f -> {
          assertThat(f.code()).isEqualTo("credential.unknown");
          assertThat(f.retryable()).isFalse();
          assertThat(f.getMessage()).contains("model-key");
        });
    put("model-key", "basic", "{\"username\": \"u\", \"password\": \"p-1234567\"}", "v1");
    assertThatThrownBy(() -> client.call("keyed", HELLO)).isInstanceOfSatisfying(NodeFailure.class,
        f -> assertThat(f.code()).isEqualTo("credential.unsupported"));
    assertThat(llm.getAllServeEvents()).isEmpty();
  }

  @Test
  void aRejectedKeyEchoedByTheProviderIsRedacted() {
    String key = "plain-key-not-sk-shaped-424242";
    put("model-key", "bearer", "{\"token\": \"" + key + "\"}", "v1");
    llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(1).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\": {\"message\": \"Incorrect API key provided: " + key + "\", \"type\": \"invalid_request_error\"}}")));
    assertThatThrownBy(() -> client.call("keyed", HELLO, Duration.ofSeconds(5), node("ask")))
        .isInstanceOfSatisfying(NodeFailure.class, f -> {
          assertThat(f.code()).isEqualTo("llm.auth");
          assertThat(f.getMessage()).doesNotContain(key);
        });
  }

  @Test
  void aProfileNamesItsKeyOneWayOnlyAndOnlyForOpenAi() {
    assertThatThrownBy(() -> new ModelProfile(ModelProfile.Provider.OPENAI, null, "m", "OPENAI_API_KEY", null, null, null, null,
        null, "model-key")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
    assertThatThrownBy(() -> new ModelProfile(ModelProfile.Provider.OLLAMA, null, "m", null, null, null, null, null, null,
        "model-key")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ModelProfile(ModelProfile.Provider.OPENAI, null, "m", null, null, null, null, null, null,
        "Not A Name")).isInstanceOf(IllegalArgumentException.class);
  }
}
