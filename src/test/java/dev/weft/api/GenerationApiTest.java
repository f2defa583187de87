package dev.weft.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.weft.ai.StubLlm;
import dev.weft.definition.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/workflows/generate} against a stub model (WireMock speaking OpenAI's chat completions):
 * the repair loop, giving up, non-JSON answers, the dry run, modifying with a diff, and every refusal.
 */
class GenerationApiTest extends AiServiceTestSupport {
  private static final WireMockServer MODEL = LLM.server;
  private static final String COMPLETIONS = "/v1/chat/completions";

  /** The model answers these texts, one per request, in order (the last one again after that). */
  private static void answers(String... texts) {
    for (int i = 0; i < texts.length; i++) {
      MODEL.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo(COMPLETIONS)).inScenario("answers")
          .whenScenarioStateIs(state(i))
          .willSetStateTo(state(Math.min(i + 1, texts.length - 1)))
          .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(StubLlm.completion("stub-model", texts[i], 100, 50))));
    }
  }

  private static String state(int answer) {
    return answer == 0 ? Scenario.STARTED : "answer-" + answer;
  }

  private static List<LoggedRequest> requests() {
    return MODEL.findAll(postRequestedFor(urlEqualTo(COMPLETIONS)));
  }

  /** The text of every message of a request, as the model saw it. */
  private static String conversation(LoggedRequest r) {
    return Json.parse(r.getBodyAsString()).get("messages").findValuesAsString("content").toString();
  }

  private static String answer(String definition, String sampleInput) {
    return "{\"definition\": " + definition + ", \"sampleInput\": " + sampleInput + "}";
  }

  private static final String HELLO = """
      {"name": "Hello", "nodes": [
        {"id": "loud", "type": "if", "config": {"condition": "has(input.loud) && input.loud"}},
        {"id": "shout", "type": "set", "config": {"values": {"greeting": "HELLO, {{ input.name }}!"}}},
        {"id": "say", "type": "set", "config": {"values": {"greeting": "Hello, {{ input.name }}."}}},
        {"id": "answer", "type": "respond", "config": {}}
      ], "edges": [
        {"from": "loud", "port": "true", "to": "shout"}, {"from": "loud", "port": "false", "to": "say"},
        {"from": "shout", "to": "answer"}, {"from": "say", "to": "answer"}
      ]}""";

  private Response generate(String body) {
    return post("/api/workflows/generate", body);
  }

  @Test
  void anInvalidAnswerIsRepairedWithItsViolations() {
    answers("Here you go:\n```json\n" + answer("{\"name\": \"x\", \"nodes\": [{\"id\": \"a\", \"type\": \"nope\"}]}", "{}")
        + "\n```", answer(HELLO, "{\"name\": \"Ada\"}"));
    Response r = generate("{\"prompt\": \"Greet the person named in the input\"}");
    assertThat(r.status()).isEqualTo(200);
    JsonNode j = r.json();
    assertThat(j.get("ok").asBoolean()).isTrue();
    assertThat(j.get("attempts").asInt()).isEqualTo(2);
    assertThat(j.at("/report/valid").asBoolean()).isTrue();
    assertThat(j.at("/report/violations")).isEmpty();
    assertThat(j.at("/definition/nodes/0/id").stringValue()).isEqualTo("loud");
    assertThat(j.at("/dryRun/status").stringValue()).isEqualTo("completed");
    assertThat(j.at("/dryRun/input/name").stringValue()).isEqualTo("Ada");
    assertThat(j.at("/dryRun/notReached")).isEmpty();
    assertThat(j.get("diff").isNull()).isTrue();
    assertThat(j.at("/usage/calls").asInt()).isEqualTo(2);
    assertThat(j.at("/usage/tokensIn").asLong()).isEqualTo(200);
    assertThat(j.at("/usage/cost").decimalValue()).isEqualByComparingTo("0.002");

    List<LoggedRequest> sent = requests();
    assertThat(sent).hasSize(2);
    String first = conversation(sent.get(0));
    assertThat(first).contains("<data name=\"request\">", "Greet the person named in the input", "untrusted data")
        .contains("`approval` (wait)", "x-weft-expression");
    assertThat(conversation(sent.get(1))).contains("/nodes/0/type node.type_unknown");
    // The provider is given the answer's schema: nodes of the offered types, each with its config schema.
    JsonNode format = Json.parse(sent.get(0).getBodyAsString()).get("response_format");
    assertThat(format.get("type").stringValue()).isEqualTo("json_schema");
    assertThat(format.at("/json_schema/schema/required")).extracting(JsonNode::stringValue)
        .containsExactly("definition", "sampleInput");
    assertThat(format.at("/json_schema/schema/properties/definition/properties/nodes/items/anyOf")
        .findValuesAsString("const")).contains("set", "if", "respond");
    assertThat(j.at("/usage/structured").stringValue()).isEqualTo("schema");
    // A repair carries the latest answer only.
    assertThat(Json.parse(sent.get(1).getBodyAsString()).get("messages")).hasSize(4);
    // Nothing was saved; the generation was audited.
    assertThat(get("/api/workflows?limit=500").json().get("workflows").findValuesAsString("name")).doesNotContain("Hello");
    assertThat(get("/api/audit?action=workflow.generate").json().toString()).contains("workflow.generate");
  }

  @Test
  void afterThreeInvalidAnswersItGivesUpWithTheLastViolations() {
    String broken = answer("{\"name\": \"x\", \"nodes\": [{\"id\": \"a\", \"type\": \"set\", \"config\": {\"values\": {}}}],"
        + " \"edges\": [{\"from\": \"a\", \"to\": \"ghost\"}]}", "{}");
    answers(broken, broken, broken, broken);
    JsonNode j = generate("{\"prompt\": \"anything\"}").json();
    assertThat(j.get("ok").asBoolean()).isFalse();
    assertThat(j.get("attempts").asInt()).isEqualTo(3);
    assertThat(requests()).hasSize(3);
    assertThat(j.at("/report/valid").asBoolean()).isFalse();
    assertThat(j.at("/report/violations/0/code").stringValue()).isEqualTo("edge.unknown_node");
    assertThat(j.at("/report/violations/0/path").stringValue()).isEqualTo("/edges/0/to");
    assertThat(j.at("/definition/edges/0/to").stringValue()).isEqualTo("ghost");
    assertThat(j.get("dryRun").isNull()).isTrue();
  }

  @Test
  void anAnswerWithoutJsonIsAViolation() {
    answers("I would rather not.", answer(HELLO, "{\"name\": \"Ada\"}"));
    JsonNode j = generate("{\"prompt\": \"Greet\"}").json();
    assertThat(j.get("ok").asBoolean()).isTrue();
    assertThat(j.get("attempts").asInt()).isEqualTo(2);
    assertThat(conversation(requests().get(1))).contains("generate.not_json", "I would rather not.");
  }

  @Test
  void theDryRunCatchesAFieldTheSampledHttpOutputLacks() {
    String reads = """
        {"name": "x", "nodes": [
          {"id": "fetch", "type": "http", "config": {"url": "https://erp.example/expenses"}},
          {"id": "total", "type": "set", "config": {"values": {"amount": "{{ nodes.fetch.output.body.amount }}"}}}
        ], "edges": [{"from": "fetch", "to": "total"}]}""";
    answers(answer(reads, "{}"), answer(reads, "{}"), answer(reads, "{}"));
    JsonNode j = generate("{\"prompt\": \"Fetch the expenses and total them\"}").json();
    assertThat(j.get("ok").asBoolean()).isFalse();
    assertThat(j.get("attempts").asInt()).isEqualTo(3);
    assertThat(j.at("/report/violations/0/code").stringValue()).isEqualTo("dryrun.expr.eval");
    assertThat(j.at("/report/violations/0/path").stringValue()).isEqualTo("/nodes/1/config/values/amount");
    assertThat(j.at("/dryRun/status").stringValue()).isEqualTo("failed");
    assertThat(j.at("/dryRun/nodes/1/error/code").stringValue()).isEqualTo("expr.eval");
    // The dry run's failure went back to the model like a validation error.
    assertThat(conversation(requests().get(1))).contains("/nodes/1/config/values/amount dryrun.expr.eval");
  }

  @Test
  void modifyingSendsTheCurrentDefinitionAndDiffsTheAnswer() {
    String id = create("examples/hello.json", "gen-hello");
    String changed = """
        {"name": "Hello", "description": "Greets politely", "nodes": [
          {"id": "loud", "type": "if", "config": {"condition": "has(input.loud) && input.loud"}},
          {"id": "shout", "type": "set", "config": {"values": {"greeting": "HELLO, {{ input.name }}!", "loud": true}}},
          {"id": "say", "type": "set", "config": {"values": {"greeting": "Good day, {{ input.name }}."}}},
          {"id": "log", "type": "set", "config": {"values": {"seen": "{{ input.name }}"}}},
          {"id": "answer", "type": "respond", "config": {}}
        ], "edges": [
          {"from": "loud", "port": "true", "to": "shout"}, {"from": "loud", "port": "false", "to": "say"},
          {"from": "shout", "to": "answer"}, {"from": "say", "to": "answer"}, {"from": "say", "to": "log"}
        ]}""";
    answers(answer(changed, "{\"name\": \"Ada\"}"));
    Response r = generate("{\"prompt\": \"Be more polite and log the name\", \"workflowId\": \"" + id + "\", "
        + "\"sampleInput\": {\"name\": \"Bo\", \"loud\": false}}");
    assertThat(r.status()).isEqualTo(200);
    JsonNode j = r.json();
    assertThat(j.get("ok").asBoolean()).isTrue();
    assertThat(j.at("/definition/id").stringValue()).isEqualTo(id);
    assertThat(j.at("/dryRun/input/name").stringValue()).isEqualTo("Bo");
    assertThat(j.get("diff").toString()).isEqualTo("""
        [{"change":"field_changed","field":"description"},{"change":"node_added","id":"log"},\
        {"change":"node_changed","id":"say","fields":["config"]},\
        {"change":"edge_added","from":"say","port":"main","to":"log"}]""");
    assertThat(conversation(requests().getFirst())).contains("<data name=\"current\">", "\"id\":\"" + id + "\"");
    assertThat(get("/api/workflows/" + id).json().get("latestVersion").asInt()).isEqualTo(1);
  }

  @Test
  void refusalsNameTheirCodeAndPath() {
    Response blank = generate("{\"prompt\": \"  \"}");
    assertThat(blank.status()).isEqualTo(400);
    assertThat(blank.contentType()).startsWith("application/problem+json");
    assertThat(blank.json().get("code").stringValue()).isEqualTo("generate.prompt_blank");
    assertThat(blank.json().at("/errors/0/path").stringValue()).isEqualTo("/prompt");

    Response longPrompt = generate("{\"prompt\": \"" + "x".repeat(8001) + "\"}");
    assertThat(longPrompt.status()).isEqualTo(400);
    assertThat(longPrompt.json().get("code").stringValue()).isEqualTo("generate.prompt_too_long");
    assertThat(longPrompt.json().at("/errors/0/path").stringValue()).isEqualTo("/prompt");

    Response unknown = generate("{\"prompt\": \"x\", \"save\": true}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().at("/errors/0/path").stringValue()).isEqualTo("/save");

    Response missing = generate("{\"prompt\": \"x\", \"workflowId\": \"no-such-workflow\"}");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("code").stringValue()).isEqualTo("workflow.not_found");

    String viewer = createKey("gen-viewer", "viewer");
    assertThat(as(viewer).post("/api/workflows/generate", "{\"prompt\": \"x\"}").status()).isEqualTo(403);
    String editor = createKey("gen-editor", "editor");
    answers(answer(HELLO, "{\"name\": \"Ada\"}"));
    assertThat(as(editor).post("/api/workflows/generate", "{\"prompt\": \"x\"}").status()).isEqualTo(200);
    assertThat(requests()).hasSize(1);
  }

  @Test
  void modelFailuresAreProblemsWithTheirLlmCode() {
    MODEL.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo(COMPLETIONS)).willReturn(aResponse().withStatus(503).withBody("{\"error\": {\"message\": \"busy\"}}")));
    Response down = generate("{\"prompt\": \"x\"}");
    assertThat(down.status()).isEqualTo(503);
    assertThat(down.json().get("code").stringValue()).isEqualTo("llm.unavailable");

    MODEL.resetAll();
    MODEL.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo(COMPLETIONS)).willReturn(aResponse().withStatus(401)
        .withBody("{\"error\": {\"message\": \"Incorrect API key provided: sk-secret\"}}")));
    Response auth = generate("{\"prompt\": \"x\"}");
    assertThat(auth.status()).isEqualTo(502);
    assertThat(auth.json().get("code").stringValue()).isEqualTo("llm.auth");
    assertThat(auth.text()).doesNotContain("sk-secret");
  }
}
