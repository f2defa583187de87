package dev.weft.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.ai.StubLlm;
import dev.weft.api.KnowledgeTestSupport;
import dev.weft.definition.Json;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The orchestrator agent's query_knowledge_base tool over REST, against a scripted chat model and embeddings. */
class KnowledgeAgentTest extends KnowledgeTestSupport {

  /** Posts a chat message as {@code key}; the SSE stream's events as {name, data}. */
  List<JsonNode> chat(String key, String message) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(uri("/api/agent/chat")).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").header("Accept", "text/event-stream").header("Authorization", "Bearer " + key)
        .POST(HttpRequest.BodyPublishers.ofString(Json.object().put("message", message).toString())).build();
    HttpResponse<java.util.stream.Stream<String>> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofLines());
    assertThat(resp.statusCode()).isEqualTo(200);
    List<JsonNode> events = new ArrayList<>();
    String name = null;
    StringBuilder data = new StringBuilder();
    for (String line : (Iterable<String>) resp.body()::iterator) {
      if (line.startsWith("event:")) name = line.substring(6).strip();
      else if (line.startsWith("data:")) data.append(line.substring(5).strip());
      else if (line.isEmpty() && name != null) {
        events.add(Json.object().put("name", name).set("data", Json.parse(data.toString())));
        if (name.equals("done")) break;
        name = null;
        data.setLength(0);
      }
    }
    return events;
  }

  static JsonNode toolResult(List<JsonNode> events) {
    return events.stream().filter(e -> e.get("name").stringValue().equals("tool_result")).findFirst().orElseThrow().get("data");
  }

  @Test
  void aViewerAsksAndTheAgentAnswersFromTheKnowledgeBase() throws Exception {
    String name = uniqueId("faq");
    String kb = knowledgeBase(name, "embed");
    document(kb, "refunds.md", "A refund is paid within five days of the request.");
    document(kb, "rockets.txt", "The rocket launches at dawn.");
    String viewer = createKey(uniqueId("reader"), "viewer");
    LLM.openAiScript(
        StubLlm.sseToolCalls("query_knowledge_base", "{\"knowledgeBase\": \"%s\", \"query\": \"refund paid\", \"k\": 1}".formatted(name)),
        StubLlm.sseText("Within five days (refunds.md)."));

    List<JsonNode> events = chat(viewer, "When is my refund paid?");

    JsonNode result = toolResult(events).get("result");
    assertThat(result.get("knowledgeBase").stringValue()).isEqualTo(name);
    assertThat(result.get("hits")).hasSize(1);
    assertThat(result.at("/hits/0/documentName").stringValue()).isEqualTo("refunds.md");
    assertThat(result.at("/hits/0/chunkId").stringValue()).isNotBlank();
    // The passage went back to the model, and the tool was offered to it.
    assertThat(StubLlm.body(LLM.streamed().get(0)).get("tools").toString()).contains("query_knowledge_base");
    assertThat(StubLlm.body(LLM.streamed().get(1)).toString()).contains("five days of the request");
    assertThat(get("/api/audit?action=agent.tool.query_knowledge_base").json().toString()).contains(name);
  }

  @Test
  void anUnknownKnowledgeBaseOrABadKIsAnErrorTheModelCanExplain() throws Exception {
    LLM.openAiScript(
        StubLlm.sseToolCalls("query_knowledge_base", "{\"knowledgeBase\": \"nope\", \"query\": \"x\"}"),
        StubLlm.sseToolCalls("query_knowledge_base", "{\"knowledgeBase\": \"nope\", \"query\": \"x\", \"k\": 99}"),
        StubLlm.sseText("There is no such knowledge base."));

    List<JsonNode> events = chat(adminKey, "Search the nope base");

    List<String> codes = events.stream().filter(e -> e.get("name").stringValue().equals("tool_result"))
        .map(e -> e.at("/data/result/error/code").asString(e.at("/data/error/code").asString(""))).toList();
    assertThat(codes).containsExactly("knowledge_base.not_found", "knowledge.k_invalid");
  }
}
