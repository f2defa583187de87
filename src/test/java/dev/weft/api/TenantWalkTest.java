package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Tenant B's admin against tenant A's resources, over every operation of the OpenAPI document: each one
 * that names a resource answers 404 problem+json (not 403: B learns nothing of what A has), and each list
 * shows none of A's resources. Generated from the document, so a new endpoint is walked too; an endpoint
 * with a path parameter this test cannot fill fails it, until the test learns what to put there.
 */
class TenantWalkTest extends ServiceTestSupport {
  private static final Pattern PARAM = Pattern.compile("\\{\\*?([A-Za-z]+)}");

  @Test
  void everyEndpointAnswersTenantBWithNotFoundForTenantAsResources() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String a = "walka-" + suffix;
    String b = "walkb-" + suffix;
    Caller alpha = as(newTenant(a));
    Caller beta = as(newTenant(b));

    // Tenant A's resources: a workflow with a schedule and a webhook, a run waiting on an approval, a credential, a key.
    String wf = "wfa-" + suffix;
    String hook = "hooka-" + suffix;
    Response saved = alpha.post("/api/workflows", """
        {"id": "%s", "name": "walk-a", "nodes": [
          {"id": "approve", "type": "approval", "config": {"title": "ok?", "approvers": ["clerk-%s"]}}]}""".formatted(wf, suffix));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);
    String scheduled = "wfs-" + suffix;
    assertThat(alpha.post("/api/workflows", """
        {"id": "%s", "name": "walk-a-scheduled", "trigger": {"type": "schedule", "every": "1h"},
         "nodes": [{"id": "s", "type": "set", "config": {"values": {"a": 1}}}]}""".formatted(scheduled)).status()).isEqualTo(201);
    assertThat(alpha.post("/api/workflows", """
        {"id": "wfh-%s", "name": "walk-a-hook", "trigger": {"type": "webhook", "path": "%s"},
         "nodes": [{"id": "s", "type": "set", "config": {"values": {"a": 1}}}]}""".formatted(suffix, hook)).status()).isEqualTo(201);
    Response run = alpha.post("/api/workflows/" + wf + "/runs", "{\"input\": {}}");
    assertThat(run.status()).as(run.text()).isIn(200, 201, 202);
    String runId = run.json().get("runId").stringValue();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .until(() -> alpha.get("/api/runs/" + runId).text().contains("\"WAITING\""));
    String cred = "creda-" + suffix;
    assertThat(alpha.post("/api/credentials", "{\"name\": \"" + cred + "\", \"type\": \"bearer\", \"data\": {\"token\": \"tok-" + suffix + "\"}}")
        .status()).isEqualTo(201);
    Response key = alpha.post("/api/keys", "{\"principal\": \"viewer-" + suffix + "\", \"roles\": [\"viewer\"]}");
    String keyId = key.json().get("id").stringValue();
    String kb = "kba-" + suffix;
    assertThat(alpha.post("/api/knowledge-bases", "{\"name\": \"" + kb + "\"}").status()).isEqualTo(201);
    Response doc0 = alpha.post("/api/knowledge-bases/" + kb + "/documents", "{\"name\": \"doca-" + suffix
        + ".txt\", \"text\": \"walk-a knows this\"}");
    assertThat(doc0.status()).as(doc0.text()).isEqualTo(201);
    String documentId = doc0.json().get("id").stringValue();

    Map<String, String> values = new LinkedHashMap<>();
    values.put("/api/workflows/{id}", wf);
    values.put("/api/keys/{id}", keyId);
    values.put("/api/tenants/{id}", a);
    values.put("/api/agent/conversations/{id}", "conv-" + suffix);
    values.put("{confirmationId}", "confirmation-1");
    values.put("{runId}", runId);
    values.put("{nodeId}", "approve");
    values.put("{name}", cred);
    values.put("{version}", "1");
    values.put("{tenant}", a);
    values.put("{path}", hook);
    values.put("{kb}", kb);
    values.put("{documentId}", documentId);
    // Markers of A's resources that no answer to B may contain.
    List<String> markers = List.of(wf, scheduled, hook, runId, cred, keyId, "walk-a", kb, documentId);

    // A well-formed body for the operations that read one before the resource: B's request is valid in
    // every way but the tenant, so only the tenant can make it a 404.
    Map<String, String> bodies = Map.of(
        "PUT /api/workflows/{id}", "{\"name\": \"b's\", \"nodes\": [{\"id\": \"s\", \"type\": \"set\", \"config\": {\"values\": {}}}]}",
        "PUT /api/credentials/{name}", "{\"type\": \"bearer\", \"data\": {\"token\": \"b-token-123\"}}",
        "POST /api/runs/{runId}/nodes/{nodeId}/decision", "{\"decision\": \"approve\"}",
        "POST /api/runs/{runId}/nodes/{nodeId}/submit", "{\"values\": {}}",
        "PUT /api/tenants/{id}", "{\"name\": \"b's\"}",
        "POST /api/workflows/{id}/runs", "{\"input\": {}}",
        "POST /api/knowledge-bases/{kb}/documents", "{\"name\": \"b.txt\", \"text\": \"b's\"}",
        "POST /api/knowledge-bases/{kb}/search", "{\"query\": \"walk\"}",
        "POST /api/agent/conversations/{id}/confirmations/{confirmationId}", "{\"decision\": \"confirm\"}");

    JsonNode doc = alpha.get("/v3/api-docs").json();
    SoftAssertions soft = new SoftAssertions();
    int walked = 0;
    // First every list (before B has asked for anything of A's, which B's own audit would then show).
    List<String> lists = new ArrayList<>();
    for (Map.Entry<String, JsonNode> p : doc.get("paths").properties()) {
      String template = p.getKey();
      if (template.contains("{") || !p.getValue().has("get")) continue;
      Response r = beta.get(template);
      lists.add(template);
      soft.assertThat(r.status()).as("GET " + template).isLessThan(500);
      for (String m : markers) soft.assertThat(r.text()).as("GET " + template + " shows " + m).doesNotContain(m);
    }
    for (Map.Entry<String, JsonNode> p : doc.get("paths").properties()) {
      String template = p.getKey();
      for (Map.Entry<String, JsonNode> op : p.getValue().properties()) {
        String method = op.getKey().toUpperCase();
        if (!List.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(method)) continue;
        if (template.startsWith("/hooks/")) continue; // the default tenant's public hooks: no tenant of B's asks them
        if (template.startsWith("/api/node-types/")) continue; // the node catalogue is the same for every tenant
        if (!template.contains("{")) continue;
        String path = fill(template, values, soft);
        if (path == null) continue;
        Response r = send(beta, method, path, template.startsWith("/tenants/") ? null
            : bodies.getOrDefault(method + " " + template, "{}"));
        walked++;
        String what = method + " " + template + " -> " + path;
        soft.assertThat(r.status()).as(what + ": " + r.text()).isEqualTo(404);
        soft.assertThat(r.contentType()).as(what).startsWith("application/problem+json");
        for (String m : markers) {
          if (!path.contains(m)) soft.assertThat(r.text()).as(what + " shows " + m).doesNotContain(m);
        }
      }
    }
    soft.assertAll();
    assertThat(walked).as("operations with a path parameter walked").isGreaterThanOrEqualTo(20);
    assertThat(lists).contains("/api/workflows", "/api/runs", "/api/approvals", "/api/audit", "/api/credentials", "/api/keys");

    // And A still has it all: the 404s were about B, not about the resources.
    assertThat(alpha.get("/api/workflows/" + wf).status()).isEqualTo(200);
    assertThat(alpha.get("/api/runs/" + runId).json().get("status").stringValue()).isEqualTo("WAITING");
    assertThat(alpha.get("/api/credentials/" + cred).status()).isEqualTo(200);
    assertThat(alpha.get("/api/keys/" + keyId).json().get("revokedAt").isNull()).isTrue();
    // (The embedded Temporal server has no schedules: 501 there, 200 on a real server; never 404 to A.)
    assertThat(alpha.get("/api/workflows/" + scheduled + "/schedule").status()).isIn(200, 501);
  }

  private String newTenant(String id) {
    Response r = post("/api/tenants", "{\"id\": \"" + id + "\"}");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json().at("/adminKey/key").stringValue();
  }

  /** The template with A's values; null (and a failure) for a parameter the test does not know. */
  private static String fill(String template, Map<String, String> values, SoftAssertions soft) {
    String path = template;
    for (Map.Entry<String, String> v : values.entrySet()) {
      if (v.getKey().startsWith("/") && path.startsWith(v.getKey())) path = v.getValue().isEmpty() ? path
          : path.replaceFirst(Pattern.quote(v.getKey()), Matcher.quoteReplacement(v.getKey().replace("{id}", v.getValue())));
    }
    Matcher m = PARAM.matcher(path);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get("{" + m.group(1) + "}");
      if (value == null) {
        soft.fail("the walk does not know what to put in {" + m.group(1) + "} of " + template);
        return null;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private Response send(Caller caller, String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
    switch (method) {
      case "GET" -> b.GET();
      case "DELETE" -> b.DELETE();
      default -> b.method(method, publisher).header("Content-Type", "application/json");
    }
    return caller.send(b);
  }
}
