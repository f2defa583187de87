package dev.weft.ai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.weft.definition.Json;
import dev.weft.node.NodeFailure;
import java.math.BigDecimal;
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

/** Structured output on the wire: the schema the providers are given, and the fallbacks when they refuse it. */
class StructuredOutputTest {
  private static final List<Message> MESSAGES = List.of(new SystemMessage("Answer JSON."), new UserMessage("INV-7, 120 EUR"));
  private static final JsonNode CLOSED = Json.parse("""
      {"type": "object", "additionalProperties": false, "required": ["number", "amount"],
       "properties": {"number": {"type": "string", "maxLength": 20}, "amount": {"type": "number"}}}""");
  private static final JsonNode OPEN = Json.parse("""
      {"type": "object", "required": ["number"],
       "properties": {"number": {"type": "string", "maxLength": 20}, "amount": {"type": "number"}}}""");
  private static final String OPENAI = "/v1/chat/completions";

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

  private ModelProfile openAi(ModelProfile.StructuredOutput mode, Integer maxTokens, List<String> fallback) {
    return new ModelProfile(ModelProfile.Provider.OPENAI, "http://127.0.0.1:" + server.port() + "/v1", "gpt-test", null,
        null, maxTokens, BigDecimal.ZERO, BigDecimal.ZERO, Duration.ofSeconds(5), null, mode, null, fallback);
  }

  private static LlmClient client(Map<String, ModelProfile> profiles) {
    return new LlmClient(new ChatModels(new AiProperties("default", profiles, null, null), name -> null));
  }

