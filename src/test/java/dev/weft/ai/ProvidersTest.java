package dev.weft.ai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.weft.definition.Json;
import dev.weft.node.NodeFailure;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import tools.jackson.databind.JsonNode;

/** Anthropic and Gemini through Spring AI's model modules: their wire formats, error mapping and structured output. */
class ProvidersTest {
  private static final String KEY = "sk-ant-test-0123456789-secret";
  private static final List<Message> MESSAGES = List.of(new SystemMessage("You are terse."), new UserMessage("Hello?"));
  private static final String ANTHROPIC = "/v1/messages";
  private static final String GEMINI = "/v1beta/models/gemini-test:generateContent";
  private static final JsonNode SCHEMA = Json.parse("""
      {"type": "object", "additionalProperties": false, "required": ["label"],
       "properties": {"label": {"type": "string", "enum": ["billing", "bug"]}}}""");

  private WireMockServer server;

  @BeforeEach
  void setUp() {
    server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
  }

  @AfterEach
  void tearDown() {
    server.stop();
  }

  private String base() {
    return "http://127.0.0.1:" + server.port();
  }

  private static ModelProfile profile(ModelProfile.Provider provider, String baseUrl, String model) {
    return new ModelProfile(provider, baseUrl, model, "TEST_LLM_KEY", null, null, new BigDecimal("3"), new BigDecimal("15"),
        Duration.ofSeconds(5), null);
  }

  private static LlmClient client(ModelProfile p) {
    return new LlmClient(new ChatModels(new AiProperties("default", Map.of("default", p), null, null),
        name -> name.equals("TEST_LLM_KEY") ? KEY : null));
  }

  private static String anthropicAnswer(String text) {
    return """
        {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test-2025",
         "content": [{"type": "text", "text": %s}], "stop_reason": "end_turn", "stop_sequence": null,
         "usage": {"input_tokens": 1000, "output_tokens": 200}}""".formatted(Json.MAPPER.writeValueAsString(text));
  }

  private static String geminiAnswer(String text) {
    return """
        {"candidates": [{"content": {"role": "model", "parts": [{"text": %s}]}, "finishReason": "STOP", "index": 0}],
         "usageMetadata": {"promptTokenCount": 1000, "candidatesTokenCount": 200, "totalTokenCount": 1200},
         "modelVersion": "gemini-test-001"}""".formatted(Json.MAPPER.writeValueAsString(text));
  }

