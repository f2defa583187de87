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
import dev.weft.definition.Json;
import dev.weft.engine.RunWorkflow;
import dev.weft.engine.TemporalNames;
import io.temporal.client.WorkflowClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** The event log of a node whose activity is retried: one row per attempt and kind, none twice, none lost. */
class NodeEventsTest extends ServiceTestSupport {
  @Autowired WorkflowClient client;
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
        "node_attempt_completed#3", "node_completed#3");
    assertThat(call.get(1).at("/error/code").stringValue()).isEqualTo("http.status");
    assertThat(call.getLast().at("/output/body/id").asInt()).isEqualTo(7);
    assertThat(call.getLast().get("durationMs").asLong()).isNotNegative();
  }

  @Test
  void activityOutputsAreLoggedOnceAndNotCopiedIntoHistory() {
    String big = "{\"text\": \"" + "x".repeat(100_000) + "\"}";
    upstream.stubFor(WireMock.get("/big").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody(big)));
    String id = create("flaky-http.json", "big");
    Response r = post("/api/workflows/" + id + "/runs?wait=PT30S",
        "{\"input\": {\"url\": \"http://127.0.0.1:" + upstream.port() + "/big\"}}");
    assertThat(r.status()).isEqualTo(200);
    String runId = r.json().get("runId").stringValue();

    JsonNode completed = get("/api/runs/" + runId + "/events").json().get("events").valueStream()
        .filter(e -> e.get("kind").stringValue().equals("node_completed") && e.get("nodeId").stringValue().equals("call"))
        .findFirst().orElseThrow();
    assertThat(completed.at("/output/body/text").stringValue()).hasSize(100_000);

    // The event batches travel through history as local-activity markers: they must not repeat the 100 KB.
    // (The GET itself runs as a local activity, execution: auto: its own marker holds its result, once.)
    var markers = client.fetchHistory(runId).getEvents().stream().filter(e -> e.hasMarkerRecordedEventAttributes())
        .map(e -> e.getMarkerRecordedEventAttributes()).toList();
    java.util.function.Predicate<io.temporal.api.history.v1.MarkerRecordedEventAttributes> eventWrites = m ->
        m.getDetailsMap().containsKey("type") && m.getDetailsMap().get("type").toString().contains(TemporalNames.RECORD_EVENTS);
    assertThat(markers.stream().filter(eventWrites).count()).isPositive();
    assertThat(markers.stream().filter(eventWrites).mapToLong(m -> m.getSerializedSize()).max().orElseThrow()).isLessThan(30_000);
    assertThat(markers.stream().mapToLong(m -> m.getSerializedSize()).sum()).as("the output once in all of history's markers")
        .isLessThan(100_000 + 60_000);

    // The closed run reads exactly as the state query answers, outputs included (and the index's trigger).
    tools.jackson.databind.node.ObjectNode queried = Json.MAPPER.valueToTree(client.newWorkflowStub(RunWorkflow.class, runId).state());
    queried.put("trigger", "api");
    assertThat(get("/api/runs/" + runId).text()).isEqualTo(Json.MAPPER.writeValueAsString(queried));
  }
}
