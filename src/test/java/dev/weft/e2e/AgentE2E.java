package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.definition.Json;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The agent node's loop is durable: Weft killed with -9 between two tool calls of an agent (while the second
 * waits for its approval) resumes after a restart without asking the model again for a turn it answered and
 * without calling again a tool that ran, and the run completes. Killed during a tool call, only that call
 * runs again (with the same idempotency key).
 */
class AgentE2E extends E2ESupport {

  /** An OpenAI chat completion asking for one tool call. */
  private static String toolCall(String id, String name, String args) {
    ObjectNode c = Json.object();
    c.put("id", "chatcmpl-" + id).put("object", "chat.completion").put("created", 1_700_000_000).put("model", "e2e-model");
    ObjectNode choice = c.putArray("choices").addObject().put("index", 0).put("finish_reason", "tool_calls");
    ObjectNode message = choice.putObject("message").put("role", "assistant");
    message.putNull("content");
    ObjectNode call = message.putArray("tool_calls").addObject().put("id", id).put("type", "function");
    call.putObject("function").put("name", name).put("arguments", args);
    c.putObject("usage").put("prompt_tokens", 40).put("completion_tokens", 5).put("total_tokens", 45);
    return c.toString();
  }

  @Test
  void aWeftKilledBetweenTwoToolCallsRepeatsNoModelCallAndNoToolCall() {
    int modelCalls = stub.calls("/v1/chat/completions");
    stub.script("/v1/chat/completions", toolCall("call_a", "stock", "{\"sku\": \"A-1\"}"),
        toolCall("call_b", "reorder", "{\"sku\": \"A-1\", \"quantity\": 5}"),
        dev.weft.ai.StubLlm.completion("e2e-model", "Reordered 5 of A-1.", 40, 5));
    String id = create("""
        {"id": "%s", "name": "E2E agent crash",
         "nodes": [
           {"id": "clerk", "type": "agent", "timeout": "20s", "config": {
             "system": "You keep the stock.", "prompt": "Check {{ input.sku }} and reorder if low.",
             "requireApproval": ["reorder"], "approvers": ["role:admin"], "allowSelfApproval": true,
             "tools": [
               {"name": "stock", "kind": "http", "description": "stock level of a sku",
                "parameters": {"type": "object", "properties": {"sku": {"type": "string"}}, "required": ["sku"]},
                "request": {"url": "%s", "query": {"sku": "{{ item.sku }}"}}},
               {"name": "reorder", "kind": "http", "description": "reorders a quantity of a sku",
                "parameters": {"type": "object", "properties": {"sku": {"type": "string"}, "quantity": {"type": "integer"}},
                               "required": ["sku", "quantity"]},
                "request": {"method": "POST", "url": "%s", "body": {"sku": "{{ item.sku }}", "quantity": "{{ item.quantity }}"}}}
             ]}}
         ], "edges": []}""".formatted(uniqueId("agent"), stub.url("/agent/stock"), stub.url("/agent/reorder")));
    String runId = rest.post("/api/workflows/" + id + "/runs", "{\"input\": {\"sku\": \"A-1\"}}").expect(202).json()
        .get("runId").stringValue();

    await("the agent waits for the approval of its second tool call").atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(300)).ignoreExceptions().until(() -> state(runId).get("waiting").toString().contains("clerk"));
    assertThat(stub.calls("/v1/chat/completions") - modelCalls).isEqualTo(2);
    assertThat(stub.calls("/agent/stock")).isEqualTo(1);

    long killed = weft.pid();
    weft.kill();
    weft.start(rest);
    assertThat(weft.pid()).isNotEqualTo(killed);
    rest.post("/api/runs/" + runId + "/nodes/clerk/decision", "{\"decision\": \"approve\"}").expect(200);

