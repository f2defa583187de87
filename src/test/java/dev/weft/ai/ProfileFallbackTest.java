package dev.weft.ai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.weft.node.NodeFailure;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.UserMessage;

/** A profile's {@code fallback}: the next profiles answer when it is unavailable or rate limited, and only then. */
class ProfileFallbackTest {
  private static final List<Message> MESSAGES = List.of(new UserMessage("Hello?"));

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

  private ModelProfile profile(String path, String model, List<String> fallback) {
    return new ModelProfile(ModelProfile.Provider.OPENAI, "http://127.0.0.1:" + server.port() + path, model, null, null,
        null, new BigDecimal("1"), BigDecimal.ZERO, Duration.ofSeconds(5), null, null, null, fallback);
  }

  private LlmClient client() {
    return new LlmClient(new ChatModels(new AiProperties("main", Map.of(
        "main", profile("/main/v1", "big", List.of("second", "third")),
        "second", profile("/second/v1", "medium", List.of()),
        "third", profile("/third/v1", "small", List.of())), null, null), name -> null));
  }

  private void status(String path, int status) {
    server.stubFor(post(urlPathEqualTo(path + "/chat/completions")).willReturn(aResponse().withStatus(status)
        .withHeader("Content-Type", "application/json").withBody("{\"error\": {\"message\": \"status " + status + "\"}}")));
  }

  private void answer(String path, String text) {
    server.stubFor(post(urlPathEqualTo(path + "/chat/completions")).willReturn(aResponse()
        .withHeader("Content-Type", "application/json").withBody(StubLlm.completion("m-" + path, text, 1000, 10))));
  }

  private int calls(String path) {
    return server.findAll(postRequestedFor(urlPathEqualTo(path + "/chat/completions"))).size();
  }

  @Test
  void anUnavailableProfileFallsOverToTheNextThatAnswersAndTheReplyNamesIt() {
    status("/main/v1", 503);
    status("/second/v1", 429);
    answer("/third/v1", "from third");

    LlmReply r = client().call("main", MESSAGES, null, null);

    assertThat(r.text()).isEqualTo("from third");
    assertThat(r.profile()).isEqualTo("third");
    assertThat(r.usage().get("profile").stringValue()).isEqualTo("third");
    assertThat(List.of(calls("/main/v1"), calls("/second/v1"), calls("/third/v1"))).containsExactly(1, 1, 1);
  }

  @Test
  void theFirstProfileThatAnswersEndsTheChain() {
    answer("/main/v1", "from main");
    answer("/second/v1", "from second");

    LlmReply r = client().call(null, MESSAGES, null, null);

    assertThat(r.profile()).isEqualTo("main");
    assertThat(calls("/second/v1")).isZero();
  }

  @Test
  void aFinalFailureDoesNotFallOver() {
    status("/main/v1", 401);
    answer("/second/v1", "from second");

    NodeFailure f = catchThrowableOfType(NodeFailure.class, () -> client().call("main", MESSAGES, null, null));

    assertThat(f.code()).isEqualTo("llm.auth");
    assertThat(calls("/second/v1")).isZero();
  }

  @Test
  void whenEveryProfileIsDownTheLastFailureIsReportedRetryable() {
    status("/main/v1", 503);
    status("/second/v1", 503);
    status("/third/v1", 429);

    NodeFailure f = catchThrowableOfType(NodeFailure.class, () -> client().call("main", MESSAGES, null, null));

    assertThat(f.code()).isEqualTo("llm.rate_limited");
    assertThat(f.retryable()).isTrue();
    assertThat(f.getMessage()).contains("'third'");
  }

  @Test
  void theNodesTimeLimitBoundsTheFallbacksTooAndTheyGetWhatIsLeft() {
    server.stubFor(post(urlPathEqualTo("/main/v1/chat/completions")).willReturn(aResponse().withFixedDelay(2_000)
        .withHeader("Content-Type", "application/json").withBody(StubLlm.completion("late"))));
    answer("/second/v1", "from second");

    long started = System.nanoTime();
    NodeFailure f = catchThrowableOfType(NodeFailure.class, () -> client().call("main", MESSAGES, Duration.ofMillis(500), null));

    assertThat(f.code()).isEqualTo("llm.unavailable");
    assertThat(f.getMessage()).contains("'main'", "no answer within");
    assertThat(calls("/second/v1")).as("no time left for a fallback").isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1_900));

    status("/main/v1", 503);
    LlmReply r = client().call("main", MESSAGES, Duration.ofSeconds(5), null);
    assertThat(r.profile()).isEqualTo("second");
  }

  @Test
  void structuredCallsFallOverToo() {
    status("/main/v1", 500);
    answer("/second/v1", "{\"ok\": true}");

    LlmClient.StructuredReply r = client().callStructured("main", MESSAGES, dev.weft.definition.Json.parse(
        "{\"type\": \"object\", \"required\": [\"ok\"], \"properties\": {\"ok\": {\"type\": \"boolean\"}}}"), null, null);

    assertThat(r.reply().profile()).isEqualTo("second");
    assertThat(r.reply().structured()).isEqualTo(LlmReply.SCHEMA);
  }

  @Test
  void aFallbackMustNameAnotherConfiguredProfile() {
    assertThatThrownBy(() -> new AiProperties("a", Map.of("a", profile("/a", "m", List.of("nope"))), null, null))
        .hasMessageContaining("falls back to 'nope', which is not a profile");
    assertThatThrownBy(() -> new AiProperties("a", Map.of("a", profile("/a", "m", List.of("a"))), null, null))
        .hasMessageContaining("names itself");
  }
}
