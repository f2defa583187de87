package dev.weft.engine;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code http} node inside real runs: retries on 5xx, no retry on 4xx, no repeated upstream calls, and one
 * idempotency key for every repetition of a call.
 */
class HttpNodeWorkflowTest {
  private EngineTestSupport t;
  private WireMockServer api;

  @BeforeEach
  void setUp() {
    t = new EngineTestSupport();
    api = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    api.start();
  }

  @AfterEach
  void tearDown() {
    api.stop();
    t.close();
  }

  private String base() {
    return "http://127.0.0.1:" + api.port();
  }

  @Test
  void serverErrorsAreRetriedAndTheDownstreamCallSeesTheResult() {
    api.stubFor(get(urlPathEqualTo("/expenses/42")).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(503)).willSetStateTo("second"));
    api.stubFor(get(urlPathEqualTo("/expenses/42")).inScenario("flaky").whenScenarioStateIs("second")
        .willReturn(aResponse().withStatus(502)).willSetStateTo("third"));
    api.stubFor(get(urlPathEqualTo("/expenses/42")).inScenario("flaky").whenScenarioStateIs("third")
        .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"amount\": 1500}")));
    api.stubFor(post(urlPathEqualTo("/bookings")).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody("{\"booked\": true}")));
    WorkflowStub run = t.start("""
        {"name": "expense", "nodes": [
          {"id": "fetch", "type": "http", "config": {"url": "%s/expenses/{{ input.id }}", "headers": {"X-Trace": "t-1"}},
           "retry": {"maxAttempts": 5, "initialInterval": "1s"}},
          {"id": "book", "type": "http", "config": {"method": "POST", "url": "%s/bookings",
           "body": {"id": "{{ input.id }}", "amount": "{{ nodes.fetch.output.body.amount }}"}}}
        ], "edges": [{"from": "fetch", "to": "book"}]}
        """.formatted(base(), base()), "{\"id\": 42}");
    RunResult r = run.getResult(RunResult.class);
    assertThat(r.output().get("book").get("status").asInt()).isEqualTo(201);
    assertThat(r.output().get("book").get("body").get("booked").booleanValue()).isTrue();
    RunState s = t.state(run);
    assertThat(s.nodes().get("fetch").attempts()).isEqualTo(3);
    assertThat(s.nodes().get("book").attempts()).isEqualTo(1);
    api.verify(3, getRequestedFor(urlPathEqualTo("/expenses/42")).withHeader("X-Trace", equalTo("t-1")));
    api.verify(1, postRequestedFor(urlPathEqualTo("/bookings")).withRequestBody(equalToJson("{\"id\": 42, \"amount\": 1500}")));
  }

  @Test
  void clientErrorsFailWithoutRetryAndCarryTheStatus() {
    api.stubFor(get(urlPathEqualTo("/missing")).willReturn(aResponse().withStatus(404).withBody("no such thing")));
    WorkflowStub run = t.start("""
        {"name": "missing", "nodes": [
          {"id": "fetch", "type": "http", "config": {"url": "%s/missing"}, "retry": {"maxAttempts": 5}}
        ]}
        """.formatted(base()), "{}");
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
    NodeError e = t.state(run).nodes().get("fetch").error();
    assertThat(e.code()).isEqualTo("http.status");
    assertThat(e.details().get("status").asInt()).isEqualTo(404);
    api.verify(1, getRequestedFor(urlPathEqualTo("/missing")));
  }

  @Test
  void aFailingDownstreamNodeNeverRepeatsTheUpstreamCall() {
    api.stubFor(get(urlPathEqualTo("/source")).willReturn(aResponse().withHeader("Content-Type", "application/json")
        .withBody("{\"v\": 1}")));
    api.stubFor(post(urlPathEqualTo("/sink")).willReturn(aResponse().withStatus(500)));
    WorkflowStub run = t.start("""
        {"name": "once", "nodes": [
          {"id": "source", "type": "http", "config": {"url": "%s/source"}},
          {"id": "sink", "type": "http", "config": {"method": "POST", "url": "%s/sink", "body": "{{ nodes.source.output.body }}"},
           "retry": {"maxAttempts": 4, "initialInterval": "1s"}}
        ], "edges": [{"from": "source", "to": "sink"}]}
        """.formatted(base(), base()), "{}");
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
    assertThat(t.state(run).nodes().get("sink").attempts()).isEqualTo(4);
    api.verify(1, getRequestedFor(urlPathEqualTo("/source")));
    api.verify(4, postRequestedFor(urlPathEqualTo("/sink")));
  }

  @Test
  void retryAfterFromTheServerSetsTheNextAttemptsDelay() {
    api.stubFor(get(urlPathEqualTo("/limited")).inScenario("rate").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")).willSetStateTo("ok"));
    api.stubFor(get(urlPathEqualTo("/limited")).inScenario("rate").whenScenarioStateIs("ok")
        .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\": true}")));
    WorkflowStub run = t.start("""
        {"name": "limited", "nodes": [
          {"id": "call", "type": "http", "config": {"url": "%s/limited"}, "retry": {"maxAttempts": 3, "initialInterval": "1s"}}
        ]}
        """.formatted(base()), "{}");
    run.getResult(RunResult.class);
    NodeState call = t.state(run).nodes().get("call");
    assertThat(call.attempts()).isEqualTo(2);
    assertThat(java.time.Duration.between(call.startedAt(), call.endedAt())).isGreaterThanOrEqualTo(java.time.Duration.ofSeconds(30));
  }
  @Test
  void everyAttemptOfACallCarriesTheSameIdempotencyKey() {
    api.stubFor(post(urlPathEqualTo("/payments")).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
    api.stubFor(post(urlPathEqualTo("/payments")).inScenario("flaky").whenScenarioStateIs("up")
        .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"paid\": true}")));
    WorkflowStub run = t.start("""
        {"name": "pay", "nodes": [
          {"id": "pay", "type": "http", "config": {"method": "POST", "url": "%s/payments", "body": {"amount": 10}},
           "retry": {"maxAttempts": 3, "initialInterval": "1s"}}
        ]}
        """.formatted(base()), "{}");
    run.getResult(RunResult.class);

    assertThat(t.state(run).nodes().get("pay").attempts()).isEqualTo(2);
    String key = run.getExecution().getWorkflowId() + "/pay";
    assertThat(idempotencyKeys("/payments")).containsExactly(key, key);
  }

  @Test
  void aRetryAnOperatorAsksForRepeatsTheSameCallWithTheSameKey() {
    api.stubFor(post(urlPathEqualTo("/refunds")).inScenario("refund").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(409)).willSetStateTo("ok"));
    api.stubFor(post(urlPathEqualTo("/refunds")).inScenario("refund").whenScenarioStateIs("ok")
        .willReturn(aResponse().withStatus(200)));
    WorkflowStub run = t.start("""
        {"name": "refund", "nodes": [
          {"id": "refund", "type": "http", "config": {"method": "POST", "url": "%s/refunds", "idempotencyHeader": "X-Request-Id"},
           "onError": "ask"}
        ]}
        """.formatted(base()), "{}");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> t.state(run).waiting().contains("refund"));
    Updates.send(() -> t.run(run).decide(new HumanInput("refund", HumanTaskWorkflowTest.ANN, "retry", null, null, null)));
    run.getResult(RunResult.class);

    assertThat(t.state(run).nodes().get("refund").attempts()).isEqualTo(2);
    String key = run.getExecution().getWorkflowId() + "/refund";
    assertThat(api.findAll(postRequestedFor(urlPathEqualTo("/refunds")))).extracting(r -> r.getHeader("X-Request-Id"))
        .containsExactly(key, key);
  }

  private java.util.List<String> idempotencyKeys(String path) {
    return api.findAll(postRequestedFor(urlPathEqualTo(path))).stream().map(r -> r.getHeader("Idempotency-Key")).toList();
  }
}
