package dev.weft.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.ai.StubLlm;
import dev.weft.api.AiServiceTestSupport;
import dev.weft.definition.Json;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The orchestrator agent over REST against a scripted LLM: the SSE stream, the tool loop, the caller's
 * identity and role in every tool, the consent rules, memory and summaries.
 */
class AgentApiTest extends AiServiceTestSupport {

  record Event(String name, JsonNode data) {}

  /** Posts a chat message as {@code key} and reads the whole SSE stream. */
  List<Event> chat(String key, String json) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(uri("/api/agent/chat")).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").header("Accept", "text/event-stream")
        .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(json)).build();
    HttpResponse<java.util.stream.Stream<String>> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofLines());
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
    List<Event> events = new ArrayList<>();
    String name = null;
    StringBuilder data = new StringBuilder();
    for (String line : (Iterable<String>) resp.body()::iterator) {
      if (line.startsWith("event:")) name = line.substring(6).strip();
      else if (line.startsWith("data:")) data.append(line.substring(5).strip());
      else if (line.isEmpty() && name != null) {
        events.add(new Event(name, Json.parse(data.toString())));
        if (name.equals("done")) break;
        name = null;
        data.setLength(0);
      }
    }
    return events;
  }

  static List<String> names(List<Event> events) {
    return events.stream().map(Event::name).filter(n -> !n.equals("delta")).toList();
  }

  static String conversationOf(List<Event> events) {
    return events.getFirst().data().get("conversationId").asString();
  }

  static String reply(List<Event> events) {
    return events.stream().filter(e -> e.name().equals("message")).findFirst().orElseThrow().data().get("text").asString();
  }

  static List<JsonNode> toolResults(List<Event> events) {
    return events.stream().filter(e -> e.name().equals("tool_result")).map(Event::data).toList();
  }

  @Test
  void streamsTextToolCallsAndResultsAsServerSentEventsAndKeepsTheHistory() throws Exception {
    String wf = create("versioned.json", "agent-list");
    LLM.openAiScript(StubLlm.sseToolCalls("list_workflows", "{}"), StubLlm.sseText("You have some workflows."));

    List<Event> events = chat(adminKey, "{\"message\": \"Which workflows do I have?\"}");

    assertThat(names(events)).containsExactly("conversation", "tool_call", "tool_result", "message", "done");
    assertThat(events.stream().filter(e -> e.name().equals("delta")).map(e -> e.data().get("text").asString()))
        .containsExactly("You have som", "e workflows.");
    assertThat(reply(events)).isEqualTo("You have some workflows.");
    JsonNode listed = toolResults(events).getFirst().get("result").get("workflows");
    assertThat(StreamSupport.stream(listed.spliterator(), false).map(w -> w.get("id").asString())).contains(wf);
    // The tool's definition and the result went back to the model in the second request.
    JsonNode second = StubLlm.body(LLM.streamed().get(1));
    assertThat(second.toString()).contains("list_workflows").contains(wf);
    // The system prompt names the node types from the registry, the code node among them.
    assertThat(StubLlm.body(LLM.streamed().get(0)).get("messages").get(0).toString())
        .contains("approval, code, delay").contains("JavaScript or Python");
    assertThat(StubLlm.body(LLM.streamed().get(0)).get("tools").toString())
        .contains("generate_workflow", "save_workflow", "start_run", "get_run", "list_pending_tasks", "decide_approval",
            "pause_run", "resume_run", "cancel_run", "describe_workflow");

    String id = conversationOf(events);
    JsonNode history = get("/api/agent/conversations/" + id).json();
    assertThat(StreamSupport.stream(history.get("messages").spliterator(), false).map(m -> m.get("role").asString()))
        .containsExactly("user", "assistant", "tool", "assistant");
    assertThat(history.get("messages").get(1).get("toolCalls").get(0).get("name").asString()).isEqualTo("list_workflows");
    // Someone else's conversation does not exist for them.
    String other = createKey(uniqueId("someone"), "viewer");
    assertThat(as(other).get("/api/agent/conversations/" + id).status()).isEqualTo(404);
    assertThat(as(other).get("/api/agent/conversations/" + id).json().get("code").asString()).isEqualTo("conversation.not_found");
    // Each tool call is audited as the caller.
    JsonNode audit = get("/api/audit?action=agent.tool.list_workflows").json();
    assertThat(audit.toString()).contains(id);
    // The agent's tokens are counted: 200 in and 30 out per streamed round of the stub, two rounds.
    String metrics = get("/actuator/prometheus").text();
    assertThat(metrics).containsPattern("weft_llm_tokens_total\\{[^}]*direction=\"in\"[^}]*type=\"agent\"[^}]*workflow=\"agent\"[^}]*} [1-9]");
  }

  @Test
  void createsAWorkflowFromOneSentenceSavesItOnlyOnceTheUserConfirmsAndRunsIt() throws Exception {
    String wf = uniqueId("greeter");
    String generated = """
        {"definition": {"id": "%s", "name": "Greeter", "nodes": [
           {"id": "greet", "type": "set", "config": {"values": {"greeting": "Hello, {{ input.name }}!"}}}],
         "edges": []}, "sampleInput": {"name": "Ada"}}""".formatted(wf);
    LLM.openAiAnswer("Weft workflow definitions (format v1)", generated);
    LLM.openAiScript(
        StubLlm.sseToolCalls("generate_workflow", "{\"description\": \"greet a person by name\"}"),
        StubLlm.sseToolCalls("save_workflow", "{\"draftId\": \"draft-1\"}"),
        StubLlm.sseText("The draft sets a greeting for the name it is given. Shall I save it?"),
        StubLlm.sseToolCalls("save_workflow", "{\"draftId\": \"draft-1\"}"),
        StubLlm.sseToolCalls("start_run", "{\"workflowId\": \"%s\", \"input\": {\"name\": \"Ada\"}}".formatted(wf)),
        StubLlm.sseText("Saved and started."));

    List<Event> first = chat(adminKey, "{\"message\": \"Create a workflow that greets a person by name, and run it for Ada\"}");
    List<JsonNode> firstResults = toolResults(first);
    JsonNode draft = firstResults.get(0).get("result");
    assertThat(draft.get("ok").asBoolean()).isTrue();
    assertThat(draft.get("draftId").asString()).isEqualTo("draft-1");
    assertThat(draft.get("dryRun").toString()).contains("greet");
    // Saving in the same turn is refused: the user has not seen the draft yet.
    assertThat(firstResults.get(1).get("result").get("error").get("code").asString()).isEqualTo("agent.confirmation_required");
    assertThat(get("/api/workflows/" + wf).status()).isEqualTo(404);

    List<Event> second = chat(adminKey, "{\"conversationId\": \"" + conversationOf(first) + "\", \"message\": \"Yes, save it and run it\"}");
    List<JsonNode> secondResults = toolResults(second);
    assertThat(secondResults.get(0).get("result").get("workflowId").asString()).isEqualTo(wf);
    String runId = secondResults.get(1).get("result").get("runId").asString();
    await().atMost(Duration.ofSeconds(20)).until(() -> "COMPLETED".equals(get("/api/runs/" + runId).json().path("status").asString()));
    assertThat(get("/api/runs/" + runId).json().get("nodes").get("greet").get("output").get("greeting").asString())
        .isEqualTo("Hello, Ada!");

    JsonNode history = get("/api/agent/conversations/" + conversationOf(first)).json();
    List<String> calls = StreamSupport.stream(history.get("messages").spliterator(), false)
        .filter(m -> m.has("toolCalls")).map(m -> m.get("toolCalls").get(0).get("name").asString()).toList();
    assertThat(calls).containsExactly("generate_workflow", "save_workflow", "save_workflow", "start_run");
    assertThat(get("/api/audit?action=workflow.create").json().toString()).contains(wf);
  }

  @Test
  void aViewerCannotStartRunsThroughTheAgent() throws Exception {
    String wf = create("versioned.json", "agent-viewer");
    String viewer = createKey(uniqueId("viewer"), "viewer");
    LLM.openAiScript(StubLlm.sseToolCalls("start_run", "{\"workflowId\": \"" + wf + "\"}"),
        StubLlm.sseText("I cannot start runs for you."));

    List<Event> events = chat(viewer, "{\"message\": \"Run " + wf + "\"}");

    JsonNode result = toolResults(events).getFirst().get("result");
    assertThat(result.get("error").get("code").asString()).isEqualTo("auth.forbidden");
    assertThat(get("/api/runs?workflowId=" + wf).json().get("runs")).isEmpty();
    JsonNode audit = get("/api/audit?action=agent.tool.start_run").json();
    assertThat(audit.toString()).contains("auth.forbidden");
  }

  @Test
  void refusesToApproveWithoutAnExplicitRequestAndDecidesAsTheUserWhenAsked() throws Exception {
    String approver = uniqueId("maria");
    String key = createKey(approver, "operator");
    String wf = uniqueId("agent-approval");
    String def = """
        {"id": "%s", "name": "Agent approval", "nodes": [
          {"id": "approve", "type": "approval", "config": {"title": "Pay 120 EUR?", "approvers": ["%s"]}},
          {"id": "pay", "type": "set", "config": {"values": {"paid": true}}}],
         "edges": [{"from": "approve", "port": "approved", "to": "pay"}]}""".formatted(wf, approver);
    assertThat(post("/api/workflows", def).status()).isEqualTo(201);
    String runId = post("/api/workflows/" + wf + "/runs", "{\"input\": {}}").json().get("runId").asString();
    await().atMost(Duration.ofSeconds(20)).until(() -> "WAITING".equals(get("/api/runs/" + runId).json().path("status").asString()));

    String decide = "{\"runId\": \"%s\", \"nodeId\": \"approve\", \"decision\": \"approve\"}".formatted(runId);
    LLM.openAiScript(StubLlm.sseToolCalls("list_pending_tasks", "{}", "decide_approval", decide),
        StubLlm.sseText("One approval is waiting for you."));
    List<Event> first = chat(key, "{\"message\": \"What is waiting for me?\"}");

    List<JsonNode> results = toolResults(first);
    assertThat(results.get(0).get("result").get("tasks").toString()).contains(runId);
    assertThat(results.get(1).get("result").get("error").get("code").asString()).isEqualTo("agent.explicit_request_required");
    assertThat(get("/api/runs/" + runId).json().path("status").asString()).isEqualTo("WAITING");

    LLM.reset();
    LLM.openAiScript(StubLlm.sseToolCalls("decide_approval", decide), StubLlm.sseText("Approved."));
    List<Event> second = chat(key, "{\"conversationId\": \"" + conversationOf(first) + "\", \"message\": \"Please approve it.\"}");

    assertThat(toolResults(second).getFirst().get("result").get("outcome").asString()).isEqualTo("approved");
    await().atMost(Duration.ofSeconds(20)).until(() -> "COMPLETED".equals(get("/api/runs/" + runId).json().path("status").asString()));
    JsonNode approval = get("/api/runs/" + runId).json().get("nodes").get("approve").get("output");
    assertThat(approval.toString()).contains(approver);
    // The earlier messages were sent back: memory works across requests.
    assertThat(StubLlm.body(LLM.streamed().getFirst()).toString()).contains("What is waiting for me?");
  }

  @Test
  void aChatTriggeredWorkflowAnswersIntoTheConversation() throws Exception {
    String wf = uniqueId("agent-chat");
    String def = """
        {"id": "%s", "name": "Expense lookup", "trigger": {"type": "chat"}, "nodes": [
          {"id": "answer", "type": "respond", "config": {"body": {"text": "Expense {{ input.expenseId }} is booked", "asked": "{{ input.message }}"}}}],
         "edges": []}""".formatted(wf);
    assertThat(post("/api/workflows", def).status()).isEqualTo(201);
    LLM.openAiScript(StubLlm.sseToolCalls("start_run", "{\"workflowId\": \"" + wf + "\", \"input\": {\"expenseId\": 42}}"),
        StubLlm.sseText("Expense 42 is booked."));

    List<Event> events = chat(adminKey, "{\"message\": \"Run the expense flow for #42\"}");

    JsonNode result = toolResults(events).getFirst().get("result");
    assertThat(result.get("status").asString()).isEqualTo("COMPLETED");
    assertThat(result.get("response").toString()).contains("Expense 42 is booked").contains("Run the expense flow for #42");
    assertThat(get("/api/runs?workflowId=" + wf).json().get("runs").get(0).get("trigger").asString()).isEqualTo("chat");
  }

  @Test
  void speaksOllamaWhenAConversationAsksForAnOllamaProfile() throws Exception {
    LLM.ollamaScript(StubLlm.ndjson(null, "list_pending_tasks", "{}"), StubLlm.ndjson("Nothing is waiting.", null, null));

    List<Event> events = chat(adminKey, "{\"message\": \"Anything for me?\", \"model\": \"local\"}");

    assertThat(names(events)).containsExactly("conversation", "tool_call", "tool_result", "message", "done");
    assertThat(reply(events)).isEqualTo("Nothing is waiting.");
  }

  @Test
  void summarizesLongConversationsForTheModelAndKeepsThemWholeForPeople() throws Exception {
    LLM.openAiAnswer("Summarize the conversation", "The user greeted the assistant several times.");
    String[] replies = new String[6];
    for (int i = 0; i < replies.length; i++) replies[i] = StubLlm.sseText("Hello " + i);
    LLM.openAiScript(replies);
    String id = null;
    for (int i = 0; i < 6; i++) {
      String body = id == null ? "{\"message\": \"hi 0\"}" : "{\"conversationId\": \"" + id + "\", \"message\": \"hi " + i + "\"}";
      List<Event> events = chat(adminKey, body);
      id = conversationOf(events);
    }
    JsonNode history = get("/api/agent/conversations/" + id).json();
    assertThat(history.get("messages")).hasSize(12);
    assertThat(history.get("summary").asString()).isEqualTo("The user greeted the assistant several times.");
    String last = StubLlm.body(LLM.streamed().getLast()).toString();
    assertThat(last).contains("The user greeted the assistant several times.").contains("hi 5").doesNotContain("hi 0");
  }

  @Test
  void answersInOneJsonObjectWhenAskedForJsonAndReportsAModelFailureAsAnErrorEvent() throws Exception {
    LLM.openAiScript(StubLlm.sseToolCalls("list_pending_tasks", "{}"), StubLlm.sseText("Nothing waits."));
    var json = post("/api/agent/chat", "{\"message\": \"Anything for me?\"}", "Accept", "application/json");
    assertThat(json.status()).isEqualTo(200);
    assertThat(json.json().get("reply").asString()).isEqualTo("Nothing waits.");
    assertThat(json.json().get("toolCalls").get(0).get("name").asString()).isEqualTo("list_pending_tasks");
    assertThat(json.json().get("toolCalls").get(0).get("result").has("tasks")).isTrue();

    LLM.reset();
    LLM.server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/v1/chat/completions")
        .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(503).withBody("{\"error\": \"busy\"}")));
    List<Event> events = chat(adminKey, "{\"message\": \"Anything for me?\"}");
    assertThat(names(events)).containsExactly("conversation", "error", "done");
    assertThat(events.get(1).data().get("code").asString()).isEqualTo("llm.unavailable");
  }

  @Test
  void aConversationAnswersOneMessageAtATime() throws Exception {
    LLM.openAiScript(StubLlm.sseText("First."), StubLlm.sseText("Second."));
    List<Event> first = chat(adminKey, "{\"message\": \"hello\"}");
    String id = conversationOf(first);
    LLM.reset();
    // The model takes its time over the next message; a third message meanwhile is refused, not interleaved.
    LLM.server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/v1/chat/completions")
        .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withHeader("Content-Type", "text/event-stream")
            .withBody(StubLlm.sseText("Slow answer.")).withFixedDelay(5_000)));
    var slow = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return chat(adminKey, "{\"conversationId\": \"" + id + "\", \"message\": \"take your time\"}");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> LLM.streamed().size() == 1);
    var busy = post("/api/agent/chat", "{\"conversationId\": \"" + id + "\", \"message\": \"and now?\"}");
    assertThat(busy.status()).isEqualTo(409);
    assertThat(busy.json().get("code").asString()).isEqualTo("conversation.busy");
    assertThat(reply(slow.get(20, java.util.concurrent.TimeUnit.SECONDS))).isEqualTo("Slow answer.");
    // Once the reply is done the conversation takes messages again.
    LLM.reset();
    LLM.openAiScript(StubLlm.sseText("Now."));
    assertThat(reply(chat(adminKey, "{\"conversationId\": \"" + id + "\", \"message\": \"and now?\"}"))).isEqualTo("Now.");
  }

  @Test
  void badRequestsAreProblems() {
    var blank = post("/api/agent/chat", "{\"message\": \" \"}");
    assertThat(blank.status()).isEqualTo(400);
    assertThat(blank.json().get("code").asString()).isEqualTo("agent.message_blank");
    var unknown = post("/api/agent/chat", "{\"message\": \"hi\", \"model\": \"nope\"}");
    assertThat(unknown.json().get("code").asString()).isEqualTo("llm.unknown_model");
    var missing = post("/api/agent/chat", "{\"message\": \"hi\", \"conversationId\": \"conv-nope\"}");
    assertThat(missing.status()).isEqualTo(404);
    var tooLong = post("/api/agent/chat", "{\"message\": \"" + "x".repeat(8001) + "\"}");
    assertThat(tooLong.json().get("code").asString()).isEqualTo("limit.message");
    assertThat(anonymous().post("/api/agent/chat", "{\"message\": \"hi\"}").status()).isEqualTo(401);
  }
}
