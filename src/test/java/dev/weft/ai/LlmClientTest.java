package dev.weft.ai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
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

/** The wire formats Weft speaks to model providers, and how their failures map to node failures. */
class LlmClientTest {
  private static final String KEY = "sk-test-0123456789-secret";
  private static final List<Message> MESSAGES = List.of(new SystemMessage("You are terse."), new UserMessage("Hello?"));

  private WireMockServer llm;

  @BeforeEach
  void setUp() {
    llm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    llm.start();
  }

  @AfterEach
  void tearDown() {
    llm.stop();
  }

  private LlmClient client(ModelProfile profile) {
    AiProperties props = new AiProperties("default", Map.of("default", profile), null, null);
    return new LlmClient(new ChatModels(props, name -> name.equals("TEST_LLM_KEY") ? KEY : null));
  }

  private ModelProfile openAi(String baseUrl, String keyEnv) {
    return new ModelProfile(ModelProfile.Provider.OPENAI, baseUrl, "gpt-test", keyEnv, null, null,
        new BigDecimal("0.5"), new BigDecimal("1.5"), Duration.ofSeconds(5), null);
  }

  private String v1() {
    return "http://127.0.0.1:" + llm.port() + "/v1";
  }

  static String openAiAnswer(String text, int in, int out) {
    return StubLlm.completion("gpt-test-2024", text, in, out);
  }

  @Test
  void openAiSpeaksChatCompletionsUnderTheV1BaseUrlWithTheKeyFromTheEnvironment() {
    llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(aResponse()
        .withHeader("Content-Type", "application/json").withBody(openAiAnswer("Hi.", 1200, 400))));

    LlmReply reply = client(openAi(v1() + "/", "TEST_LLM_KEY")).call(null, MESSAGES);

