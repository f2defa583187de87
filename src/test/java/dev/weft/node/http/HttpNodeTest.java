package dev.weft.node.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.weft.JsonAssert.assertJson;
import static dev.weft.node.NodeHarness.harness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.weft.definition.Violation;
import dev.weft.node.GraphStub;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeHarness;
import dev.weft.node.NodeKind;
import dev.weft.node.NodeRegistry;
import dev.weft.node.NodeResult;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code http} against a WireMock server on a dynamic local port, through the node invoker: request
 * building (query, headers, bodies), response reading, status and size policies, and failure codes.
 */
class HttpNodeTest {
  private static WireMockServer server;
  private static String base;

  @BeforeAll
  static void start() {
    server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    server.start();
    base = "http://127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  @BeforeEach
  void reset() {
    server.resetAll();
  }

  /** Only reads run locally under execution: auto (a repeat after a crash must be harmless). */
  @Test
  void onlyGetAndHeadAreLocalByDefault() {
    HttpNode node = new HttpNode(HttpNodeSettings.DEFAULTS);
    assertThat(node.localByDefault(dev.weft.definition.Json.parse("{\"url\": \"https://a.example\"}"))).isTrue();
    assertThat(node.localByDefault(dev.weft.definition.Json.parse("{\"method\": \"GET\"}"))).isTrue();
    assertThat(node.localByDefault(dev.weft.definition.Json.parse("{\"method\": \"HEAD\"}"))).isTrue();
    for (String m : java.util.List.of("POST", "PUT", "PATCH", "DELETE")) {
      assertThat(node.localByDefault(dev.weft.definition.Json.parse("{\"method\": \"" + m + "\"}"))).as(m).isFalse();
    }
  }

  /** A config with {@code BASE} standing for the server's root URL. */
  private static String cfg(String json) {
    return json.replace("BASE", base);
  }

  @Test
  void getWithQueryAndHeaders() {
    server.stubFor(get(urlPathEqualTo("/items")).willReturn(aResponse()
        .withStatus(200).withHeader("Content-Type", "application/json").withHeader("X-Trace", "t-1")
        .withBody("""
            {"items": [1, 2], "total": 2}""")));

    NodeResult r = harness()
        .input("""
            {"key": "secret", "page": 3}""")
        .run("http", cfg("""
            {"url": "BASE/items?fixed=yes",
             "query": {"q": "a b&c", "page": "{{ input.page }}", "flag": true, "empty": null},
             "headers": {"X-Api-Key": "k-{{ input.key }}", "Accept": "application/json"}}"""));

    assertThat(r.output().get("status").intValue()).isEqualTo(200);
    assertJson(r.output().get("body"), """
        {"items": [1, 2], "total": 2}""");
    assertThat(r.output().get("headers").get("content-type").stringValue()).isEqualTo("application/json");
    assertThat(r.output().get("headers").get("x-trace").stringValue()).isEqualTo("t-1");
    server.verify(getRequestedFor(urlPathEqualTo("/items"))
        .withQueryParam("fixed", equalTo("yes"))
        .withQueryParam("q", equalTo("a b&c"))
        .withQueryParam("page", equalTo("3"))
        .withQueryParam("flag", equalTo("true"))
        .withQueryParam("empty", equalTo(""))
        .withHeader("X-Api-Key", equalTo("k-secret"))
        .withHeader("Accept", equalTo("application/json")));
  }

  @Test
  void methodDefaultsToGetAndGetSendsNoBody() {
    server.stubFor(any(urlPathEqualTo("/x")).willReturn(aResponse().withStatus(204)));

    NodeResult r = harness().run("http", cfg("""
        {"url": "BASE/x", "body": {"ignored": true}}"""));

    assertThat(r.output().get("status").intValue()).isEqualTo(204);
    assertThat(r.output().get("body").stringValue()).isEmpty();
    assertThat(server.getAllServeEvents()).singleElement().satisfies(e -> {
      assertThat(e.getRequest().getMethod().getName()).isEqualTo("GET");
      assertThat(e.getRequest().getBody()).isEmpty();
    });
  }

  @Test
  void postSendsAnObjectBodyAsJson() {
    server.stubFor(post(urlPathEqualTo("/bookings")).willReturn(aResponse()
        .withStatus(201).withHeader("Content-Type", "application/json").withBody("""
            {"booked": true}""")));

    NodeResult r = harness()
        .input("""
            {"id": "e-1", "amount": 1200}""")
        .run("http", cfg("""
            {"method": "POST", "url": "BASE/bookings",
             "body": {"id": "{{ input.id }}", "amount": "{{ input.amount }}", "tags": ["a"]}}"""));

    assertThat(r.output().get("status").intValue()).isEqualTo(201);
    assertJson(r.output().get("body"), """
        {"booked": true}""");
    server.verify(postRequestedFor(urlPathEqualTo("/bookings"))
        .withHeader("Content-Type", equalTo("application/json"))
        .withRequestBody(equalToJson("""
            {"id": "e-1", "amount": 1200, "tags": ["a"]}""")));
  }

  @Test
  void postSendsAStringBodyAsText() {
    server.stubFor(post(urlPathEqualTo("/note")).willReturn(aResponse().withStatus(200)));

    harness().input("""
        {"name": "Ada"}""").run("http", cfg("""
        {"method": "POST", "url": "BASE/note", "body": "hello {{ input.name }}"}"""));

    server.verify(postRequestedFor(urlPathEqualTo("/note"))
        .withHeader("Content-Type", equalTo("text/plain; charset=utf-8"))
        .withRequestBody(equalTo("hello Ada")));
  }

  @Test
  void anExplicitContentTypeWins() {
    server.stubFor(any(urlPathEqualTo("/form")).willReturn(aResponse().withStatus(200)));

    harness().run("http", cfg("""
        {"method": "PUT", "url": "BASE/form", "headers": {"content-type": "application/x-www-form-urlencoded"},
         "body": "a=1&b=2"}"""));

    server.verify(putRequestedFor(urlPathEqualTo("/form"))
        .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
        .withRequestBody(equalTo("a=1&b=2")));
  }

  @Test
  void responseTypeAutoParsesJsonContentTypesOnly() {
    server.stubFor(get(urlPathEqualTo("/json")).willReturn(aResponse()
        .withHeader("Content-Type", "application/problem+json; charset=utf-8").withBody("""
            {"a": 1}""")));
    server.stubFor(get(urlPathEqualTo("/text")).willReturn(aResponse()
        .withHeader("Content-Type", "text/plain").withBody("""
            {"a": 1}""")));

    assertJson(harness().run("http", cfg("""
        {"url": "BASE/json"}""")).output().get("body"), """
        {"a": 1}""");
    assertThat(harness().run("http", cfg("""
        {"url": "BASE/text", "responseType": "auto"}""")).output().get("body").stringValue())
        .isEqualTo("{\"a\": 1}");
  }

  @Test
  void responseTypeJsonParsesWhateverTheContentType() {
    server.stubFor(get(urlPathEqualTo("/x")).willReturn(aResponse()
        .withHeader("Content-Type", "text/plain").withBody("[1, 2.5, \"x\"]")));

    NodeResult r = harness().run("http", cfg("""
        {"url": "BASE/x", "responseType": "json"}"""));

    assertJson(r.output().get("body"), "[1, 2.5, \"x\"]");
  }

  @Test
  void responseTypeJsonWithAnEmptyBodyIsNull() {
    server.stubFor(get(urlPathEqualTo("/x")).willReturn(aResponse().withStatus(200)));

    NodeResult r = harness().run("http", cfg("""
        {"url": "BASE/x", "responseType": "json"}"""));

    assertThat(r.output().get("body").isNull()).isTrue();
  }

  @Test
  void responseTypeTextKeepsJsonAsText() {
    server.stubFor(get(urlPathEqualTo("/x")).willReturn(aResponse()
        .withHeader("Content-Type", "application/json").withBody("{\"a\":1}")));

    NodeResult r = harness().run("http", cfg("""
        {"url": "BASE/x", "responseType": "text"}"""));

    assertThat(r.output().get("body").isString()).isTrue();
    assertThat(r.output().get("body").stringValue()).isEqualTo("{\"a\":1}");
  }

  @Test
  void serverErrorIsRetryableWithStatusDetails() {
    server.stubFor(get(urlPathEqualTo("/x")).willReturn(aResponse().withStatus(503).withBody("down for maintenance")));

    NodeFailure f = harness().failure("http", cfg("""
        {"url": "BASE/x"}"""));

    assertThat(f.code()).isEqualTo("http.status");
    assertThat(f.retryable()).isTrue();
    assertThat(f.details().get("status").intValue()).isEqualTo(503);
    assertThat(f.details().get("body").stringValue()).isEqualTo("down for maintenance");
  }

  @Test
  void status500IsRetryable() {
    server.stubFor(get(urlPathEqualTo("/x")).willReturn(aResponse().withStatus(500)));

    NodeFailure f = harness().failure("http", cfg("""
        {"url": "BASE/x"}"""));

    assertThat(f.code()).isEqualTo("http.status");
    assertThat(f.retryable()).isTrue();
    assertThat(f.details().get("status").intValue()).isEqualTo(500);
  }

  @Test
  void tooManyRequestsIsRetryable() {
    server.stubFor(get(urlPathEqualTo("/x")).willReturn(aResponse().withStatus(429)));

    NodeFailure f = harness().failure("http", cfg("""
        {"url": "BASE/x"}"""));

    assertThat(f.code()).isEqualTo("http.status");
    assertThat(f.retryable()).isTrue();
    assertThat(f.details().get("status").intValue()).isEqualTo(429);
  }

  @Test
  void notFoundIsNotRetryable() {
    server.stubFor(get(urlPathEqualTo("/x")).willReturn(aResponse().withStatus(404).withBody("no such thing")));

    NodeFailure f = harness().failure("http", cfg("""
        {"url": "BASE/x"}"""));

    assertThat(f.code()).isEqualTo("http.status");
    assertThat(f.retryable()).isFalse();
    assertThat(f.details().get("status").intValue()).isEqualTo(404);
    assertThat(f.details().get("body").stringValue()).isEqualTo("no such thing");
  }

  @Test
  void errorDetailsCarryOnlyAPreviewOfTheBody() {
    server.stubFor(get(urlPathEqualTo("/x")).willReturn(aResponse().withStatus(400).withBody("e".repeat(10_000))));

    NodeFailure f = harness().failure("http", cfg("""
        {"url": "BASE/x"}"""));

    assertThat(f.details().get("body").stringValue()).hasSize(2_048);
  }

  @Test
  void serverErrorWithABodyAboveTheLimitStaysARetryableStatusFailure() {
    // The error page is bigger than the node accepts; the outage must still be retried as http.status.
    server.stubFor(get(urlPathEqualTo("/x")).willReturn(aResponse().withStatus(502).withBody("<html>" + "x".repeat(500))));

    NodeFailure f = harness().failure("http", cfg("""
        {"url": "BASE/x", "maxResponseBytes": 100}"""));

    assertThat(f.code()).isEqualTo("http.status");
    assertThat(f.retryable()).isTrue();
    assertThat(f.details().get("status").intValue()).isEqualTo(502);
  }

  @Test
  void failOnStatusFalseReturnsTheStatusAsOutput() {
    server.stubFor(get(urlPathEqualTo("/x")).willReturn(aResponse()
        .withStatus(404).withHeader("Content-Type", "application/json").withBody("""
            {"error": "missing"}""")));

    NodeResult r = harness().run("http", cfg("""
        {"url": "BASE/x", "failOnStatus": false}"""));

    assertThat(r.output().get("status").intValue()).isEqualTo(404);
    assertJson(r.output().get("body"), """
        {"error": "missing"}""");
  }

  @Test
  void responseAtTheLimitIsAccepted() {
    server.stubFor(get(urlPathEqualTo("/x")).willReturn(aResponse().withBody("0123456789")));

    NodeResult r = harness().run("http", cfg("""
        {"url": "BASE/x", "maxResponseBytes": 10, "responseType": "text"}"""));

    assertThat(r.output().get("body").stringValue()).isEqualTo("0123456789");
  }

  @Test
  void responseAboveTheLimitFailsNonRetryably() {
    server.stubFor(get(urlPathEqualTo("/x")).willReturn(aResponse().withBody("0123456789A")));

    NodeFailure f = harness().failure("http", cfg("""
        {"url": "BASE/x", "maxResponseBytes": 10}"""));

    assertThat(f.code()).isEqualTo("http.response_too_large");
    assertThat(f.retryable()).isFalse();
  }

  @Test
  void theServerLimitCapsTheNodeLimit() {
    NodeRegistry small = new NodeRegistry(List.of(new HttpNode(new HttpNodeSettings(16, Duration.ofSeconds(5),
        dev.weft.TestRegistries.LOCAL_HTTP.outbound()))));
    server.stubFor(get(urlPathEqualTo("/x")).willReturn(aResponse().withBody("x".repeat(17))));

    NodeFailure f = NodeHarness.harness(small).failure("http", cfg("""
        {"url": "BASE/x", "maxResponseBytes": 1000}"""));

    assertThat(f.code()).isEqualTo("http.response_too_large");
  }

  @Test
  void invalidJsonFails() {
    server.stubFor(get(urlPathEqualTo("/x")).willReturn(aResponse()
        .withHeader("Content-Type", "application/json").withBody("{\"a\": ")));

    NodeFailure f = harness().failure("http", cfg("""
        {"url": "BASE/x"}"""));

    assertThat(f.code()).isEqualTo("http.invalid_json");
    assertThat(f.retryable()).isFalse();
  }

  @Test
  void connectionRefusedIsRetryable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }

