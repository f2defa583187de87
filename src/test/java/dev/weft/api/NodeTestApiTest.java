package dev.weft.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.weft.definition.Json;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Testing one node over HTTP: the node really runs (WireMock sees the http node's request) with the
 * given input and upstream outputs; refusals are problems, a node's failure is a 200 answer. The test
 * properties allow 3 tests a minute per principal, so each test acts as a principal of its own.
 */
class NodeTestApiTest extends ServiceTestSupport {
  private static final String ORDER = """
      {"name": "Order",
       "nodes": [
         {"id": "start", "type": "set", "config": {"values": {"sku": "{{ input.sku }}"}}},
         {"id": "price", "type": "set", "config": {"values": {"amount": 120}}},
         {"id": "check", "type": "if", "config": {"condition": "nodes.price.output.amount > 100"}},
         {"id": "call", "type": "http", "config": {"method": "POST", "url": "{{ input.base }}/orders/{{ nodes.start.output.sku }}",
           "headers": {"X-Amount": "{{ nodes.price.output.amount }} EUR"}, "body": {"sku": "{{ nodes.start.output.sku }}", "qty": "{{ input.qty }}"}}},
         {"id": "approve", "type": "approval", "config": {"title": "ok?", "approvers": ["role:editor"]}},
         {"id": "pause", "type": "delay", "config": {"duration": "1h"}}
       ],
       "edges": [
         {"from": "start", "to": "price"}, {"from": "price", "to": "check"},
         {"from": "check", "port": "true", "to": "call"}, {"from": "call", "to": "approve"}, {"from": "approve", "port": "approved", "to": "pause"}
       ]}""";

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

  private String base() {
    return "http://127.0.0.1:" + upstream.port();
  }

  private String save(String id) {
    ObjectNode def = (ObjectNode) Json.parse(ORDER);
    def.put("id", id);
    Response r = post("/api/workflows", def.toString());
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return id;
  }

  private Caller editor() {
    return as(createKey(uniqueId("editor"), "editor"));
  }

  private static String inline(String nodeId, String input, String nodes) {
    return "{\"definition\": " + ORDER + ", \"nodeId\": \"" + nodeId + "\", \"input\": " + input + ", \"nodes\": " + nodes + "}";
  }

  @Test
  void anHttpNodeReallyCallsItsUrlWithTemplatesResolvedFromInputAndGivenOutputs() {
    upstream.stubFor(WireMock.post("/orders/A-7").willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody("{\"order\": 42}")));
    String id = save(uniqueId("order"));

    Response r = editor().post("/api/workflows/" + id + "/nodes/call/test", "{\"input\": {\"base\": \"" + base() + "\", \"qty\": 3},"
        + " \"nodes\": {\"start\": {\"sku\": \"A-7\"}, \"price\": {\"amount\": 120}, \"check\": {}}}");

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode t = r.json();
    assertThat(t.at("/output/status").asInt()).isEqualTo(201);
    assertThat(t.at("/output/body/order").asInt()).isEqualTo(42);
    assertThat(t.get("ports")).containsExactly(Json.parse("\"main\""));
    assertThat(t.get("error").isNull()).isTrue();
    assertThat(t.get("logs").isArray()).isTrue();
    assertThat(t.get("logs").isEmpty()).isTrue();
    assertThat(t.get("durationMs").asLong()).isGreaterThanOrEqualTo(0);
    upstream.verify(1, postRequestedFor(urlPathEqualTo("/orders/A-7")).withHeader("X-Amount", equalTo("120 EUR"))
        .withRequestBody(equalToJson("{\"sku\": \"A-7\", \"qty\": 3}")));
  }

  @Test
  void aCodeNodeRunsInItsSandboxAndAnswersItsLogs() {
    String def = """
        {"name": "code test", "nodes": [
          {"id": "prices", "type": "set", "config": {"values": {"amount": 1}}},
          {"id": "sum", "type": "code", "config": {"language": "javascript",
           "source": "console.log('lines', input.lines.length);\\nreturn {total: input.lines.reduce((s, l) => s + l * nodes.prices.output.amount, 0)}"}},
          {"id": "bad", "type": "code", "config": {"language": "python", "source": "print('checking')\\nreturn open('/etc/passwd').read()"}}
        ], "edges": [{"from": "prices", "to": "sum"}]}""";
    Caller ed = editor();
    Response ok = ed.post("/api/workflows/test-node", "{\"definition\": " + def + ", \"nodeId\": \"sum\", \"input\": {},"
        + " \"nodes\": {\"prices\": {\"amount\": 2, \"lines\": [1, 2, 3]}}}");
    assertThat(ok.status()).as(ok.text()).isEqualTo(200);
    assertThat(ok.json().get("output")).isEqualTo(Json.parse("{\"total\": 12}"));
    assertThat(ok.json().get("logs")).isEqualTo(Json.parse("[\"lines 3\"]"));

    Response bad = ed.post("/api/workflows/test-node", "{\"definition\": " + def + ", \"nodeId\": \"bad\", \"input\": {}, \"nodes\": {}}");
    assertThat(bad.status()).as(bad.text()).isEqualTo(200);
    assertThat(bad.json().at("/error/code").stringValue()).isEqualTo("code.forbidden");
    assertThat(bad.json().get("logs")).isEqualTo(Json.parse("[\"checking\"]"));
  }

  @Test
  void controlNodesAreEvaluatedWithTheirPorts() {
    Caller ed = editor();
    Response set = ed.post("/api/workflows/test-node", inline("start", "{\"sku\": \"B-1\"}", "{}"));
    assertThat(set.status()).as(set.text()).isEqualTo(200);
    assertThat(set.json().at("/output/sku").stringValue()).isEqualTo("B-1");
    assertThat(set.json().get("ports")).containsExactly(Json.parse("\"main\""));

    Response high = ed.post("/api/workflows/test-node", inline("check", "{}", "{\"price\": {\"amount\": 120}}"));
    assertThat(high.status()).as(high.text()).isEqualTo(200);
    assertThat(high.json().get("ports")).containsExactly(Json.parse("\"true\""));
    assertThat(high.json().get("output")).as("an if passes its upstream on").isEqualTo(Json.parse("{\"amount\": 120}"));

    Response low = ed.post("/api/workflows/test-node", inline("check", "{}", "{\"price\": {\"amount\": 5}}"));
    assertThat(low.json().get("ports")).containsExactly(Json.parse("\"false\""));
  }

  @Test
  void aFailingNodeIsA200WithItsError() {
    upstream.stubFor(WireMock.post("/orders/A-7").willReturn(aResponse().withStatus(500).withBody("down")));
    Caller ed = editor();
    Response r = ed.post("/api/workflows/test-node", inline("call", "{\"base\": \"" + base() + "\", \"qty\": 1}",
        "{\"start\": {\"sku\": \"A-7\"}, \"price\": {\"amount\": 1}}"));

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().get("output").isNull()).isTrue();
    assertThat(r.json().get("ports").isEmpty()).isTrue();
    assertThat(r.json().at("/error/code").stringValue()).isEqualTo("http.status");
    assertThat(r.json().at("/error/message").stringValue()).contains("500");
    assertThat(r.json().get("error").has("details")).isTrue();
    upstream.verify(1, postRequestedFor(urlPathEqualTo("/orders/A-7")));

    // A template that reads an input or output nobody gave fails like in a run: expr.*, still a 200.
    Response unread = ed.post("/api/workflows/test-node", inline("call", "{}", "{}"));
    assertThat(unread.status()).as(unread.text()).isEqualTo(200);
    assertThat(unread.json().at("/error/code").stringValue()).startsWith("expr.");
  }

  @Test
  void nodesThatWaitCannotBeTestedAndUnknownNodesAre404() {
    String id = save(uniqueId("order"));
    Caller ed = editor();
    Response approval = ed.post("/api/workflows/" + id + "/nodes/approve/test", "{}");
    assertThat(approval.status()).as(approval.text()).isEqualTo(400);
    assertThat(approval.contentType()).startsWith("application/problem+json");
    assertThat(approval.json().get("code").stringValue()).isEqualTo("node.not_testable");
    assertThat(approval.json().at("/errors/0/path").stringValue()).isEqualTo("path.nodeId");

    Response delay = ed.post("/api/workflows/test-node", inline("pause", "{}", "{}"));
    assertThat(delay.status()).isEqualTo(400);
    assertThat(delay.json().get("code").stringValue()).isEqualTo("node.not_testable");
    assertThat(delay.json().at("/errors/0/path").stringValue()).isEqualTo("/nodeId");

    Response unknown = ed.post("/api/workflows/" + id + "/nodes/nope/test", "{}");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("code").stringValue()).isEqualTo("node.not_found");
    assertThat(unknown.json().at("/errors/0/path").stringValue()).isEqualTo("path.nodeId");
    assertThat(unknown.json().get("type").stringValue()).isEqualTo("https://weft.dev/problems/node.not_found");
  }

  @Test
  void loopAndSubworkflowNodesAreRefusedWithoutRunningAnything() {
    String target = save(uniqueId("target"));
    String composite = """
        {"name": "Composite",
         "nodes": [
           {"id": "start", "type": "set", "config": {"values": {"items": [1, 2]}}},
           {"id": "each", "type": "loop", "config": {"mode": "forEach", "items": "nodes.start.output.items",
             "body": {"nodes": [{"id": "double", "type": "set", "config": {"values": {"n": "{{ item }}"}}}], "edges": []}}},
           {"id": "child", "type": "subworkflow", "config": {"workflowId": "%s", "input": {"sku": "x"}}}
         ],
         "edges": [{"from": "start", "to": "each"}, {"from": "each", "to": "child"}]}""".formatted(target);
    String principal = uniqueId("composer");
    Caller ed = as(createKey(principal, "editor"));

    Response loop = ed.post("/api/workflows/test-node", "{\"definition\": " + composite + ", \"nodeId\": \"each\"}");
    assertThat(loop.status()).as(loop.text()).isEqualTo(422);
    assertThat(loop.contentType()).startsWith("application/problem+json");
    assertThat(loop.json().get("code").stringValue()).isEqualTo("node.test_unsupported");
    assertThat(loop.json().at("/errors/0/path").stringValue()).isEqualTo("/nodeId");
    assertThat(loop.json().get("detail").stringValue()).contains("'each'", "loop", "run the workflow instead");

    ObjectNode saved = (ObjectNode) Json.parse(composite);
    saved.put("id", uniqueId("composite"));
    String id = saved.get("id").stringValue();
    assertThat(post("/api/workflows", saved.toString()).status()).isEqualTo(201);
    Response child = ed.post("/api/workflows/" + id + "/nodes/child/test", "{}");
    assertThat(child.status()).as(child.text()).isEqualTo(422);
    assertThat(child.json().get("code").stringValue()).isEqualTo("node.test_unsupported");
    assertThat(child.json().at("/errors/0/path").stringValue()).isEqualTo("path.nodeId");
    assertThat(child.json().get("detail").stringValue()).contains("subworkflow", "run the workflow instead");

    // Refused before anything ran: no run of the target was started, and the refusals are audited as such.
    assertThat(get("/api/runs?workflowId=" + target).json().get("runs").size()).isZero();
    JsonNode entries = get("/api/audit?principal=" + principal + "&action=workflow.test_node").json().get("entries");
    assertThat(entries.findValuesAsString("code")).containsExactly("node.test_unsupported", "node.test_unsupported");
    assertThat(entries.findValuesAsString("outcome")).containsExactly("refused", "refused");
  }

  @Test
  void anInvalidDefinitionIs400WithTheValidatorsViolations() {
    String broken = """
        {"name": "Broken", "nodes": [{"id": "a", "type": "nope", "config": {}}, {"id": "b", "type": "set", "config": {"values": {}}}],
         "edges": [{"from": "a", "to": "ghost"}]}""";
    Caller ed = editor();
    Response r = ed.post("/api/workflows/test-node", "{\"definition\": " + broken + ", \"nodeId\": \"b\"}");
    Response validate = ed.post("/api/workflows/validate", broken);

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("code").stringValue()).isEqualTo("definition.invalid");
    assertThat(r.json().get("errors")).isEqualTo(validate.json().get("errors"));
    assertThat(r.json().get("errors").findValuesAsString("path")).contains("/nodes/0/type", "/edges/0/to");

    Response noNode = ed.post("/api/workflows/test-node", "{\"definition\": " + ORDER + "}");
    assertThat(noNode.status()).isEqualTo(400);
    assertThat(noNode.json().at("/errors/0/path").stringValue()).isEqualTo("/nodeId");
  }

  @Test
  void onlyEditorsMayTestNodes() {
    String id = save(uniqueId("order"));
    for (String role : List.of("viewer", "operator")) {
      Caller c = as(createKey(uniqueId(role), role));
      Response saved = c.post("/api/workflows/" + id + "/nodes/start/test", "{}");
      assertThat(saved.status()).as(role).isEqualTo(403);
      assertThat(saved.json().get("code").stringValue()).isEqualTo("auth.forbidden");
      assertThat(c.post("/api/workflows/test-node", inline("start", "{}", "{}")).status()).as(role).isEqualTo(403);
    }
    assertThat(anonymous().post("/api/workflows/test-node", inline("start", "{}", "{}")).status()).isEqualTo(401);
  }

  @Test
  void testsAreRateLimitedPerPrincipal() {
    Caller ed = editor();
    for (int i = 0; i < 3; i++) {
      assertThat(ed.post("/api/workflows/test-node", inline("start", "{}", "{}")).status()).isEqualTo(200);
    }
    Response limited = ed.post("/api/workflows/test-node", inline("start", "{}", "{}"));
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.contentType()).startsWith("application/problem+json");
    assertThat(limited.json().get("code").stringValue()).isEqualTo("rate.limited");
    assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 60L);
    // Another principal has a budget of its own.
    assertThat(editor().post("/api/workflows/test-node", inline("start", "{}", "{}")).status()).isEqualTo(200);
  }

  @Test
  void eachTestIsAuditedWithoutValues() {
    String principal = uniqueId("auditor");
    Caller ed = as(createKey(principal, "editor"));
    String id = save(uniqueId("order"));
    assertThat(ed.post("/api/workflows/" + id + "/nodes/start/test", "{\"input\": {\"sku\": \"SECRET-SKU\"}}").status())
        .isEqualTo(200);
    assertThat(ed.post("/api/workflows/" + id + "/nodes/approve/test", "{}").status()).isEqualTo(400);

    JsonNode entries = get("/api/audit?principal=" + principal + "&action=workflow.test_node").json().get("entries");
    assertThat(entries).hasSize(2);
    JsonNode refused = entries.get(0);
    JsonNode done = entries.get(1);
    assertThat(done.get("targetId").stringValue()).isEqualTo(id);
    assertThat(done.get("nodeId").stringValue()).isEqualTo("start");
    assertThat(done.at("/details/outcome").stringValue()).isEqualTo("completed");
    assertThat(done.at("/details/nodeType").stringValue()).isEqualTo("set");
    assertThat(done.at("/details/version").asInt()).isEqualTo(1);
    assertThat(refused.at("/details/outcome").stringValue()).isEqualTo("refused");
    assertThat(refused.at("/details/code").stringValue()).isEqualTo("node.not_testable");
    assertThat(entries.toString()).doesNotContain("SECRET-SKU");
  }

  @Test
  void aSavedWorkflowsNodeIsTestedAtTheVersionAsked() {
    String id = save(uniqueId("order"));
    ObjectNode v2 = (ObjectNode) Json.parse(ORDER);
    ((ObjectNode) v2.get("nodes").get(1).get("config").get("values")).put("amount", 7);
    assertThat(put("/api/workflows/" + id, v2.toString()).json().get("version").asInt()).isEqualTo(2);
    Caller ed = editor();

    assertThat(ed.post("/api/workflows/" + id + "/nodes/price/test", "{}").json().at("/output/amount").asInt()).isEqualTo(7);
    assertThat(ed.post("/api/workflows/" + id + "/nodes/price/test", "{\"version\": 1}").json().at("/output/amount").asInt())
        .isEqualTo(120);
    Response none = ed.post("/api/workflows/" + id + "/nodes/price/test", "{\"version\": 9}");
    assertThat(none.status()).isEqualTo(404);
    assertThat(none.json().get("code").stringValue()).isEqualTo("version.not_found");
    assertThat(none.json().at("/errors/0/path").stringValue()).isEqualTo("/version");
  }

  @Test
  void theOpenApiDocumentDescribesBothEndpoints() {
    JsonNode doc = get("/v3/api-docs").json();
    JsonNode paths = doc.get("paths");
    assertThat(doc.at("/components/schemas/TestAnswer/properties").propertyNames())
        .contains("output", "ports", "error", "durationMs", "logs");
    for (String path : List.of("/api/workflows/{id}/nodes/{nodeId}/test", "/api/workflows/test-node")) {
      JsonNode op = paths.get(path).get("post");
      assertThat(op.get("summary").stringValue()).as(path).startsWith("Test one node");
      assertThat(op.get("responses").has("429")).as(path).isTrue();
      assertThat(op.get("responses").has("403")).as(path).isTrue();
      assertThat(op.at("/responses/200/content").toString()).as(path).contains("TestAnswer");
    }
  }
}