  private void stub(String path, int status, String body) {
    server.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(status)
        .withHeader("Content-Type", "application/json").withHeader("Retry-After", "7").withBody(body)));
  }

  private LoggedRequest only(String path) {
    List<LoggedRequest> all = server.findAll(postRequestedFor(urlPathEqualTo(path)));
    assertThat(all).hasSize(1);
    return all.getFirst();
  }

  private static NodeFailure failure(LlmClient client) {
    NodeFailure f = catchThrowableOfType(NodeFailure.class, () -> client.call(null, MESSAGES, Duration.ofSeconds(10), null));
    assertThat(f).isNotNull();
    assertThat(f.getMessage()).doesNotContain(KEY).doesNotContain("0123456789-secret");
    return f;
  }

  @Test
  void anthropicSpeaksTheMessagesApiWithTheKeyInItsHeader() {
    stub(ANTHROPIC, 200, anthropicAnswer("Hi."));

    LlmReply r = client(profile(ModelProfile.Provider.ANTHROPIC, base(), "claude-test")).call(null, MESSAGES);

    assertThat(r.text()).isEqualTo("Hi.");
    assertThat(r.tokensIn()).isEqualTo(1000);
    assertThat(r.tokensOut()).isEqualTo(200);
    assertThat(r.cost()).isEqualByComparingTo("6"); // 1 * 3 + 0.2 * 15
    LoggedRequest sent = only(ANTHROPIC);
    assertThat(sent.getHeader("x-api-key")).isEqualTo(KEY);
    JsonNode body = Json.parse(sent.getBodyAsString());
    assertThat(body.get("model").stringValue()).isEqualTo("claude-test");
    assertThat(body.get("max_tokens").asInt()).isEqualTo(ChatModels.ANTHROPIC_DEFAULT_MAX_TOKENS);
    assertThat(body.toString()).contains("You are terse.");
    assertThat(body.at("/messages/0/role").stringValue()).isEqualTo("user");
    assertThat(body.at("/messages/0/content").toString()).contains("Hello?");
  }

  @Test
  void anthropicFailuresMapToTheSameCodes() {
    String error = "{\"type\": \"error\", \"error\": {\"type\": \"x\", \"message\": \"key " + KEY + " refused\"}}";
    LlmClient client = client(profile(ModelProfile.Provider.ANTHROPIC, base(), "claude-test"));

    stub(ANTHROPIC, 429, error);
    NodeFailure limited = failure(client);
    assertThat(limited.code()).isEqualTo("llm.rate_limited");
    assertThat(limited.retryable()).isTrue();
    assertThat(limited.retryAfter()).contains(Duration.ofSeconds(7));

    server.resetAll();
    stub(ANTHROPIC, 529, error);
    assertThat(failure(client).code()).isEqualTo("llm.unavailable");

    server.resetAll();
    stub(ANTHROPIC, 401, error);
    NodeFailure auth = failure(client);
    assertThat(auth.code()).isEqualTo("llm.auth");
    assertThat(auth.retryable()).isFalse();
  }

  @Test
  void anthropicIsGivenTheSchemaAsStructuredOutput() {
    stub(ANTHROPIC, 200, anthropicAnswer("{\"label\": \"bug\"}"));

    LlmClient.StructuredReply r = client(profile(ModelProfile.Provider.ANTHROPIC, base(), "claude-test"))
        .callStructured(null, MESSAGES, SCHEMA, null, null);

    assertThat(r.value().get("label").stringValue()).isEqualTo("bug");
    assertThat(r.reply().structured()).isEqualTo(LlmReply.SCHEMA);
    JsonNode body = Json.parse(only(ANTHROPIC).getBodyAsString());
    assertThat(body.at("/output_config/format/type").stringValue()).isEqualTo("json_schema");
    assertThat(body.at("/output_config/format/schema")).isEqualTo(SCHEMA);
    assertThat(body.get("max_tokens").asInt()).isEqualTo(StructuredOutput.DEFAULT_MAX_TOKENS);
  }

  @Test
  void geminiSpeaksGenerateContentWithTheKeyInItsHeader() {
    stub(GEMINI, 200, geminiAnswer("Hi from Gemini."));

    LlmReply r = client(profile(ModelProfile.Provider.GEMINI, base(), "gemini-test")).call(null, MESSAGES);

    assertThat(r.text()).isEqualTo("Hi from Gemini.");
    assertThat(r.tokensIn()).isEqualTo(1000);
    assertThat(r.tokensOut()).isEqualTo(200);
    assertThat(r.cost()).isEqualByComparingTo("6");
    LoggedRequest sent = only(GEMINI);
    assertThat(sent.getHeader("x-goog-api-key")).isEqualTo(KEY);
    JsonNode body = Json.parse(sent.getBodyAsString());
    assertThat(body.at("/systemInstruction").toString()).contains("You are terse.");
    assertThat(body.at("/contents/0/role").stringValue()).isEqualTo("user");
    assertThat(body.at("/contents/0/parts/0/text").stringValue()).isEqualTo("Hello?");
  }

  @Test
  void geminiFailuresMapToTheSameCodes() throws Exception {
    String error = "{\"error\": {\"code\": 0, \"message\": \"key " + KEY + " refused\", \"status\": \"X\"}}";
    LlmClient client = client(profile(ModelProfile.Provider.GEMINI, base(), "gemini-test"));

    stub(GEMINI, 429, error.replace("\"code\": 0", "\"code\": 429"));
    NodeFailure limited = failure(client);
    assertThat(limited.code()).isEqualTo("llm.rate_limited");
    assertThat(limited.retryable()).isTrue();

    server.resetAll();
    stub(GEMINI, 503, error.replace("\"code\": 0", "\"code\": 503"));
    assertThat(failure(client).code()).isEqualTo("llm.unavailable");
    assertThat(server.findAll(postRequestedFor(urlPathEqualTo(GEMINI)))).as("no retries of its own").hasSize(1);

    server.resetAll();
    stub(GEMINI, 403, error.replace("\"code\": 0", "\"code\": 403"));
    assertThat(failure(client).code()).isEqualTo("llm.auth");

    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    NodeFailure down = failure(client(profile(ModelProfile.Provider.GEMINI, "http://127.0.0.1:" + closed, "gemini-test")));
    assertThat(down.code()).isEqualTo("llm.unavailable");
  }

  @Test
  void geminiIsGivenTheSchemaAsStructuredOutput() {
    stub(GEMINI, 200, geminiAnswer("{\"label\": \"billing\"}"));

    LlmClient.StructuredReply r = client(profile(ModelProfile.Provider.GEMINI, base(), "gemini-test"))
        .callStructured(null, MESSAGES, SCHEMA, null, null);

    assertThat(r.value().get("label").stringValue()).isEqualTo("billing");
    assertThat(r.reply().structured()).isEqualTo(LlmReply.SCHEMA);
    JsonNode config = Json.parse(only(GEMINI).getBodyAsString()).get("generationConfig");
    assertThat(config.get("responseMimeType").stringValue()).isEqualTo("application/json");
    assertThat(config.at("/responseJsonSchema/properties/label/enum")).extracting(JsonNode::stringValue)
        .containsExactly("billing", "bug");
    assertThat(config.get("maxOutputTokens").asInt()).isEqualTo(StructuredOutput.DEFAULT_MAX_TOKENS);
  }

  @Test
  void aFallbackOfAnotherProviderAnswersWhenTheFirstIsDown() {
    stub(ANTHROPIC, 529, "{\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"busy\"}}");
    stub(GEMINI, 200, geminiAnswer("from gemini"));
    ModelProfile claude = new ModelProfile(ModelProfile.Provider.ANTHROPIC, base(), "claude-test", "TEST_LLM_KEY", null,
        null, null, null, Duration.ofSeconds(5), null, null, null, List.of("gemini"));
    LlmClient client = new LlmClient(new ChatModels(new AiProperties("claude", Map.of("claude", claude,
        "gemini", profile(ModelProfile.Provider.GEMINI, base(), "gemini-test")), null, null),
        name -> name.equals("TEST_LLM_KEY") ? KEY : null));

    LlmReply r = client.call(null, MESSAGES);

    assertThat(r.text()).isEqualTo("from gemini");
    assertThat(r.profile()).isEqualTo("gemini");
  }
}