    NodeFailure f = harness().failure("http", """
        {"url": "http://127.0.0.1:%d/x"}""".formatted(port));

    assertThat(f.code()).isEqualTo("http.connect");
    assertThat(f.retryable()).isTrue();
  }

  @Test
  void aDroppedConnectionIsRetryable() {
    server.stubFor(get(urlPathEqualTo("/x")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    NodeFailure f = harness().failure("http", cfg("""
        {"url": "BASE/x"}"""));

    assertThat(f.code()).isEqualTo("http.connect");
    assertThat(f.retryable()).isTrue();
  }

  @Test
  void noAnswerWithinTheNodeTimeoutIsRetryable() {
    server.stubFor(get(urlPathEqualTo("/slow")).willReturn(aResponse().withFixedDelay(2_000)));

    NodeFailure f = harness().timeout("200ms").failure("http", cfg("""
        {"url": "BASE/slow"}"""));

    assertThat(f.code()).isEqualTo("http.timeout");
    assertThat(f.retryable()).isTrue();
  }

  @Test
  void invalidUrlsFailNonRetryably() {
    for (String url : List.of("ftp://example.com/x", "/relative/path", "http:///no-host", "http://exa mple.com/")) {
      NodeFailure f = harness().failure("http", """
          {"url": "%s"}""".formatted(url));

      assertThat(f.code()).as(url).isEqualTo("http.url_invalid");
      assertThat(f.retryable()).as(url).isFalse();
    }
  }

  @Test
  void aUrlBuiltByATemplateIsCheckedAtRunTime() {
    NodeFailure f = harness().input("""
        {"target": "file:///etc/passwd"}""").failure("http", """
        {"url": "{{ input.target }}"}""");

    assertThat(f.code()).isEqualTo("http.url_invalid");
  }

  @Test
  void aHeaderTheClientRefusesFailsNonRetryably() {
    NodeFailure f = harness().failure("http", cfg("""
        {"url": "BASE/x", "headers": {"Host": "elsewhere.example"}}"""));

    assertThat(f.code()).isEqualTo("http.header_invalid");
    assertThat(f.retryable()).isFalse();
    assertThat(server.getAllServeEvents()).isEmpty();
  }

  @Test
  void aHeaderTemplateGivingNullFailsNonRetryably() {
    NodeFailure f = harness().input("""
        {"token": null}""").failure("http", cfg("""
        {"url": "BASE/x", "headers": {"X-Token": "{{ input.token }}"}}"""));

    assertThat(f.code()).isEqualTo("http.header_invalid");
    assertThat(f.retryable()).isFalse();
  }

  @Test
  void validateChecksLiteralUrlsAndSkipsTemplatedHosts() {
    HttpNode node = new HttpNode(HttpNodeSettings.DEFAULTS);
    GraphStub graph = GraphStub.of("http");

    assertThat(node.validate(config("https://example.com/a?b=c"), graph)).isEmpty();
    assertThat(node.validate(config("https://example.com/items/{{ input.id }}"), graph)).isEmpty();
    assertThat(node.validate(config("{{ input.url }}"), graph)).isEmpty();
    assertThat(node.validate(config("ftp://example.com/"), graph))
        .extracting(Violation::path, Violation::code).containsExactly(tuple("/url", "http.url_invalid"));
    assertThat(node.validate(config("example.com/path"), graph))
        .extracting(Violation::path, Violation::code).containsExactly(tuple("/url", "http.url_invalid"));
    assertThat(node.validate(config("http://exa mple.com/"), graph))
        .extracting(Violation::path, Violation::code).containsExactly(tuple("/url", "http.url_invalid"));
  }

  @Test
  void configDefaultsAndKind() {
    HttpNodeConfig c = config("https://example.com");

    assertThat(c.method()).isEqualTo(HttpNodeConfig.Method.GET);
    assertThat(c.responseType()).isEqualTo(HttpNodeConfig.ResponseType.AUTO);
    assertThat(c.failOnStatus()).isTrue();
    assertThat(c.headers()).isEmpty();
    assertThat(c.query()).isEmpty();
    assertThat(new HttpNode(HttpNodeSettings.DEFAULTS).kind()).isEqualTo(NodeKind.ACTIVITY);
  }

  private static HttpNodeConfig config(String url) {
    return new HttpNodeConfig(null, url, Map.of(), Map.of(), null, null, null, null, null);
  }

  private static HttpNodeConfig idempotency(JsonNode header) {
    return new HttpNodeConfig(null, "https://example.com", Map.of(), Map.of(), null, null, null, null, header);
  }

  @Test
  void theIdempotencyKeyIsSentByDefault() {
    server.stubFor(any(urlPathEqualTo("/pay")).willReturn(aResponse().withStatus(204)));

    harness().run("http", cfg("""
        {"method": "POST", "url": "BASE/pay", "body": {"amount": 1}}"""));
    harness().run("http", cfg("""
        {"url": "BASE/pay", "idempotencyHeader": true}"""));
    harness().run("http", cfg("""
        {"url": "BASE/pay", "idempotencyHeader": null}"""));

    // The harness runs node "n" of run "run-1".
    server.verify(1, postRequestedFor(urlPathEqualTo("/pay")).withHeader("Idempotency-Key", equalTo("run-1/n")));
    server.verify(2, getRequestedFor(urlPathEqualTo("/pay")).withHeader("Idempotency-Key", equalTo("run-1/n")));
  }

  @Test
  void idempotencyHeaderFalseSendsNoKey() {
    server.stubFor(any(urlPathEqualTo("/pay")).willReturn(aResponse().withStatus(204)));

    harness().run("http", cfg("""
        {"url": "BASE/pay", "idempotencyHeader": false}"""));

    assertThat(server.getAllServeEvents()).singleElement().satisfies(e ->
        assertThat(e.getRequest().containsHeader("Idempotency-Key")).isFalse());
  }

  @Test
  void idempotencyHeaderNamesAnotherHeader() {
    server.stubFor(any(urlPathEqualTo("/pay")).willReturn(aResponse().withStatus(204)));

    harness().run("http", cfg("""
        {"url": "BASE/pay", "idempotencyHeader": "X-Request-Id"}"""));

    assertThat(server.getAllServeEvents()).singleElement().satisfies(e -> {
      assertThat(e.getRequest().getHeader("X-Request-Id")).isEqualTo("run-1/n");
      assertThat(e.getRequest().containsHeader("Idempotency-Key")).isFalse();
    });
  }

  @Test
  void anExplicitHeaderOfTheSameNameWins() {
    server.stubFor(any(urlPathEqualTo("/default")).willReturn(aResponse().withStatus(204)));
    server.stubFor(any(urlPathEqualTo("/custom")).willReturn(aResponse().withStatus(204)));

    harness().input("""
        {"order": 7}""").run("http", cfg("""
        {"url": "BASE/default", "headers": {"idempotency-key": "order-{{ input.order }}"}}"""));
    harness().run("http", cfg("""
        {"url": "BASE/custom", "idempotencyHeader": "X-Request-Id", "headers": {"X-REQUEST-ID": "mine"}}"""));

    server.verify(1, getRequestedFor(urlPathEqualTo("/default")).withHeader("Idempotency-Key", equalTo("order-7")));
    server.verify(1, getRequestedFor(urlPathEqualTo("/custom")).withHeader("X-Request-Id", equalTo("mine"))
        .withoutHeader("Idempotency-Key"));
    assertThat(server.getAllServeEvents()).allSatisfy(e ->
        assertThat(e.getRequest().getAllHeaderKeys().stream().filter(h -> h.equalsIgnoreCase("idempotency-key")
            || h.equalsIgnoreCase("x-request-id")).map(h -> e.getRequest().header(h).values().size())).containsExactly(1));
  }

  @Test
  void anInvalidIdempotencyHeaderFailsNonRetryablyAtRunTime() {
    NodeFailure f = harness().failure("http", cfg("""
        {"url": "BASE/pay", "idempotencyHeader": "Bad Header"}"""));

    assertThat(f.code()).isEqualTo("http.header_invalid");
    assertThat(f.retryable()).isFalse();
    assertThat(server.getAllServeEvents()).isEmpty();
  }

  @Test
  void validateChecksTheIdempotencyHeader() {
    HttpNode node = new HttpNode(HttpNodeSettings.DEFAULTS);
    GraphStub graph = GraphStub.of("http");
    JsonNodeFactory f = JsonNodeFactory.instance;

    assertThat(node.validate(idempotency(null), graph)).isEmpty();
    for (JsonNode ok : List.of(f.booleanNode(true), f.booleanNode(false), f.nullNode(), f.stringNode("X-Request-Id"),
        f.stringNode("idempotency-key"))) {
      assertThat(node.validate(idempotency(ok), graph)).as(ok.toString()).isEmpty();
    }
    for (JsonNode bad : List.of(f.stringNode(""), f.stringNode("X Request"), f.stringNode("X-Id:"),
        f.stringNode("{{ input.h }}"), f.stringNode("Host"), f.stringNode("content-length"), f.stringNode("x".repeat(257)),
        f.numberNode(1), f.objectNode(), f.arrayNode().add("X-Id"))) {
      assertThat(node.validate(idempotency(bad), graph)).as(bad.toString())
          .extracting(Violation::path, Violation::code)
          .containsExactly(tuple("/idempotencyHeader", "http.idempotency_header_invalid"));
    }
  }

  @Test
  void theDryRunSendsNothingAndNeedsNoKey() {
    dev.weft.engine.NodeInvoker dry = dev.weft.engine.NodeInvoker.sampling(dev.weft.TestRegistries.registry(),
        new dev.weft.expression.ExpressionEngine(), new dev.weft.engine.NodeInvoker.Sampling() {
          @Override
          public NodeResult completed(dev.weft.definition.NodeDef node, dev.weft.engine.NodeScope scope, NodeResult result,
              List<String> offered) {
            return result;
          }

          @Override
          public NodeResult failed(dev.weft.definition.NodeDef node, dev.weft.engine.NodeScope scope, NodeFailure failure) {
            throw failure;
          }
        });
    NodeResult r = dry.invoke("dry", new dev.weft.definition.NodeDef("n", "http", null,
        dev.weft.definition.Json.parse(cfg("""
            {"method": "POST", "url": "BASE/pay", "idempotencyHeader": "X-Request-Id"}""")), null, null, null),
        new dev.weft.engine.NodeScope(null, Map.of(), null, List.of()), null);

    assertThat(r.output().get("status").intValue()).isEqualTo(200);
    assertThat(server.getAllServeEvents()).isEmpty();
  }

  @Test
  void retryAfterIsReadAsSecondsOrHttpDateAndCapped() {
    assertThat(HttpNode.retryAfter("120")).contains(java.time.Duration.ofSeconds(120));
    assertThat(HttpNode.retryAfter("999999")).contains(java.time.Duration.ofHours(1));
    assertThat(HttpNode.retryAfter("0")).isEmpty();
    assertThat(HttpNode.retryAfter("soon")).isEmpty();
    assertThat(HttpNode.retryAfter(null)).isEmpty();
    String inAMinute = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
        java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusMinutes(1));
    assertThat(HttpNode.retryAfter(inAMinute)).hasValueSatisfying(d ->
        assertThat(d).isBetween(java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(61)));
  }

  // The outbound guard. harness() allows 127.0.0.1/32 (TestRegistries.LOCAL_HTTP); these use their own guards.

  private static NodeHarness guarded(OutboundGuard guard) {
    return NodeHarness.harness(new NodeRegistry(List.of(new HttpNode(HttpNodeSettings.DEFAULTS.withOutbound(guard)))));
  }

  @Test
  void loopbackIsRefusedByDefaultAndNothingIsSent() {
    server.stubFor(any(urlPathEqualTo("/x")).willReturn(aResponse().withBody("ok")));

    NodeFailure f = guarded(OutboundGuard.DEFAULT).failure("http", cfg("""
        {"method": "POST", "url": "BASE/x", "body": {"a": 1}}"""));

    assertThat(f.code()).isEqualTo("http.blocked_address");
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).contains("'127.0.0.1'", "127.0.0.1 (loopback)", "weft.outbound.allow",
        "weft.outbound.block-private");
    assertThat(server.getAllServeEvents()).isEmpty();
  }

  @Test
  void aHostNameResolvingToLoopbackIsRefused() {
    server.stubFor(any(urlPathEqualTo("/x")).willReturn(aResponse().withBody("ok")));

    NodeFailure f = guarded(OutboundGuard.DEFAULT).failure("http", """
        {"url": "http://localhost:%d/x"}""".formatted(server.port()));

    assertThat(f.code()).isEqualTo("http.blocked_address");
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).contains("host 'localhost' resolves to ").containsPattern("127\\.0\\.0\\.1|0:0:0:0:0:0:0:1");
    assertThat(server.getAllServeEvents()).isEmpty();
  }

  @Test
  void aHostNameOnTheAllowlistIsReached() {
    server.stubFor(get(urlPathEqualTo("/x")).willReturn(aResponse().withBody("ok")));

    NodeResult r = guarded(new OutboundGuard(List.of("localhost"), true)).run("http", """
        {"url": "http://localhost:%d/x"}""".formatted(server.port()));

    assertThat(r.output().get("body").stringValue()).isEqualTo("ok");
  }

  @Test
  void theMessageOfARefusalCarriesNoSecrets() {
    NodeFailure f = guarded(OutboundGuard.DEFAULT).failure("http", """
        {"url": "http://user:s3cret-pw@127.0.0.1:%d/tok/s3cret-path?key=s3cret-query",
         "headers": {"Authorization": "Bearer s3cret-token"}}""".formatted(server.port()));

    assertThat(f.code()).isEqualTo("http.blocked_address");
    assertThat(f.getMessage()).doesNotContain("s3cret").contains("127.0.0.1");
    assertThat(f.details() == null ? "" : f.details().toString()).doesNotContain("s3cret");
  }

  @Test
  void aRedirectToABlockedAddressIsRefusedAtTheRedirect() {
    server.stubFor(get(urlPathEqualTo("/go")).willReturn(aResponse().withStatus(302)
        .withHeader("Location", "http://169.254.169.254/latest/meta-data/")));
    server.stubFor(get(urlPathEqualTo("/private")).willReturn(aResponse().withStatus(307)
        .withHeader("Location", "http://10.0.0.1:%d/x".formatted(server.port()))));

    NodeFailure metadata = harness().failure("http", cfg("""
        {"url": "BASE/go"}"""));
    NodeFailure rfc1918 = harness().failure("http", cfg("""
        {"url": "BASE/private"}"""));

    assertThat(metadata.code()).isEqualTo("http.blocked_address");
    assertThat(metadata.retryable()).isFalse();
    assertThat(metadata.getMessage()).startsWith("redirect refused: ").contains("169.254.169.254 (cloud metadata)");
    assertThat(rfc1918.code()).isEqualTo("http.blocked_address");
    assertThat(rfc1918.getMessage()).contains("10.0.0.1 (private)");
    assertThat(server.getAllServeEvents()).hasSize(2);
  }

  @Test
  void redirectsToAllowedAddressesAreFollowedAsBefore() {
    server.stubFor(post(urlPathEqualTo("/see-other")).willReturn(aResponse().withStatus(303).withHeader("Location", "/done")));
    server.stubFor(put(urlPathEqualTo("/keep")).willReturn(aResponse().withStatus(308).withHeader("Location", "/kept")));
    server.stubFor(get(urlPathEqualTo("/done")).willReturn(aResponse().withBody("done")));
    server.stubFor(put(urlPathEqualTo("/kept")).willReturn(aResponse().withBody("kept")));
    server.stubFor(get(urlPathEqualTo("/loop")).willReturn(aResponse().withStatus(302).withHeader("Location", "/loop")));

    NodeResult seeOther = harness().run("http", cfg("""
        {"method": "POST", "url": "BASE/see-other", "body": {"a": 1}, "headers": {"Authorization": "Bearer t"}}"""));
    NodeResult kept = harness().run("http", cfg("""
        {"method": "PUT", "url": "BASE/keep", "body": {"a": 1}}"""));
    NodeFailure loop = harness().failure("http", cfg("""
        {"url": "BASE/loop"}"""));

    assertThat(seeOther.output().get("body").stringValue()).isEqualTo("done");
    server.verify(getRequestedFor(urlPathEqualTo("/done")).withHeader("Authorization", equalTo("Bearer t")));
    assertThat(kept.output().get("body").stringValue()).isEqualTo("kept");
    server.verify(putRequestedFor(urlPathEqualTo("/kept")).withRequestBody(equalToJson("{\"a\": 1}")));
    assertThat(loop.code()).isEqualTo("http.status");
    assertThat(loop.details().get("status").intValue()).isEqualTo(302);
  }
}