    JsonNode ended = awaitEnd(runId, Duration.ofSeconds(120));
    assertThat(ended.get("status").stringValue()).as(ended.toString()).isEqualTo("COMPLETED");
    assertThat(ended.at("/nodes/clerk/output/text").stringValue()).isEqualTo("Reordered 5 of A-1.");
    assertThat(ended.at("/nodes/clerk/output/turns").asInt()).isEqualTo(3);
    assertThat(stub.calls("/v1/chat/completions") - modelCalls).as("each model turn was paid once").isEqualTo(3);
    assertThat(stub.calls("/agent/stock")).as("the tool that ran before the crash ran once").isEqualTo(1);
    assertThat(stub.calls("/agent/reorder")).as("the approved tool ran once").isEqualTo(1);
    assertThat(stub.headers("/agent/reorder", "Idempotency-Key")).containsExactly(runId + "/clerk.call2");

    JsonNode events = rest.get("/api/runs/" + runId + "/events?limit=500").expect(200).json().get("events");
    List<String> agentEvents = StreamSupport.stream(events.spliterator(), false)
        .map(e -> e.get("kind").stringValue()).filter(k -> k.startsWith("agent_")).toList();
    assertThat(agentEvents).containsExactly("agent_turn", "agent_tool_call", "agent_turn", "agent_tool_call", "agent_turn");
  }

  @Test
  void aWeftKilledDuringAToolCallRepeatsOnlyThatCallWithTheSameIdempotencyKey() {
    stub.hold("/agent2/reorder");
    int modelCalls = stub.calls("/v1/chat/completions");
    stub.script("/v1/chat/completions", toolCall("call_a", "stock", "{\"sku\": \"B-2\"}"),
        toolCall("call_b", "reorder", "{\"sku\": \"B-2\", \"quantity\": 3}"),
        dev.weft.ai.StubLlm.completion("e2e-model", "Reordered 3 of B-2.", 40, 5));
    String id = create("""
        {"id": "%s", "name": "E2E agent crash in a call",
         "nodes": [
           {"id": "clerk", "type": "agent", "timeout": "5s",
            "retry": {"maxAttempts": 5, "initialInterval": "1s", "backoffCoefficient": 1.0},
            "config": {"prompt": "Check {{ input.sku }} and reorder if low.", "tools": [
               {"name": "stock", "kind": "http", "description": "stock level of a sku",
                "parameters": {"type": "object", "properties": {"sku": {"type": "string"}}, "required": ["sku"]},
                "request": {"url": "%s", "query": {"sku": "{{ item.sku }}"}}},
               {"name": "reorder", "kind": "http", "description": "reorders a quantity of a sku",
                "parameters": {"type": "object", "properties": {"sku": {"type": "string"}, "quantity": {"type": "integer"}},
                               "required": ["sku", "quantity"]},
                "request": {"method": "POST", "url": "%s", "body": {"sku": "{{ item.sku }}", "quantity": "{{ item.quantity }}"}}}
             ]}}
         ], "edges": []}""".formatted(uniqueId("agent-call"), stub.url("/agent2/stock"), stub.url("/agent2/reorder")));
    String runId = rest.post("/api/workflows/" + id + "/runs", "{\"input\": {\"sku\": \"B-2\"}}").expect(202).json()
        .get("runId").stringValue();

    await("the second tool call reaches its endpoint").atMost(Duration.ofSeconds(90)).until(() -> stub.calls("/agent2/reorder") >= 1);
    weft.kill();
    weft.start(rest);
    stub.release("/agent2/reorder");

    JsonNode ended = awaitEnd(runId, Duration.ofSeconds(120));
    assertThat(ended.get("status").stringValue()).as(ended.toString()).isEqualTo("COMPLETED");
    assertThat(ended.at("/nodes/clerk/output/text").stringValue()).isEqualTo("Reordered 3 of B-2.");
    assertThat(stub.calls("/v1/chat/completions") - modelCalls).as("no finished model turn was asked again").isEqualTo(3);
    assertThat(stub.calls("/agent2/stock")).as("the finished tool call was not made again").isEqualTo(1);
    assertThat(stub.calls("/agent2/reorder")).as("the call in flight ran again").isGreaterThanOrEqualTo(2);
    assertThat(stub.headers("/agent2/reorder", "Idempotency-Key")).as("as one call to the upstream").containsOnly(runId + "/clerk.call2");
  }
}
