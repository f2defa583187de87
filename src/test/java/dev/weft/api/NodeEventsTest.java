package dev.weft.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The event log of a node whose activity is retried: one row per attempt and kind, none twice, none lost. */
class NodeEventsTest extends ServiceTestSupport {
  private WireMockServer upstream;

  @BeforeEach
  void startUpstream() {
    upstream = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    upstream.start();
  }

  @AfterEach
  void stopUpstream() {
    upstream.stop();
  }

  @Test
  void aRetriedActivityLogsEachAttemptOnceAndCompletesOnce() {
    upstream.stubFor(WireMock.get("/order").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(503)).willSetStateTo("second"));
    upstream.stubFor(WireMock.get("/order").inScenario("flaky").whenScenarioStateIs("second")
        .willReturn(aResponse().withStatus(502)).willSetStateTo("third"));
    upstream.stubFor(WireMock.get("/order").inScenario("flaky").whenScenarioStateIs("third")
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"id\": 7}")));
    String id = create("flaky-http.json", "flaky");

    Response r = post("/api/workflows/" + id + "/runs?wait=PT30S",
        "{\"input\": {\"url\": \"http://127.0.0.1:" + upstream.port() + "/order\"}}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().at("/output/id").asInt()).isEqualTo(7);
    assertThat(r.json().at("/nodes/call/attempts").asInt()).isEqualTo(3);
    upstream.verify(3, getRequestedFor(urlPathEqualTo("/order")));

    String runId = r.json().get("runId").stringValue();
    List<JsonNode> call = get("/api/runs/" + runId + "/events").json().get("events").valueStream()
        .filter(e -> e.has("nodeId") && e.get("nodeId").stringValue().equals("call")).toList();
    assertThat(call).extracting(e -> e.get("kind").stringValue() + "#" + e.get("attempt").asInt()).containsExactly(
        "node_started#1", "node_attempt_failed#1", "node_started#2", "node_attempt_failed#2", "node_started#3",
        "node_completed#3");
    assertThat(call.get(1).at("/error/code").stringValue()).isEqualTo("http.status");
    assertThat(call.getLast().at("/output/body/id").asInt()).isEqualTo(7);
    assertThat(call.getLast().get("durationMs").asLong()).isNotNegative();
  }
}