  private void answers(String path, String... bodies) {
    for (int i = 0; i < bodies.length; i++) {
      String state = i == 0 ? Scenario.STARTED : "s" + i;
      var stub = post(urlPathEqualTo(path)).inScenario("answers").whenScenarioStateIs(state)
          .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(bodies[i]));
      server.stubFor(i + 1 < bodies.length ? stub.willSetStateTo("s" + (i + 1)) : stub);
    }
  }

  private List<JsonNode> sent(String path) {
    return server.findAll(postRequestedFor(urlPathEqualTo(path))).stream().map(r -> Json.parse(r.getBodyAsString())).toList();
  }

  @Test
  void openAiGetsAStrictJsonSchemaResponseFormatWhenEveryObjectIsClosedAndFullyRequired() {
    answers(OPENAI, StubLlm.completion("{\"number\": \"INV-7\", \"amount\": 120}"));
    LlmClient client = client(Map.of("default", openAi(ModelProfile.StructuredOutput.AUTO, null, List.of())));

    LlmClient.StructuredReply r = client.callStructured(null, MESSAGES, CLOSED, null, null);

    assertThat(r.value().get("amount").asInt()).isEqualTo(120);
    assertThat(r.reply().structured()).isEqualTo(LlmReply.SCHEMA);
    assertThat(r.reply().usage().get("structured").stringValue()).isEqualTo("schema");
    JsonNode body = sent(OPENAI).getFirst();
    assertThat(body.at("/response_format/type").stringValue()).isEqualTo("json_schema");
    assertThat(body.at("/response_format/json_schema/name").stringValue()).isEqualTo(StructuredOutput.SCHEMA_NAME);
    assertThat(body.at("/response_format/json_schema/strict").booleanValue()).isTrue();
    assertThat(body.at("/response_format/json_schema/schema")).isEqualTo(CLOSED);
    // No max-tokens on the profile: a schema-constrained call is bounded anyway.
    assertThat(body.at("/max_tokens").asInt(body.at("/max_completion_tokens").asInt())).isEqualTo(StructuredOutput.DEFAULT_MAX_TOKENS);
    assertThat(body.at("/messages/0/content").stringValue()).isEqualTo("Answer JSON.");
  }

  @Test
  void aSchemaWithOptionalPropertiesOrOpenObjectsIsSentNonStrict() {
    answers(OPENAI, StubLlm.completion("{\"number\": \"INV-7\"}"));
    LlmClient client = client(Map.of("default", openAi(ModelProfile.StructuredOutput.AUTO, 300, List.of())));

    client.callStructured(null, MESSAGES, OPEN, null, null);

    JsonNode body = sent(OPENAI).getFirst();
    assertThat(body.at("/response_format/json_schema/strict").booleanValue()).isFalse();
    assertThat(body.at("/response_format/json_schema/schema")).isEqualTo(OPEN);
    assertThat(body.at("/max_tokens").asInt(body.at("/max_completion_tokens").asInt())).isEqualTo(300);
  }

  @Test
  void strictNeedsEveryObjectClosedAndEveryPropertyRequiredAllTheWayDown() {
    assertThat(StructuredOutput.strictCapable(CLOSED)).isTrue();
    assertThat(StructuredOutput.strictCapable(OPEN)).isFalse();
    assertThat(StructuredOutput.strictCapable(Json.parse("""
        {"type": "object", "additionalProperties": false, "required": ["items"], "properties": {
          "items": {"type": "array", "items": {"type": "object", "properties": {"a": {"type": "string"}}}}}}""")))
        .as("an open object inside an array").isFalse();
    assertThat(StructuredOutput.strictCapable(Json.parse("""
        {"type": "object", "additionalProperties": false, "required": ["items"], "properties": {
          "items": {"type": "array", "items": {"type": "object", "additionalProperties": false, "required": ["a"],
                                               "properties": {"a": {"type": "string"}}}}}}"""))).isTrue();
  }

  @Test
  void ollamaGetsTheSchemaAsFormat() {
    answers("/api/chat", """
        {"model": "llama3.2", "created_at": "2025-01-01T00:00:00Z",
         "message": {"role": "assistant", "content": "{\\"number\\": \\"INV-7\\", \\"amount\\": 120}"},
         "done": true, "done_reason": "stop", "prompt_eval_count": 21, "eval_count": 7}""");
    ModelProfile p = new ModelProfile(ModelProfile.Provider.OLLAMA, "http://127.0.0.1:" + server.port(), "llama3.2", null,
        null, null, null, null, Duration.ofSeconds(5), null);

    LlmClient.StructuredReply r = client(Map.of("default", p)).callStructured(null, MESSAGES, CLOSED, null, null);

    assertThat(r.value().get("number").stringValue()).isEqualTo("INV-7");
    assertThat(r.reply().structured()).isEqualTo(LlmReply.SCHEMA);
    JsonNode body = sent("/api/chat").getFirst();
    assertThat(body.get("format")).isEqualTo(CLOSED);
    assertThat(body.at("/options/num_predict").asInt()).isEqualTo(StructuredOutput.DEFAULT_MAX_TOKENS);
  }

  @Test
  void anEndpointThatRejectsResponseFormatIsAskedAgainWithoutItAndNeverAgainWithIt() {
    server.stubFor(post(urlPathEqualTo(OPENAI)).atPriority(1)
        .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.response_format"))
        .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
            .withBody("{\"error\": {\"message\": \"response_format json_schema is not supported\"}}")));
    server.stubFor(post(urlPathEqualTo(OPENAI)).atPriority(2).willReturn(aResponse()
        .withHeader("Content-Type", "application/json").withBody(StubLlm.completion("{\"number\": \"INV-7\", \"amount\": 1}"))));
    LlmClient client = client(Map.of("default", openAi(ModelProfile.StructuredOutput.AUTO, null, List.of())));

    LlmClient.StructuredReply first = client.callStructured(null, MESSAGES, CLOSED, null, null);
    LlmClient.StructuredReply second = client.callStructured(null, MESSAGES, CLOSED, null, null);

    assertThat(first.reply().structured()).isEqualTo(LlmReply.PROMPT);
    assertThat(second.reply().structured()).isEqualTo(LlmReply.PROMPT);
    List<JsonNode> sent = sent(OPENAI);
    assertThat(sent).extracting(b -> b.has("response_format")).containsExactly(true, false, false);
  }

  @Test
  void otherRejectionsAreNotRetriedWithoutTheSchema() {
    server.stubFor(post(urlPathEqualTo(OPENAI)).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json").withBody("{\"error\": {\"message\": \"context too long\"}}")));
    LlmClient client = client(Map.of("default", openAi(ModelProfile.StructuredOutput.AUTO, null, List.of())));

    NodeFailure f = catchThrowableOfType(NodeFailure.class, () -> client.callStructured(null, MESSAGES, CLOSED, null, null));

    assertThat(f.code()).isEqualTo("llm.rejected");
    assertThat(sent(OPENAI)).hasSize(1);
  }

  @Test
  void structuredOutputOffAsksInThePromptOnly() {
    answers(OPENAI, StubLlm.completion("{\"number\": \"INV-7\", \"amount\": 1}"));
    LlmClient client = client(Map.of("default", openAi(ModelProfile.StructuredOutput.OFF, null, List.of())));

    LlmClient.StructuredReply r = client.callStructured(null, MESSAGES, CLOSED, null, null);

    assertThat(r.reply().structured()).isEqualTo(LlmReply.PROMPT);
    assertThat(sent(OPENAI).getFirst().has("response_format")).isFalse();
  }

  @Test
  void anAnswerThatIgnoresTheSchemaIsReaskedWithItsErrorsThenFails() {
    answers(OPENAI, StubLlm.completion("print({'number': 'INV-7'})"), StubLlm.completion("{\"number\": 7}"));
    LlmClient client = client(Map.of("default", openAi(ModelProfile.StructuredOutput.AUTO, null, List.of())));

    NodeFailure f = catchThrowableOfType(NodeFailure.class, () -> client.callStructured(null, MESSAGES, CLOSED, null, null));

    assertThat(f.code()).isEqualTo("llm.invalid_output");
    assertThat(f.details().at("/llm/tokensIn").asLong()).isEqualTo(200);
    assertThat(f.details().at("/llm/structured").stringValue()).isEqualTo("schema");
    List<JsonNode> sent = sent(OPENAI);
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).has("response_format")).isTrue();
    assertThat(sent.get(1).at("/messages/2/content").stringValue()).isEqualTo("print({'number': 'INV-7'})");
    assertThat(sent.get(1).at("/messages/3/content").stringValue()).contains("not JSON");
  }
}
