package dev.weft.engine;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.weft.ai.TestModels;
import dev.weft.node.llm.LlmStub;
import dev.weft.observability.RunMetrics;
import dev.weft.store.StoredEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.client.WorkflowStub;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** LLM nodes inside real runs: retried like any activity, counted once, never asked again for a downstream failure. */
class LlmNodeWorkflowTest {
  private LlmStub llm;
  private EngineTestSupport t;

  @BeforeEach
  void setUp() {
    llm = new LlmStub();
    t = new EngineTestSupport(TestModels.openAi(llm.baseUrl()));
  }

  @AfterEach
  void tearDown() {
    t.close();
    llm.close();
  }

  @Test
  void aRateLimitedCallIsRetriedAndItsUsageCountedOnce() {
    // The first attempt fails with 429 and uses nothing; the second answers; metrics count that one call.
    llm.server().stubFor(post(urlPathEqualTo(LlmStub.PATH)).inScenario("rate").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2").withHeader("Content-Type", "application/json")
            .withBody("{\"error\": {\"message\": \"rate limited\"}}")).willSetStateTo("ok"));
    llm.server().stubFor(post(urlPathEqualTo(LlmStub.PATH)).inScenario("rate").whenScenarioStateIs("ok")
        .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(LlmStub.body("Hello, Ada.", 100, 20))));
    WorkflowStub run = t.start("""
        {"name": "greet", "nodes": [
          {"id": "greet", "type": "llm.chat", "config": {"prompt": "Greet {{ input.name }}."},
           "retry": {"maxAttempts": 3, "initialInterval": "1s"}},
          {"id": "out", "type": "respond", "config": {"body": {"greeting": "{{ nodes.greet.output.text }}"}}}
        ], "edges": [{"from": "greet", "to": "out"}]}
        """, "{\"name\": \"Ada\"}");

    RunResult r = run.getResult(RunResult.class);

    assertThat(r.output().get("greeting").stringValue()).isEqualTo("Hello, Ada.");
    NodeState greet = t.state(run).nodes().get("greet");
    assertThat(greet.attempts()).isEqualTo(2);
    assertThat(greet.output().at("/llm/tokensIn").asLong()).isEqualTo(100);
    assertThat(llm.requests()).hasSize(2);
    List<RunEvent> events = t.events.of(run.getExecution().getWorkflowId());
    assertThat(events).anyMatch(e -> e.kind() == EventKind.NODE_ATTEMPT_FAILED && "llm.rate_limited".equals(e.error().code()));

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<StoredEvent> stored = new ArrayList<>();
    for (RunEvent e : events) stored.add(new StoredEvent(stored.size() + 1, e));
    new RunMetrics(registry).inserted(stored);

    assertThat(registry.get(RunMetrics.LLM_TOKENS).tags("type", "llm.chat", "model", TestModels.MODEL,
        "direction", "in").counter().count()).isEqualTo(100);
    assertThat(registry.get(RunMetrics.LLM_TOKENS).tags("direction", "out").counter().count()).isEqualTo(20);
    // 0.1 * 0.5 + 0.02 * 1.5 per call, one call counted
    assertThat(registry.get(RunMetrics.LLM_COST).counter().count()).isEqualTo(0.08, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void aRetriedDownstreamNodeNeverAsksTheModelAgain() {
    llm.answers("A short poem.");
    var sink = llm.server();
    sink.stubFor(post(urlPathEqualTo("/sink")).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(500)).willSetStateTo("ok"));
    sink.stubFor(post(urlPathEqualTo("/sink")).inScenario("flaky").whenScenarioStateIs("ok")
        .willReturn(aResponse().withStatus(204)));
    WorkflowStub run = t.start("""
        {"name": "poem", "nodes": [
          {"id": "write", "type": "llm.chat", "config": {"prompt": "Write a poem."}},
          {"id": "post", "type": "http", "config": {"method": "POST", "url": "http://127.0.0.1:%d/sink",
           "body": {"poem": "{{ nodes.write.output.text }}"}}, "retry": {"maxAttempts": 3, "initialInterval": "1s"}}
        ], "edges": [{"from": "write", "to": "post"}]}
        """.formatted(sink.port()), "{}");

    run.getResult(RunResult.class);

    RunState s = t.state(run);
    assertThat(s.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(s.nodes().get("post").attempts()).isEqualTo(2);
    assertThat(s.nodes().get("write").attempts()).isEqualTo(1);
    assertThat(llm.requests()).hasSize(1);
    sink.verify(2, postRequestedFor(urlPathEqualTo("/sink")).withRequestBody(equalToJson("{\"poem\": \"A short poem.\"}")));
  }
}
