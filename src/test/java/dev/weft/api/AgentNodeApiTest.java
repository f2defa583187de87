package dev.weft.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.weft.node.agent.AgentModelStub;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * An agent whose tool call needs an approval, over REST: the task is in the inbox with the call's arguments,
 * the decision goes through the decision endpoint, the task closes as soon as the agent goes on (the run is
 * RUNNING again, not WAITING, while the model answers), and the run's events show each turn and tool call.
 */
class AgentNodeApiTest extends AiServiceTestSupport {

  private void script(String first, String second, int secondDelayMs) {
    LLM.server.stubFor(WireMock.post(urlEqualTo("/v1/chat/completions")).inScenario("agent-api").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(first)).willSetStateTo("second"));
    LLM.server.stubFor(WireMock.post(urlEqualTo("/v1/chat/completions")).inScenario("agent-api").whenScenarioStateIs("second")
        .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(second)
            .withFixedDelay(secondDelayMs)));
  }

  private List<String> approvals(String status) {
    return get("/api/approvals?status=" + status).json().get("tasks").valueStream().map(t -> t.get("runId").stringValue()).toList();
  }

  @Test
  void aToolCallWaitsForItsApprovalInTheInboxAndTheRunGoesOn() {
    script(AgentModelStub.calls("multiply", "{\"a\": 6, \"b\": 7}"), AgentModelStub.text("It is 42."), 3_000);
    String id = uniqueId("agent");
    assertThat(post("/api/workflows", """
        {"id": "%s", "name": "agent with approval", "nodes": [
          {"id": "ask", "type": "agent", "config": {"prompt": "What is {{ input.a }} times {{ input.b }}?",
           "requireApproval": ["multiply"], "approvers": ["role:admin"], "allowSelfApproval": true,
           "tools": [{"name": "multiply", "kind": "calculator", "description": "a times b", "expression": "item.a * item.b",
                      "parameters": {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}}}]}}
        ], "edges": []}""".formatted(id)).status()).isEqualTo(201);
    String run = post("/api/workflows/" + id + "/runs", "{\"input\": {\"a\": 6, \"b\": 7}}").json().get("runId").stringValue();

    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> approvals("pending").contains(run));
    JsonNode task = get("/api/approvals").json().get("tasks").valueStream()
        .filter(t -> t.get("runId").stringValue().equals(run)).findFirst().orElseThrow();
    assertThat(task.at("/details/tool").stringValue()).isEqualTo("multiply");
    assertThat(task.at("/details/arguments/a").asInt()).isEqualTo(6);
    assertThat(get("/api/runs?workflowId=" + id).json().at("/runs/0/status").stringValue()).isEqualTo("WAITING");

    Response decided = post("/api/runs/" + run + "/nodes/ask/decision", "{\"decision\": \"approve\", \"comment\": \"fine\"}");
    assertThat(decided.status()).as(decided.text()).isEqualTo(200);

    // The model takes 3 s for its second turn: meanwhile the task is closed and the run runs again.
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> approvals("closed").contains(run));
    assertThat(get("/api/runs?workflowId=" + id).json().at("/runs/0/status").stringValue()).isEqualTo("RUNNING");
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/runs/" + run).json().has("endedAt"));
    JsonNode ended = get("/api/runs/" + run).json();
    assertThat(ended.get("status").stringValue()).isEqualTo("COMPLETED");
    assertThat(ended.at("/output/ask/text").stringValue()).isEqualTo("It is 42.");

    List<String> kinds = get("/api/runs/" + run + "/events").json().get("events").valueStream()
        .map(e -> e.get("kind").stringValue()).filter(k -> k.startsWith("agent_") || k.equals("node_decision")).toList();
    assertThat(kinds).containsExactly("agent_turn", "node_decision", "agent_tool_call", "agent_turn");
    JsonNode call = get("/api/runs/" + run + "/events").json().get("events").valueStream()
        .filter(e -> e.get("kind").stringValue().equals("agent_tool_call")).findFirst().orElseThrow();
    assertThat(call.at("/output/result").asInt()).isEqualTo(42);
    assertThat(call.at("/data/tool").stringValue()).isEqualTo("multiply");
  }
}
