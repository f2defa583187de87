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
 * identity and role in every tool, consent by confirmation, memory and summaries.
 */
class AgentApiTest extends AiServiceTestSupport {
  @org.springframework.beans.factory.annotation.Autowired org.springframework.jdbc.core.simple.JdbcClient jdbc;

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
            "pause_run", "resume_run", "cancel_run", "describe_workflow", "confirm");

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

  static List<JsonNode> confirmationEvents(List<Event> events) {
    return events.stream().filter(e -> e.name().equals("confirmation")).map(Event::data).toList();
  }

  @Test
  void createsAWorkflowFromOneSentenceAndSavesAndRunsItOnlyOnceTheUserConfirmsInAnyLanguage() throws Exception {
    String wf = uniqueId("greeter");
    String generated = """
        {"definition": {"id": "%s", "name": "Greeter", "nodes": [
           {"id": "greet", "type": "set", "config": {"values": {"greeting": "Hello, {{ input.name }}!"}}}],
         "edges": []}, "sampleInput": {"name": "Ada"}}""".formatted(wf);
    LLM.openAiAnswer("Weft workflow definitions (format v1)", generated);
    // The model proposes saving and, in the same turn, tries to confirm its own proposal.
    LLM.openAiScript(
        StubLlm.sseToolCalls("generate_workflow", "{\"description\": \"greet a person by name\"}"),
        StubLlm.sseToolCalls("save_workflow", "{\"draftId\": \"draft-1\"}",
            "confirm", "{\"confirmationId\": \"confirmation-1\", \"decision\": \"confirm\"}"),
        StubLlm.sseText("The draft sets a greeting for the name it is given. Shall I save it?"));

    List<Event> first = chat(adminKey, "{\"message\": \"Create a workflow that greets a person by name, and run it for Ada\"}");
    List<JsonNode> firstResults = toolResults(first);
    JsonNode draft = firstResults.get(0).get("result");
    assertThat(draft.get("ok").asBoolean()).isTrue();
    assertThat(draft.get("draftId").asString()).isEqualTo("draft-1");
    assertThat(draft.get("dryRun").toString()).contains("greet");
    // Saving only proposes: the client gets the proposal as its own event, and nothing is saved.
    JsonNode proposal = firstResults.get(1).get("result");
    assertThat(proposal.get("status").asString()).isEqualTo("confirmation_required");
    assertThat(proposal.get("confirmation").get("id").asString()).isEqualTo("confirmation-1");
    assertThat(proposal.get("confirmation").get("action").asString()).isEqualTo("save_workflow");
    assertThat(proposal.get("confirmation").get("summary").asString()).contains(wf).contains("Greeter");
    assertThat(names(first)).containsSubsequence("tool_result", "confirmation", "tool_result", "message", "done");
    assertThat(confirmationEvents(first).getFirst().get("status").asString()).isEqualTo("pending");
    // The model cannot confirm what it proposed in the same turn: the user has not answered yet.
    assertThat(firstResults.get(2).get("result").get("error").get("code").asString()).isEqualTo("agent.confirmation_same_turn");
    assertThat(get("/api/workflows/" + wf).status()).isEqualTo(404);

    // The user answers in Japanese ("Yes, save it and run it for Ada"): the model maps the answer to the id.
    LLM.reset();
    LLM.openAiScript(
        StubLlm.sseToolCalls("confirm", "{\"confirmationId\": \"confirmation-1\", \"decision\": \"confirm\"}"),
        StubLlm.sseToolCalls("start_run", "{\"workflowId\": \"%s\", \"input\": {\"name\": \"Ada\"}}".formatted(wf)),
        StubLlm.sseText("保存しました。実行してよろしいですか？"));
    String id = conversationOf(first);
    List<Event> second = chat(adminKey, "{\"conversationId\": \"" + id + "\", \"message\": \"はい、保存して、Adaで実行してください\"}");
    // The model was told which confirmations the conversation has, so it can map the answer to one.
    assertThat(StubLlm.body(LLM.streamed().getFirst()).toString()).contains("confirmation-1").contains("pending");
    List<JsonNode> secondResults = toolResults(second);
    JsonNode saved = secondResults.get(0).get("result");
    assertThat(saved.get("status").asString()).isEqualTo("confirmed");
    assertThat(saved.get("via").asString()).isEqualTo("chat");
    assertThat(saved.get("result").get("workflowId").asString()).isEqualTo(wf);
    assertThat(get("/api/workflows/" + wf).status()).isEqualTo(200);
    // Starting a run is consequential too: proposed, not started.
    JsonNode runProposal = secondResults.get(1).get("result").get("confirmation");
    assertThat(runProposal.get("id").asString()).isEqualTo("confirmation-2");
    assertThat(runProposal.get("summary").asString()).contains(wf).contains("version 1").contains("Ada");
    assertThat(confirmationEvents(second)).extracting(c -> c.get("id").asString() + ":" + c.get("status").asString())
        .containsExactly("confirmation-1:confirmed", "confirmation-2:pending");
    assertThat(get("/api/runs?workflowId=" + wf).json().get("runs")).isEmpty();

    // The user confirms in the client: the run starts, as them.
    var confirmed = post("/api/agent/conversations/" + id + "/confirmations/confirmation-2", "{\"decision\": \"confirm\"}");
    assertThat(confirmed.status()).isEqualTo(200);
    assertThat(confirmed.json().get("status").asString()).isEqualTo("confirmed");
    assertThat(confirmed.json().get("via").asString()).isEqualTo("endpoint");
    String runId = confirmed.json().get("result").get("runId").asString();
    await().atMost(Duration.ofSeconds(20)).until(() -> "COMPLETED".equals(get("/api/runs/" + runId).json().path("status").asString()));
    assertThat(get("/api/runs/" + runId).json().get("nodes").get("greet").get("output").get("greeting").asString())
        .isEqualTo("Hello, Ada!");
    // Once decided, it cannot be decided again.
    var again = post("/api/agent/conversations/" + id + "/confirmations/confirmation-2", "{\"decision\": \"confirm\"}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().get("code").asString()).isEqualTo("agent.confirmation_decided");
    assertThat(get("/api/runs?workflowId=" + wf).json().get("runs")).hasSize(1);

    // Both decisions are the user's acts in the audit log; the saved workflow and the run are theirs too.
    JsonNode audit = get("/api/audit?action=agent.confirmation.confirm").json();
    assertThat(audit.toString()).contains(id).contains("save_workflow").contains("start_run").contains(runId)
        .contains("\"via\":\"chat\"").contains("\"via\":\"endpoint\"");
    assertThat(get("/api/audit?action=workflow.create").json().toString()).contains(wf);
    JsonNode history = get("/api/agent/conversations/" + id).json();
    assertThat(history.get("confirmations")).extracting(c -> c.get("id").asString() + ":" + c.get("status").asString())
        .containsExactly("confirmation-1:confirmed", "confirmation-2:confirmed");
    List<String> calls = StreamSupport.stream(history.get("messages").spliterator(), false)
        .filter(m -> m.has("toolCalls")).map(m -> m.get("toolCalls").get(0).get("name").asString()).toList();
    assertThat(calls).containsExactly("generate_workflow", "save_workflow", "confirm", "start_run");
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

  /** A workflow whose run waits for {@code approver}'s approval; answers the waiting run's id. */
  String waitingApproval(String approver) {
    String wf = uniqueId("agent-approval");
    String def = """
        {"id": "%s", "name": "Agent approval", "nodes": [
          {"id": "approve", "type": "approval", "config": {"title": "Pay 120 EUR?", "approvers": ["%s"]}},
          {"id": "pay", "type": "set", "config": {"values": {"paid": true}}}],
         "edges": [{"from": "approve", "port": "approved", "to": "pay"}]}""".formatted(wf, approver);
    assertThat(post("/api/workflows", def).status()).isEqualTo(201);
    String runId = post("/api/workflows/" + wf + "/runs", "{\"input\": {}}").json().get("runId").asString();
    await().atMost(Duration.ofSeconds(20)).until(() -> "WAITING".equals(get("/api/runs/" + runId).json().path("status").asString()));
    return runId;
  }

  @Test
  void decidesAnApprovalAsTheUserOnlyOnceTheyConfirmAndADeclineDropsTheProposal() throws Exception {
    String approver = uniqueId("maria");
    String key = createKey(approver, "operator");
    String runId = waitingApproval(approver);

    String decide = "{\"runId\": \"%s\", \"nodeId\": \"approve\", \"decision\": \"approve\"}".formatted(runId);
    LLM.openAiScript(StubLlm.sseToolCalls("list_pending_tasks", "{}", "decide_approval", decide),
        StubLlm.sseText("One approval is waiting for you. Shall I approve it?"));
    List<Event> first = chat(key, "{\"message\": \"What is waiting for me?\"}");
    String id = conversationOf(first);

    List<JsonNode> results = toolResults(first);
    assertThat(results.get(0).get("result").get("tasks").toString()).contains(runId);
    JsonNode proposal = results.get(1).get("result").get("confirmation");
    assertThat(proposal.get("summary").asString()).isEqualTo("Approve 'Pay 120 EUR?' (node 'approve' of run '" + runId + "')");
    assertThat(get("/api/runs/" + runId).json().path("status").asString()).isEqualTo("WAITING");

    // The user declines in the client: nothing is decided, and the proposal is gone for good.
    var declined = as(key).post("/api/agent/conversations/" + id + "/confirmations/confirmation-1", "{\"decision\": \"decline\"}");
    assertThat(declined.status()).isEqualTo(200);
    assertThat(declined.json().get("status").asString()).isEqualTo("declined");
    assertThat(declined.json().get("decidedBy").asString()).isEqualTo(approver);
    assertThat(declined.json().has("result")).isFalse();
    assertThat(get("/api/runs/" + runId).json().path("status").asString()).isEqualTo("WAITING");
    JsonNode declineAudit = get("/api/audit?action=agent.confirmation.decline").json();
    assertThat(declineAudit.toString()).contains(approver).contains(id).contains(runId);

    // Later the user asks in German ("Please approve it after all"); the declined id stays declined.
    LLM.reset();
    LLM.openAiScript(StubLlm.sseToolCalls("confirm", "{\"confirmationId\": \"confirmation-1\", \"decision\": \"confirm\"}"),
        StubLlm.sseToolCalls("decide_approval", decide), StubLlm.sseText("Bitte bestätigen Sie die Genehmigung."));
    List<Event> second = chat(key, "{\"conversationId\": \"" + id + "\", \"message\": \"Bitte doch genehmigen.\"}");
    assertThat(toolResults(second).get(0).get("result").get("error").get("code").asString()).isEqualTo("agent.confirmation_decided");
    assertThat(toolResults(second).get(1).get("result").get("confirmation").get("id").asString()).isEqualTo("confirmation-2");
    assertThat(get("/api/runs/" + runId).json().path("status").asString()).isEqualTo("WAITING");

    var confirmed = as(key).post("/api/agent/conversations/" + id + "/confirmations/confirmation-2", "{\"decision\": \"confirm\"}");
    assertThat(confirmed.status()).isEqualTo(200);
    assertThat(confirmed.json().get("result").get("outcome").asString()).isEqualTo("approved");
    await().atMost(Duration.ofSeconds(20)).until(() -> "COMPLETED".equals(get("/api/runs/" + runId).json().path("status").asString()));
    JsonNode approval = get("/api/runs/" + runId).json().get("nodes").get("approve").get("output");
    assertThat(approval.toString()).contains(approver);
    // Audited as the user's decision: the confirmation and the approval itself.
    JsonNode audit = get("/api/audit?action=agent.confirmation.confirm&principal=" + approver).json();
    assertThat(audit.toString()).contains("confirmation-2").contains("decide_approval").contains("\"ok\":true");
    assertThat(get("/api/audit?action=node.decision&principal=" + approver).json().toString()).contains(runId);
    // The earlier messages were sent back: memory works across requests.
    assertThat(StubLlm.body(LLM.streamed().getFirst()).toString()).contains("What is waiting for me?");
  }

  @Test
  void onlyTheOwnerDecidesAConfirmationInItsOwnConversationAndNotOnceItHasExpired() throws Exception {
    String runId = waitingApproval(uniqueId("nobody"));
    LLM.openAiScript(StubLlm.sseToolCalls("cancel_run", "{\"runId\": \"" + runId + "\"}"), StubLlm.sseText("Shall I cancel it?"),
        StubLlm.sseText("Hello."));
    String id = conversationOf(chat(adminKey, "{\"message\": \"Cancel " + runId + "\"}"));
    String path = "/api/agent/conversations/" + id + "/confirmations/confirmation-1";

    // Someone else: the conversation does not exist for them.
    String other = createKey(uniqueId("someone"), "admin");
    var foreign = as(other).post(path, "{\"decision\": \"confirm\"}");
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(foreign.json().get("code").asString()).isEqualTo("conversation.not_found");
    // The owner, but through another conversation: the id is this conversation's only.
    String otherConversation = conversationOf(chat(adminKey, "{\"message\": \"hi\"}"));
    var elsewhere = post("/api/agent/conversations/" + otherConversation + "/confirmations/confirmation-1", "{\"decision\": \"confirm\"}");
    assertThat(elsewhere.status()).isEqualTo(404);
    assertThat(elsewhere.json().get("code").asString()).isEqualTo("agent.confirmation_not_found");
    var unknown = post("/api/agent/conversations/" + id + "/confirmations/confirmation-9", "{\"decision\": \"confirm\"}");
    assertThat(unknown.json().get("code").asString()).isEqualTo("agent.confirmation_not_found");
    // Bad bodies are problems naming the field.
    var bad = post(path, "{\"decision\": \"yes\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("code").asString()).isEqualTo("agent.decision_invalid");
    assertThat(post(path, "{}").json().get("code").asString()).isEqualTo("agent.decision_invalid");
    assertThat(post(path, "{\"decision\": \"confirm\", \"force\": true}").status()).isEqualTo(400);
    assertThat(get("/api/runs/" + runId).json().path("status").asString()).isEqualTo("WAITING");

    // Past its time it can no longer be confirmed, neither in the client nor through the chat.
    jdbc.sql("UPDATE agent_confirmations SET expires_at = now() - interval '1 minute' WHERE conversation_id = :c")
        .param("c", id).update();
    assertThat(get("/api/agent/conversations/" + id).json().get("confirmations").get(0).get("status").asString())
        .isEqualTo("expired");
    var expired = post(path, "{\"decision\": \"confirm\"}");
    assertThat(expired.status()).isEqualTo(409);
    assertThat(expired.json().get("code").asString()).isEqualTo("agent.confirmation_expired");
    LLM.reset();
    LLM.openAiScript(StubLlm.sseToolCalls("confirm", "{\"confirmationId\": \"confirmation-1\", \"decision\": \"confirm\"}"),
        StubLlm.sseToolCalls("cancel_run", "{\"runId\": \"" + runId + "\"}"), StubLlm.sseText("It expired; confirm again?"));
    List<Event> late = chat(adminKey, "{\"conversationId\": \"" + id + "\", \"message\": \"oui, annule-le\"}");
    assertThat(toolResults(late).get(0).get("result").get("error").get("code").asString()).isEqualTo("agent.confirmation_expired");
    assertThat(get("/api/runs/" + runId).json().path("status").asString()).isEqualTo("WAITING");

    // A fresh proposal, confirmed in time, cancels the run.
    var cancelled = post("/api/agent/conversations/" + id + "/confirmations/confirmation-2", "{\"decision\": \"confirm\"}");
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.json().get("result").get("status").asString()).isEqualTo("CANCEL_REQUESTED");
    await().atMost(Duration.ofSeconds(20)).until(() -> "CANCELED".equals(get("/api/runs/" + runId).json().path("status").asString()));
  }

  @Test
  void aConfirmationRunsWithTheRolesOfWhoConfirmsIt() throws Exception {
    // A proposal a viewer could not have made through the tools (as if their roles were lowered since):
    // confirming it is refused and it stays pending; declining is always theirs to do.
    String principal = uniqueId("vera");
    String viewer = createKey(principal, "viewer");
    LLM.openAiScript(StubLlm.sseText("Hello."));
    String id = conversationOf(chat(viewer, "{\"message\": \"hi\"}"));
    jdbc.sql("""
        INSERT INTO agent_confirmations (id, conversation_id, owner, turn, action, arguments, summary, created_at, expires_at)
        VALUES ('confirmation-1', :c, :owner, 1, 'start_run', CAST('{"workflowId": "nope", "version": 1, "input": {}}' AS json),
                'Start a run', now(), now() + interval '5 minutes')""").param("c", id).param("owner", principal).update();
    String path = "/api/agent/conversations/" + id + "/confirmations/confirmation-1";

    var refused = as(viewer).post(path, "{\"decision\": \"confirm\"}");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().get("code").asString()).isEqualTo("auth.forbidden");
    assertThat(as(viewer).get("/api/agent/conversations/" + id).json().get("confirmations").get(0).get("status").asString())
        .isEqualTo("pending");
    assertThat(as(viewer).post(path, "{\"decision\": \"decline\"}").json().get("status").asString()).isEqualTo("declined");
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