    assertThat(reply.text()).isEqualTo("Hi.");
    assertThat(reply.profile()).isEqualTo("default");
    assertThat(reply.model()).isEqualTo("gpt-test-2024");
    assertThat(reply.tokensIn()).isEqualTo(1200);
    assertThat(reply.tokensOut()).isEqualTo(400);
    // 1.2 * 0.5 + 0.4 * 1.5
    assertThat(reply.cost()).isEqualByComparingTo("1.2");
    assertThat(reply.usage().get("cost").decimalValue()).isEqualByComparingTo("1.2");
    assertThat(reply.usage().get("tokensIn").asLong()).isEqualTo(1200);
    llm.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
        .withHeader("Authorization", equalTo("Bearer " + KEY))
        .withRequestBody(matchingJsonPath("$.model", equalTo("gpt-test")))
        .withRequestBody(matchingJsonPath("$.messages[0].role", equalTo("system")))
        .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("You are terse.")))
        .withRequestBody(matchingJsonPath("$.messages[1].role", equalTo("user")))
        .withRequestBody(matchingJsonPath("$.messages[1].content", equalTo("Hello?"))));
  }

  @Test
  void ollamaSpeaksApiChatWithoutStreamingAndReportsItsTokenCounts() {
    llm.stubFor(post(urlPathEqualTo("/api/chat")).willReturn(aResponse().withHeader("Content-Type", "application/json")
        .withBody("""
            {"model": "llama3.2", "created_at": "2025-01-01T00:00:00Z",
             "message": {"role": "assistant", "content": "Hi from Ollama."},
             "done": true, "done_reason": "stop", "prompt_eval_count": 21, "eval_count": 7,
             "total_duration": 1000, "load_duration": 10, "prompt_eval_duration": 100, "eval_duration": 500}
            """)));
    ModelProfile p = new ModelProfile(ModelProfile.Provider.OLLAMA, "http://127.0.0.1:" + llm.port(), "llama3.2", null,
        null, null, null, null, Duration.ofSeconds(5), null);

    LlmReply reply = client(p).call("default", MESSAGES);

    assertThat(reply.text()).isEqualTo("Hi from Ollama.");
    assertThat(reply.tokensIn()).isEqualTo(21);
    assertThat(reply.tokensOut()).isEqualTo(7);
    assertThat(reply.cost()).isEqualByComparingTo("0");
    llm.verify(1, postRequestedFor(urlPathEqualTo("/api/chat"))
        .withRequestBody(matchingJsonPath("$.model", equalTo("llama3.2")))
        .withRequestBody(matchingJsonPath("$.stream", equalTo("false")))
        .withRequestBody(matchingJsonPath("$.messages[0].role", equalTo("system")))
        .withRequestBody(matchingJsonPath("$.messages[1].content", equalTo("Hello?"))));
  }

  @Test
  void aNodesTimeoutBoundsTheCallBelowTheProfilesHttpTimeout() {
    llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(aResponse()
        .withHeader("Content-Type", "application/json").withBody(openAiAnswer("Late.", 1, 1)).withFixedDelay(5_000)));
    LlmClient client = client(openAi(v1(), "TEST_LLM_KEY"));

    long started = System.nanoTime();
    NodeFailure f = org.assertj.core.api.Assertions.catchThrowableOfType(NodeFailure.class,
        () -> client.call(null, MESSAGES, java.time.Duration.ofMillis(300)));

    assertThat(f.code()).isEqualTo("llm.unavailable");
    assertThat(f.retryable()).isTrue();
    assertThat(f.getMessage()).contains("no answer within PT0.3S");
    // Given up on at the limit, not after the stub's 5 s (the profile's HTTP timeout is 120 s).
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(4));
  }

  @Test
  void rateLimitIsRetryableAndHonoursRetryAfter() {
    llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(429)
        .withHeader("Retry-After", "7").withHeader("Content-Type", "application/json")
        .withBody("{\"error\": {\"message\": \"slow down\", \"type\": \"rate_limit\"}}")));

    NodeFailure f = failure(client(openAi(v1(), "TEST_LLM_KEY")));

    assertThat(f.code()).isEqualTo("llm.rate_limited");
    assertThat(f.retryable()).isTrue();
    assertThat(f.retryAfter()).contains(Duration.ofSeconds(7));
    llm.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat/completions")));
  }

  @Test
  void serverErrorIsRetryableUnavailable() {
    llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(500)
        .withHeader("Content-Type", "application/json").withBody("{\"error\": {\"message\": \"boom\"}}")));

    NodeFailure f = failure(client(openAi(v1(), "TEST_LLM_KEY")));

    assertThat(f.code()).isEqualTo("llm.unavailable");
    assertThat(f.retryable()).isTrue();
    llm.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat/completions")));
  }

  @Test
  void ollamaServerErrorIsRetryableUnavailable() {
    llm.stubFor(post(urlPathEqualTo("/api/chat")).willReturn(aResponse().withStatus(503).withBody("loading")));
    ModelProfile p = new ModelProfile(ModelProfile.Provider.OLLAMA, "http://127.0.0.1:" + llm.port(), "llama3.2", null,
        null, null, null, null, Duration.ofSeconds(5), null);

    NodeFailure f = failure(client(p));

    assertThat(f.code()).isEqualTo("llm.unavailable");
    assertThat(f.retryable()).isTrue();
    llm.verify(1, postRequestedFor(urlPathEqualTo("/api/chat")));
  }

  @Test
  void unauthorizedIsFinalAndNeverShowsTheKey() {
    // A provider may echo the key it rejected.
    llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\": {\"message\": \"Incorrect API key provided: " + KEY + "\", \"type\": \"invalid_request_error\"}}")));

    NodeFailure f = failure(client(openAi(v1(), "TEST_LLM_KEY")));

    assertThat(f.code()).isEqualTo("llm.auth");
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).doesNotContain(KEY).doesNotContain("0123456789-secret");
  }

  @Test
  void otherClientErrorsAreFinalRejections() {
    llm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json").withBody("{\"error\": {\"message\": \"context too long\"}}")));

    NodeFailure f = failure(client(openAi(v1(), "TEST_LLM_KEY")));

    assertThat(f.code()).isEqualTo("llm.rejected");
    assertThat(f.retryable()).isFalse();
  }

  @Test
  void connectionRefusedIsRetryableUnavailable() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }

    NodeFailure f = failure(client(openAi("http://127.0.0.1:" + closed + "/v1", "TEST_LLM_KEY")));

    assertThat(f.code()).isEqualTo("llm.unavailable");
    assertThat(f.retryable()).isTrue();
    assertThat(f.getMessage()).doesNotContain(KEY);
  }

  @Test
  void aMissingKeyVariableIsFinalAndNamesTheVariable() {
    NodeFailure f = failure(client(openAi(v1(), "NOT_SET_LLM_KEY")));

    assertThat(f.code()).isEqualTo("llm.credential_missing");
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).contains("NOT_SET_LLM_KEY");
    llm.verify(0, postRequestedFor(urlPathEqualTo("/v1/chat/completions")));
  }

  @Test
  void anUnknownProfileIsFinal() {
    NodeFailure f = failure(client(openAi(v1(), "TEST_LLM_KEY")), "nope");

    assertThat(f.code()).isEqualTo("llm.unknown_model");
    assertThat(f.retryable()).isFalse();
  }

  @Test
  void theUsageOfTwoCallsIsSummed() {
    LlmReply a = new LlmReply("x", "default", "m", 10, 2, 30, new BigDecimal("0.01"));
    LlmReply b = new LlmReply("y", "default", "m", 5, 1, 20, new BigDecimal("0.02"));

    LlmReply sum = a.plus(b);

    assertThat(sum.text()).isEqualTo("y");
    assertThat(sum.tokensIn()).isEqualTo(15);
    assertThat(sum.tokensOut()).isEqualTo(3);
    assertThat(sum.latencyMs()).isEqualTo(50);
    assertThat(sum.cost()).isEqualByComparingTo("0.03");
  }

  private static NodeFailure failure(LlmClient client) {
    return failure(client, null);
  }

  private static NodeFailure failure(LlmClient client, String profile) {
    Throwable[] caught = new Throwable[1];
    assertThatThrownBy(() -> client.call(profile, MESSAGES)).isInstanceOf(NodeFailure.class).satisfies(t -> caught[0] = t);
    NodeFailure f = (NodeFailure) caught[0];
    assertThat(f.getMessage()).doesNotContain(KEY);
    return f;
  }
}
