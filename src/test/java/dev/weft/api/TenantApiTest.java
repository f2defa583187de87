package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Tenants over HTTP: created by the install's admins with a first admin key; each tenant's workflows,
 * runs, credentials, approvals, audit and webhooks are its own, also where two tenants pick the same
 * names; the tenant reaches a run's activities (a credential resolves in the run's tenant); disabling a
 * tenant stops its keys and webhooks.
 */
class TenantApiTest extends ServiceTestSupport {
  @Autowired JdbcClient jdbc;

  /** Creates a tenant as the test admin (of the default tenant) and returns its first admin key. */
  String tenant(String id) {
    Response r = post("/api/tenants", "{\"id\": \"" + id + "\", \"name\": \"Tenant " + id + "\", \"tier\": \"pro\"}");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.json().get("tier").stringValue()).isEqualTo("pro");
    assertThat(r.json().at("/adminKey/roles/0").stringValue()).isEqualTo("admin");
    return r.json().at("/adminKey/key").stringValue();
  }

  static String tenantId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void twoTenantsWithTheSameNamesSeeOnlyTheirOwnWorkflowsRunsCredentialsAndAudit() throws IOException {
    String t = tenantId("acme");
    Caller acme = as(tenant(t));
    Caller root = as(adminKey);

    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    List<String> seen = new CopyOnWriteArrayList<>();
    server.createContext("/", ex -> {
      seen.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
      byte[] body = "{\"ok\": true}".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    try {
      String cred = "crm-" + UUID.randomUUID().toString().substring(0, 6);
      String wf = uniqueId("same");
      assertThat(root.post("/api/credentials", "{\"name\": \"" + cred + "\", \"type\": \"bearer\", \"data\": {\"token\": \"root-token-1\"}}").status()).isEqualTo(201);
      assertThat(acme.post("/api/credentials", "{\"name\": \"" + cred + "\", \"type\": \"bearer\", \"data\": {\"token\": \"acme-token-1\"}}").status()).isEqualTo(201);
      String def = """
          {"id": "%s", "name": "%s", "nodes": [
            {"id": "call", "type": "http", "config": {"url": "http://127.0.0.1:%d/x", "auth": {"credential": "%s"}}}]}""";
      int port = server.getAddress().getPort();
      assertThat(root.post("/api/workflows", def.formatted(wf, "root's", port, cred)).status()).isEqualTo(201);
      Response saved = acme.post("/api/workflows", def.formatted(wf, "acme's", port, cred));
      assertThat(saved.status()).as(saved.text()).isEqualTo(201);
      assertThat(root.get("/api/workflows/" + wf).json().get("name").stringValue()).isEqualTo("root's");
      assertThat(acme.get("/api/workflows/" + wf).json().get("name").stringValue()).isEqualTo("acme's");

      Response acmeRun = acme.post("/api/workflows/" + wf + "/runs?wait=PT30S", "{\"input\": {}}");
      assertThat(acmeRun.status()).as(acmeRun.text()).isEqualTo(200);
      String acmeRunId = acmeRun.json().get("runId").stringValue();
      assertThat(acmeRunId).startsWith(t + "~" + wf + "-");
      Response rootRun = root.post("/api/workflows/" + wf + "/runs?wait=PT30S", "{\"input\": {}}");
      String rootRunId = rootRun.json().get("runId").stringValue();
      assertThat(rootRunId).startsWith(wf + "-");
      // Each run's activity resolved the credential of its own tenant.
      assertThat(seen).containsExactlyInAnyOrder("Bearer acme-token-1", "Bearer root-token-1");
      assertThat(acme.get("/api/runs/" + acmeRunId).json().get("status").stringValue()).isEqualTo("COMPLETED");
      // The engine wrote the run's events and index row in the tenant.
      assertThat(jdbc.sql("SELECT DISTINCT tenant_id FROM run_events WHERE run_id = :r").param("r", acmeRunId)
          .query(String.class).list()).containsExactly(t);
      assertThat(acme.get("/api/runs/" + acmeRunId + "/events").json().get("events").size()).isGreaterThan(2);

      for (String path : List.of("/api/runs/" + acmeRunId, "/api/runs/" + acmeRunId + "/events")) {
        Response r = root.get(path);
        assertThat(r.status()).as(path).isEqualTo(404);
        assertThat(r.contentType()).startsWith("application/problem+json");
      }
      assertThat(acme.get("/api/runs/" + rootRunId).status()).isEqualTo(404);
      assertThat(root.get("/api/runs?workflowId=" + wf).text()).contains(rootRunId).doesNotContain(acmeRunId);
      assertThat(acme.get("/api/runs?workflowId=" + wf).text()).contains(acmeRunId).doesNotContain(rootRunId);
      assertThat(acme.get("/api/audit?limit=500").text()).contains(acmeRunId).doesNotContain(rootRunId).doesNotContain("root's");
      assertThat(acme.get("/api/keys").json().get("keys").size()).isEqualTo(1);
      assertThat(acme.get("/api/credentials?limit=500").json().get("credentials").size()).isEqualTo(1);
      assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE tenant_id = :t AND action = 'credential.use'").param("t", t)
          .query(Integer.class).single()).isEqualTo(1);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void approvalsAndWebhooksBelongToTheirTenant() {
    String t = tenantId("hooks");
    Caller acme = as(tenant(t));
    String wf = uniqueId("ask");
    String path = "orders-" + UUID.randomUUID().toString().substring(0, 6);
    Response saved = acme.post("/api/workflows", """
        {"id": "%s", "name": "ask", "trigger": {"type": "webhook", "path": "%s"}, "nodes": [
          {"id": "approve", "type": "approval", "config": {"title": "ok?", "approvers": ["role:admin"]}}]}""".formatted(wf, path));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);

    Response hooked = anonymous().post("/tenants/" + t + "/hooks/" + path, "{\"n\": 1}");
    assertThat(hooked.status()).as(hooked.text()).isEqualTo(202);
    String runId = hooked.json().get("runId").stringValue();
    assertThat(runId).startsWith(t + "~");
    assertThat(anonymous().post("/hooks/" + path, "{}").status()).isEqualTo(404);
    assertThat(anonymous().post("/tenants/no-such-tenant/hooks/" + path, "{}").status()).isEqualTo(404);

    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .until(() -> acme.get("/api/approvals").text().contains(runId));
    assertThat(get("/api/approvals").text()).doesNotContain(runId);
    Response foreign = post("/api/runs/" + runId + "/nodes/approve/decision", "{\"decision\": \"approve\"}");
    assertThat(foreign.status()).as(foreign.text()).isEqualTo(404);
    Response decided = acme.post("/api/runs/" + runId + "/nodes/approve/decision", "{\"decision\": \"approve\"}");
    assertThat(decided.status()).as(decided.text()).isEqualTo(200);
  }

  @Test
  void onlyTheInstallsAdminsManageTenantsAndADisabledTenantIsLockedOut() {
    String t = tenantId("gone");
    String key = tenant(t);
    Caller acme = as(key);
    // To a tenant's own admin, the tenants API does not exist.
    for (Response r : List.of(acme.get("/api/tenants"), acme.get("/api/tenants/" + t), acme.get("/api/tenants/default"),
        acme.post("/api/tenants", "{\"id\": \"sneaky\"}"), acme.delete("/api/tenants/default"))) {
      assertThat(r.status()).as(r.text()).isEqualTo(404);
    }
    assertThat(acme.post("/api/credentials/rotate-master-key", null).status()).isEqualTo(404);
    // An editor of the default tenant is no tenant manager either.
    assertThat(as(createKey("ed-" + t, "editor")).get("/api/tenants").status()).isEqualTo(403);

    assertThat(post("/api/tenants", "{\"id\": \"" + t + "\"}").status()).isEqualTo(409);
    Response bad = post("/api/tenants", "{\"id\": \"Bad_Id\", \"tier\": \"gold\", \"extra\": 1}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("errors").valueStream().map(e -> e.get("path").stringValue()))
        .containsExactlyInAnyOrder("/id", "/tier", "/extra");
    assertThat(delete("/api/tenants/default").status()).isEqualTo(409);

    Response renamed = put("/api/tenants/" + t, "{\"name\": \"Renamed\", \"tier\": \"enterprise\"}");
    assertThat(renamed.json().get("name").stringValue()).isEqualTo("Renamed");
    assertThat(renamed.json().get("tier").stringValue()).isEqualTo("enterprise");
    assertThat(get("/api/tenants?limit=500").text()).contains(t);

    assertThat(acme.get("/api/workflows").status()).isEqualTo(200);
    assertThat(delete("/api/tenants/" + t).status()).isEqualTo(204);
    Response refused = acme.get("/api/workflows");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(get("/api/tenants?limit=500").text()).doesNotContain(t);
    assertThat(get("/api/tenants?limit=500&disabled=true").text()).contains(t);
    assertThat(post("/api/tenants/" + t + "/enable", null).status()).isEqualTo(200);
    assertThat(acme.get("/api/workflows").status()).isEqualTo(200);
    assertThat(get("/api/audit?action=tenant.disable").text()).contains(t);
  }

  @Test
  void theTenantsOwnRunIdsAreTheOnlyOnesItMayAskTemporalAbout() {
    String t = tenantId("ids");
    Caller acme = as(tenant(t));
    // An id of the default tenant's form, never indexed: not asked of Temporal on the tenant's behalf.
    Response r = acme.get("/api/runs/" + uniqueId("nothing") + "-0123");
    assertThat(r.status()).isEqualTo(404);
    assertThat(acme.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/runs/x~y/events")).GET()).status())
        .isEqualTo(404);
  }

  @Test
  void aLargeOutputOfATenantsRunIsStoredAndReadInThatTenant() throws IOException {
    String t = tenantId("big");
    Caller acme = as(tenant(t));
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] big = ("{\"blob\": \"" + "x".repeat(150_000) + "\"}").getBytes(StandardCharsets.UTF_8);
    server.createContext("/", ex -> {
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, big.length);
      ex.getResponseBody().write(big);
      ex.close();
    });
    server.start();
    try {
      String wf = uniqueId("big");
      Response saved = acme.post("/api/workflows", """
          {"id": "%s", "name": "big", "nodes": [
            {"id": "big", "type": "http", "config": {"url": "http://127.0.0.1:%d/big"}},
            {"id": "len", "type": "set", "config": {"values": {"n": "{{ size(nodes.big.output.body.blob) }}"}}}],
           "edges": [{"from": "big", "to": "len"}]}""".formatted(wf, server.getAddress().getPort()));
      assertThat(saved.status()).as(saved.text()).isEqualTo(201);
      Response run = acme.post("/api/workflows/" + wf + "/runs?wait=PT30S", "{\"input\": {}}");
      assertThat(run.status()).as(run.text()).isEqualTo(200);
      String runId = run.json().get("runId").stringValue();
      JsonNode state = acme.get("/api/runs/" + runId).json();
      assertThat(state.get("status").stringValue()).as(state.toString()).isEqualTo("COMPLETED");
      assertThat(state.at("/output/len/n").asLong()).as(state.get("output").toString()).isEqualTo(150_000);
      // Claim-checked (above weft.engine.claim-check-bytes) in the run's tenant, and read back from there.
      assertThat(jdbc.sql("SELECT DISTINCT tenant_id FROM payloads WHERE run_id = :r").param("r", runId).query(String.class).list())
          .containsExactly(t);
    } finally {
      server.stop(0);
    }
  }
}
