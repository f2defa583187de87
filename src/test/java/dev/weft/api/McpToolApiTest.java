package dev.weft.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.weft.node.agent.AgentModelStub;
import dev.weft.node.agent.McpTestServer;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * An agent with an mcp tool in the running service: the server's tool is called with the stored credential
 * (resolved in the worker's activity for the run's tenant), the result reaches the model, and the secret
 * is in no event.
 */
class McpToolApiTest extends AiServiceTestSupport {

  @Test
  void anMcpToolCallsTheServerWithTheStoredCredential() {
    String credential = uniqueId("mcp").toLowerCase();
    String secret = "mcp-secret-" + credential;
    assertThat(post("/api/credentials", """
        {"name": "%s", "type": "bearer", "data": {"token": "%s"}}""".formatted(credential, secret)).status()).isEqualTo(201);
    LLM.server.stubFor(WireMock.post(urlEqualTo("/v1/chat/completions")).inScenario("mcp-api").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withHeader("Content-Type", "application/json")
            .withBody(AgentModelStub.calls("orders_lookup", "{\"id\": \"A-1\"}"))).willSetStateTo("answer"));
    LLM.server.stubFor(WireMock.post(urlEqualTo("/v1/chat/completions")).inScenario("mcp-api").whenScenarioStateIs("answer")
        .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(AgentModelStub.text("A-1 has shipped."))));

    try (McpTestServer server = new McpTestServer()) {
      String id = uniqueId("mcp-agent");
      var saved = post("/api/workflows", """
          {"id": "%s", "name": "agent with an mcp server", "nodes": [
            {"id": "ask", "type": "agent", "config": {"prompt": "Where is {{ input.order }}?",
             "tools": [{"name": "orders", "kind": "mcp", "description": "the order system", "server": "%s",
                        "credential": "%s", "allow": ["lookup"], "prefix": "orders_"}]}}
          ], "edges": []}""".formatted(id, server.url(), credential));
      assertThat(saved.status()).as(saved.text()).isEqualTo(201);
      String run = post("/api/workflows/" + id + "/runs", "{\"input\": {\"order\": \"A-1\"}}").json().get("runId").stringValue();

      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> get("/api/runs/" + run).json().has("endedAt"));
      JsonNode ended = get("/api/runs/" + run).json();
      assertThat(ended.get("status").stringValue()).as(ended.toString()).isEqualTo("COMPLETED");
      assertThat(ended.at("/output/ask/text").stringValue()).isEqualTo("A-1 has shipped.");
      assertThat(server.calls).containsExactly("lookup({id=A-1})");
      assertThat(server.authorizations).isNotEmpty().allMatch(("Bearer " + secret)::equals);
      String events = get("/api/runs/" + run + "/events").text();
      assertThat(events).contains("order A-1: shipped").doesNotContain(secret);
    }
  }
}
