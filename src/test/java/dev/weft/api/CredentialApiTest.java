package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.weft.definition.Json;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Credentials over HTTP: CRUD and its refusals, metadata-only reads, roles, and no secret leaking from a run. */
@ExtendWith(OutputCaptureExtension.class)
class CredentialApiTest extends ServiceTestSupport {
  @Autowired JdbcClient jdbc;
  @Autowired WorkflowClient client;
  @Autowired dev.weft.node.http.OAuth2Tokens tokens;

  private static void assertProblem(Response r, int status, String code, String path) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("code").stringValue()).isEqualTo(code);
    assertThat(r.json().at("/errors/0/path").stringValue()).isEqualTo(path);
  }

  private static String name(String prefix) {
    return uniqueId(prefix).toLowerCase();
  }

  @Test
  void crudWithMetadataOnlyReads() {
    String n = name("crm");
    String secret = "v4lue-CRUD-" + n;
    Response created = post("/api/credentials", """
        {"name": "%s", "type": "apiKey", "data": {"name": "X-Api-Key", "in": "header", "value": "%s"}}""".formatted(n, secret));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    assertThat(created.header("Location")).isEqualTo("/api/credentials/" + n);
    assertThat(created.json().get("type").stringValue()).isEqualTo("apiKey");
    assertThat(created.json().at("/data/name").stringValue()).isEqualTo("X-Api-Key");
    assertThat(created.json().at("/data/in").stringValue()).isEqualTo("header");
    assertThat(created.json().get("createdBy").stringValue()).isNotBlank();
    for (Response r : List.of(created, get("/api/credentials/" + n), get("/api/credentials?limit=500"))) {
      assertThat(r.status()).isEqualTo(200 + (r == created ? 1 : 0));
      assertThat(r.text()).doesNotContain(secret);
    }
    assertThat(get("/api/credentials?limit=500").json().get("credentials").valueStream()
        .map(c -> c.get("name").stringValue())).contains(n);

    assertProblem(post("/api/credentials", """
        {"name": "%s", "type": "bearer", "data": {"token": "t0ken-t0ken"}}""".formatted(n)), 409, "credential.exists", "/name");

    Response replaced = put("/api/credentials/" + n, """
        {"type": "bearer", "data": {"token": "t0ken-REPLACED"}}""");
    assertThat(replaced.status()).as(replaced.text()).isEqualTo(200);
    assertThat(replaced.json().get("type").stringValue()).isEqualTo("bearer");
    assertThat(replaced.json().has("data")).isFalse();
    assertThat(replaced.text()).doesNotContain("t0ken-REPLACED");

    // Stored only encrypted.
    byte[] ct = jdbc.sql("SELECT ciphertext FROM credentials WHERE name = :n").param("n", n).query(byte[].class).single();
    assertThat(new String(ct, StandardCharsets.ISO_8859_1)).doesNotContain("t0ken-REPLACED");

    assertThat(delete("/api/credentials/" + n).status()).isEqualTo(204);
    assertProblem(get("/api/credentials/" + n), 404, "credential.not_found", "path.name");
    assertProblem(delete("/api/credentials/" + n), 404, "credential.not_found", "path.name");
    assertProblem(put("/api/credentials/" + n, "{\"type\": \"bearer\", \"data\": {\"token\": \"abcd\"}}"), 404,
        "credential.not_found", "path.name");

    // Audited, without values.
    String audit = get("/api/audit?limit=500").text();
    assertThat(audit).contains("credential.create", "credential.update", "credential.delete")
        .doesNotContain(secret).doesNotContain("t0ken-REPLACED");
  }

  @Test
  void invalidRequestsAre400AtTheField() {
    assertProblem(post("/api/credentials", "{\"name\": \"Bad Name\", \"type\": \"bearer\", \"data\": {\"token\": \"x\"}}"), 400,
        "credential.invalid", "/name");
    assertProblem(post("/api/credentials", "{\"name\": \"ok\", \"type\": \"oauth3\", \"data\": {}}"), 400,
        "credential.invalid", "/type");
    assertProblem(post("/api/credentials", "{\"name\": \"ok\", \"type\": \"bearer\", \"data\": {}}"), 400,
        "credential.invalid", "/data/token");
    assertProblem(post("/api/credentials", "{\"name\": \"ok\", \"type\": \"bearer\", \"data\": {\"token\": \"x\", \"y\": 1}}"), 400,
        "credential.invalid", "/data/y");
    assertProblem(post("/api/credentials", "{\"name\": \"ok\", \"type\": \"apiKey\", \"data\": {\"name\": \"k\", \"in\": \"body\","
        + " \"value\": \"v\"}}"), 400, "credential.invalid", "/data/in");
    assertProblem(post("/api/credentials", "{\"name\": \"ok\", \"type\": \"basic\", \"data\": {\"username\": \"u\"}}"), 400,
        "credential.invalid", "/data/password");
    assertProblem(post("/api/credentials", "{\"name\": \"ok\", \"type\": \"header\", \"data\": {\"headers\": {\"X-A\": 1}}}"), 400,
        "credential.invalid", "/data/headers/X-A");
    assertProblem(post("/api/credentials", "{\"name\": \"ok\", \"type\": \"custom\", \"data\": []}"), 400,
        "credential.invalid", "/data");
    assertThat(post("/api/credentials", "{\"name\": \"" + name("custom") + "\", \"type\": \"custom\", \"data\": {\"any\": [1]}}")
        .status()).isEqualTo(201);
  }

  @Test
  void rolesEditorsManageOperatorsReadAdminsRotate() {
    String editor = createKey("ed-" + name("e"), "editor");
    String operator = createKey("op-" + name("o"), "operator");
    String viewer = createKey("vi-" + name("v"), "viewer");
    String n = name("roles");
    String body = "{\"name\": \"" + n + "\", \"type\": \"bearer\", \"data\": {\"token\": \"abcdef\"}}";
    assertThat(as(operator).post("/api/credentials", body).status()).isEqualTo(403);
    assertThat(as(editor).post("/api/credentials", body).status()).isEqualTo(201);
    assertThat(as(operator).get("/api/credentials/" + n).status()).isEqualTo(200);
    assertThat(as(viewer).get("/api/credentials/" + n).status()).isEqualTo(403);
    assertThat(as(editor).post("/api/credentials/rotate-master-key", "").status()).isEqualTo(403);
    assertThat(as(operator).delete("/api/credentials/" + n).status()).isEqualTo(403);
    assertThat(as(editor).delete("/api/credentials/" + n).status()).isEqualTo(204);
  }

  @Test
  void rotationRewrapsUnderThePrimaryAndRowsStillDecrypt() {
    String n = name("rot");
    assertThat(post("/api/credentials", "{\"name\": \"" + n + "\", \"type\": \"bearer\", \"data\": {\"token\": \"abcdef\"}}")
        .status()).isEqualTo(201);
    // A row as wrapped by an older key: mark it so (the wrap itself is the primary's, which still unwraps it).
    jdbc.sql("UPDATE credentials SET kek_key_id = 1 WHERE name = :n").param("n", n).update();
    Response r = post("/api/credentials/rotate-master-key", "");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().get("rewrapped").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(r.json().get("failed").size()).isZero();
    long kek = jdbc.sql("SELECT kek_key_id FROM credentials WHERE name = :n").param("n", n).query(Long.class).single();
    assertThat(kek).isEqualTo(r.json().get("kekKeyId").asLong());
    assertThat(get("/api/audit?action=credential.rotate_master_key").json().get("entries").size()).isPositive();
  }

  @Test
  void saveTimeUnknownCredentialIsAViolationAlsoInLoopBodies() {
    String def = """
        {"id": "%s", "name": "uses unknown", "nodes": [
          {"id": "call", "type": "http", "config": {"url": "https://example.com", "auth": {"credential": "nope-missing"}}},
          {"id": "each", "type": "loop", "config": {"forEach": "{{ [1] }}", "body": {"nodes": [
            {"id": "inner", "type": "http", "config": {"url": "https://example.com", "auth": {"credential": "nope-inner"}}}]}}}
        ], "edges": [{"from": "call", "to": "each"}]}""".formatted(uniqueId("unk"));
    Response r = post("/api/workflows", def);
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    List<String> at = r.json().get("errors").valueStream().filter(e -> e.get("code").stringValue().equals("credential.unknown"))
        .map(e -> e.get("path").stringValue()).toList();
    assertThat(at).containsExactly("/nodes/0/config/auth/credential", "/nodes/1/config/body/nodes/0/config/auth/credential");
  }

  @Test
  void aSecretLeaksNowhereFromARun(CapturedOutput output) throws IOException {
    String bearerSecret = "tok-SECRET-bearer-" + name("b");
    String querySecret = "key-SECRET-query-" + name("q");
    String bearer = name("bear");
    String query = name("qkey");
    assertThat(post("/api/credentials", "{\"name\": \"" + bearer + "\", \"type\": \"bearer\", \"data\": {\"token\": \""
        + bearerSecret + "\"}}").status()).isEqualTo(201);
    assertThat(post("/api/credentials", "{\"name\": \"" + query + "\", \"type\": \"apiKey\", \"data\": {\"name\": \"api_key\","
        + " \"in\": \"query\", \"value\": \"" + querySecret + "\"}}").status()).isEqualTo(201);

    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    server.createContext("/", ex -> {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      String echo = "Authorization=" + auth + " query=" + ex.getRequestURI().getRawQuery();
      seen.add(echo);
      boolean ok = ex.getRequestURI().getPath().equals("/ok");
      byte[] body = (ok ? Json.object().put("echo", echo).toString() : "upstream failed: " + echo).getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", ok ? "application/json" : "text/plain");
      ex.getResponseHeaders().add("X-Echo", echo);
      ex.sendResponseHeaders(ok ? 200 : 500, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      String id = uniqueId("leak");
      String def = """
          {"id": "%s", "name": "leak check", "nodes": [
            {"id": "ok", "type": "http", "config": {"url": "%s/ok", "auth": {"credential": "%s"}}},
            {"id": "bad", "type": "http", "config": {"url": "%s/fail", "query": {"page": 2}, "auth": {"credential": "%s"}}}
          ], "edges": [{"from": "ok", "to": "bad"}]}""".formatted(id, base, bearer, base, query);
      Response saved = post("/api/workflows", def);
      assertThat(saved.status()).as(saved.text()).isEqualTo(201);
      Response run = post("/api/workflows/" + id + "/runs?wait=PT30S", "{\"input\": {}}");
      String runId = run.json().get("runId").stringValue();
      JsonNode state = get("/api/runs/" + runId).json();
      assertThat(state.get("status").stringValue()).as(state.toString()).isEqualTo("FAILED");

      // The upstream did get the secrets: the node really authenticated.
      assertThat(seen).anyMatch(s -> s.contains("Bearer " + bearerSecret));
      assertThat(seen).anyMatch(s -> s.contains("api_key=" + querySecret) && s.contains("page=2"));

      String events = get("/api/runs/" + runId + "/events?limit=500").text();
      String audit = get("/api/audit?limit=500").text();
      String history = client.fetchHistory(runId).getHistory().toString();
      String historyJson = client.fetchHistory(runId).toJson(false);
      for (String text : List.of(run.text(), state.toString(), events, audit, history, output.getAll())) {
        assertThat(text).doesNotContain(bearerSecret).doesNotContain(querySecret);
      }
      for (String secret : List.of(bearerSecret, querySecret)) {
        // Payloads are base64 in the JSON history: check each of the three alignments.
        for (int shift = 0; shift < 3; shift++) {
          String b64 = java.util.Base64.getEncoder().encodeToString(("xx" + secret).substring(2 - Math.min(shift, 2))
              .getBytes(StandardCharsets.UTF_8));
          assertThat(historyJson).doesNotContain(b64.substring(4, b64.length() - 4));
        }
      }
      // What the nodes reported is there, redacted.
      assertThat(events).contains("[redacted]");
      assertThat(state.toString()).contains("http.status");

      // Each use audited with run and node; lastUsedAt set.
      JsonNode uses = get("/api/audit?action=credential.use&runId=" + runId).json().get("entries");
      assertThat(uses.valueStream().map(e -> e.get("nodeId").stringValue())).contains("ok", "bad");
      assertThat(uses.valueStream().map(e -> e.get("targetId").stringValue())).contains(bearer, query);
      assertThat(get("/api/credentials/" + bearer).json().get("lastUsedAt").isNull()).isFalse();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aCredentialDeletedBeforeTheRunFailsTheNodeWithCredentialUnknown() {
    String n = name("gone");
    assertThat(post("/api/credentials", "{\"name\": \"" + n + "\", \"type\": \"bearer\", \"data\": {\"token\": \"abcdef\"}}")
        .status()).isEqualTo(201);
    String id = uniqueId("gone");
    assertThat(post("/api/workflows", """
        {"id": "%s", "name": "gone", "nodes": [
          {"id": "call", "type": "http", "config": {"url": "http://127.0.0.1:9/x", "auth": {"credential": "%s"}}}]}"""
        .formatted(id, n)).status()).isEqualTo(201);
    assertThat(delete("/api/credentials/" + n).status()).isEqualTo(204);
    Response run = post("/api/workflows/" + id + "/runs?wait=PT30S", "{\"input\": {}}");
    JsonNode state = get("/api/runs/" + run.json().get("runId").stringValue()).json();
    assertThat(state.get("status").stringValue()).isEqualTo("FAILED");
    assertThat(state.toString()).contains("credential.unknown");
  }

  @Test
  void oauth2ClientCredentialsShowOnlyTheirPublicPart() {
    String n = name("oauth");
    String secret = "cl13nt-SECRET-" + n;
    Response created = post("/api/credentials", """
        {"name": "%s", "type": "oauth2ClientCredentials", "data": {"tokenUrl": "https://idp.example/oauth/token",
         "clientId": "weft-app", "clientSecret": "%s", "scopes": ["read", "write"]}}""".formatted(n, secret));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    for (Response r : List.of(created, get("/api/credentials/" + n), get("/api/credentials?limit=500"))) {
      assertThat(r.text()).doesNotContain(secret);
    }
    JsonNode data = get("/api/credentials/" + n).json().get("data");
    assertThat(data.get("tokenUrl").stringValue()).isEqualTo("https://idp.example/oauth/token");
    assertThat(data.get("clientId").stringValue()).isEqualTo("weft-app");
    assertThat(data.get("scopes").valueStream().map(JsonNode::stringValue)).containsExactly("read", "write");
    assertThat(data.get("authStyle").stringValue()).isEqualTo("basic");
    assertThat(data.has("clientSecret")).isFalse();
    assertThat(get("/api/audit?limit=500").text()).doesNotContain(secret);

    String base = "{\"name\": \"ok\", \"type\": \"oauth2ClientCredentials\", \"data\": ";
    assertProblem(post("/api/credentials", base + "{\"clientId\": \"a\", \"clientSecret\": \"b\"}}"), 400,
        "credential.invalid", "/data/tokenUrl");
    assertProblem(post("/api/credentials", base + "{\"tokenUrl\": \"ftp://idp/t\", \"clientId\": \"a\", \"clientSecret\": \"b\"}}"),
        400, "credential.invalid", "/data/tokenUrl");
    assertProblem(post("/api/credentials", base + "{\"tokenUrl\": \"https://idp/t\", \"clientId\": \"a\"}}"), 400,
        "credential.invalid", "/data/clientSecret");
    assertProblem(post("/api/credentials", base + "{\"tokenUrl\": \"https://idp/t\", \"clientId\": \"a\", \"clientSecret\": \"b\","
        + " \"scopes\": [\"ok\", \"two words\"]}}"), 400, "credential.invalid", "/data/scopes/1");
    assertProblem(post("/api/credentials", base + "{\"tokenUrl\": \"https://idp/t\", \"clientId\": \"a\", \"clientSecret\": \"b\","
        + " \"authStyle\": \"jwt\"}}"), 400, "credential.invalid", "/data/authStyle");
    assertProblem(post("/api/credentials", base + "{\"tokenUrl\": \"https://idp/t\", \"clientId\": \"a\", \"clientSecret\": \"b\","
        + " \"grant\": \"x\"}}"), 400, "credential.invalid", "/data/grant");
  }

  @Test
  void anOAuth2TokenIsCachedAcrossRunsDroppedOnReplaceAndLeaksNowhere(CapturedOutput output) throws IOException {
    String good = name("idp-good");
    String bad = name("idp-bad");
    String goodSecret = "good-SECRET-" + good;
    String badSecret = "bad-SECRET-" + bad;
    java.util.concurrent.atomic.AtomicInteger goodFetches = new java.util.concurrent.atomic.AtomicInteger();
    List<String> issued = new java.util.concurrent.CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/token", ex -> {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      String client = new String(java.util.Base64.getDecoder().decode(auth.substring("Basic ".length())), StandardCharsets.UTF_8);
      byte[] body;
      int status;
      if (client.endsWith(":" + goodSecret)) {
        String token = "access-" + goodFetches.incrementAndGet() + "-" + good;
        issued.add(token);
        status = 200;
        body = ("{\"access_token\": \"" + token + "\", \"token_type\": \"bearer\", \"expires_in\": 3600}").getBytes(StandardCharsets.UTF_8);
      } else {
        // A careless endpoint: echoes the client's credentials and a token-like value.
        String leaked = "access-leak-" + bad;
        issued.add(leaked);
        status = 401;
        body = ("{\"error\": \"invalid_client\", \"error_description\": \"bad client " + client + "\", \"access_token\": \""
            + leaked + "\"}").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("X-Echo", client);
      }
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(status, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.createContext("/api", ex -> {
      String auth = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
      byte[] body = Json.object().put("echo", auth).toString().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.getResponseHeaders().add("X-Echo", auth);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      for (String[] c : List.of(new String[] {good, goodSecret}, new String[] {bad, badSecret})) {
        Response r = post("/api/credentials", """
            {"name": "%s", "type": "oauth2ClientCredentials", "data": {"tokenUrl": "%s/token", "clientId": "weft-%s",
             "clientSecret": "%s"}}""".formatted(c[0], base, c[0], c[1]));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
      }
      String okFlow = uniqueId("oauth-ok");
      assertThat(post("/api/workflows", """
          {"id": "%s", "name": "oauth ok", "nodes": [
            {"id": "call", "type": "http", "config": {"url": "%s/api", "auth": {"credential": "%s"}}}]}"""
          .formatted(okFlow, base, good)).status()).isEqualTo(201);
      String leakFlow = uniqueId("oauth-leak");
      assertThat(post("/api/workflows", """
          {"id": "%s", "name": "oauth leak", "nodes": [
            {"id": "ok", "type": "http", "config": {"url": "%s/api", "auth": {"credential": "%s"}}},
            {"id": "bad", "type": "http", "config": {"url": "%s/api", "auth": {"credential": "%s"}}}
          ], "edges": [{"from": "ok", "to": "bad"}]}""".formatted(leakFlow, base, good, base, bad)).status()).isEqualTo(201);

      // Two runs, one token.
      for (int i = 0; i < 2; i++) {
        Response r = post("/api/workflows/" + okFlow + "/runs?wait=PT30S", "{\"input\": {}}");
        assertThat(get("/api/runs/" + r.json().get("runId").stringValue()).json().get("status").stringValue()).isEqualTo("COMPLETED");
      }
      assertThat(goodFetches.get()).isEqualTo(1);
      // Replacing the credential drops its token at once; the next run fetches a new one.
      int cached = tokens.size();
      assertThat(put("/api/credentials/" + good, """
          {"type": "oauth2ClientCredentials", "data": {"tokenUrl": "%s/token", "clientId": "weft-%s", "clientSecret": "%s"}}"""
          .formatted(base, good, goodSecret)).status()).isEqualTo(200);
      assertThat(tokens.size()).isEqualTo(cached - 1);
      Response again = post("/api/workflows/" + okFlow + "/runs?wait=PT30S", "{\"input\": {}}");
      assertThat(get("/api/runs/" + again.json().get("runId").stringValue()).json().get("status").stringValue()).isEqualTo("COMPLETED");
      assertThat(goodFetches.get()).isEqualTo(2);

      Response run = post("/api/workflows/" + leakFlow + "/runs?wait=PT30S", "{\"input\": {}}");
      String runId = run.json().get("runId").stringValue();
      JsonNode state = get("/api/runs/" + runId).json();
      assertThat(state.get("status").stringValue()).as(state.toString()).isEqualTo("FAILED");
      assertThat(state.toString()).contains("credential.token_failed");
      String events = get("/api/runs/" + runId + "/events?limit=500").text();
      String audit = get("/api/audit?limit=500").text();
      String history = client.fetchHistory(runId).getHistory().toString();
      String historyJson = client.fetchHistory(runId).toJson(false);
      List<String> secrets = new java.util.ArrayList<>(List.of(goodSecret, badSecret));
      secrets.addAll(issued);
      assertThat(issued).hasSizeGreaterThanOrEqualTo(3);
      for (String text : List.of(run.text(), state.toString(), events, audit, history, output.getAll())) {
        for (String secret : secrets) assertThat(text).doesNotContain(secret);
      }
      for (String secret : secrets) {
        for (int shift = 0; shift < 3; shift++) {
          String b64 = java.util.Base64.getEncoder().encodeToString(("xx" + secret).substring(2 - Math.min(shift, 2))
              .getBytes(StandardCharsets.UTF_8));
          assertThat(historyJson).doesNotContain(b64.substring(4, b64.length() - 4));
        }
      }
      // The upstream's echo of the token was redacted in the ok node's output.
      assertThat(events).contains("[redacted]");
      JsonNode uses = get("/api/audit?action=credential.use&runId=" + runId).json().get("entries");
      assertThat(uses.valueStream().map(e -> e.get("targetId").stringValue())).contains(good, bad);

      // Deleting drops the token too.
      cached = tokens.size();
      assertThat(delete("/api/credentials/" + good).status()).isEqualTo(204);
      assertThat(tokens.size()).isEqualTo(cached - 1);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aCredentialWithUsableByIsForbiddenToWhomItDoesNotName() {
    String n = name("fin");
    Response created = post("/api/credentials", """
        {"name": "%s", "type": "bearer", "data": {"token": "fin-token-123"}, "usableBy": ["role:admin", "group:finance"]}"""
        .formatted(n));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    assertThat(created.json().get("usableBy").valueStream().map(JsonNode::stringValue)).containsExactly("role:admin", "group:finance");
    assertProblem(post("/api/credentials", """
        {"name": "%s-x", "type": "bearer", "data": {"token": "abcdef"}, "usableBy": ["role:king"]}""".formatted(n)),
        400, "credential.invalid", "/usableBy/0");

    String def = """
        {"id": "%s", "name": "uses fin", "nodes": [
          {"id": "call", "type": "http", "config": {"url": "http://127.0.0.1:9/x", "auth": {"credential": "%s"}}}]}""";
    Caller editor = as(createKey("ed-" + n, "editor"));
    String id = uniqueId("fin");
    Response refused = editor.post("/api/workflows", def.formatted(id, n));
    assertThat(refused.status()).as(refused.text()).isEqualTo(400);
    assertThat(refused.json().at("/errors/0/code").stringValue()).isEqualTo("credential.forbidden");
    assertThat(refused.json().at("/errors/0/path").stringValue()).isEqualTo("/nodes/0/config/auth/credential");
    // Nor may the editor try it out by testing the node (which would send the secret where the editor says).
    Response tested = editor.post("/api/workflows/test-node", "{\"definition\": " + def.formatted(id, n) + ", \"nodeId\": \"call\"}");
    assertThat(tested.status()).as(tested.text()).isEqualTo(400);
    assertThat(tested.text()).contains("credential.forbidden");
    // An admin is named (by role): saved.
    assertThat(post("/api/workflows", def.formatted(id, n)).status()).isEqualTo(201);
    // Opened to everyone again (usableBy absent): the editor may save it.
    assertThat(put("/api/credentials/" + n, "{\"type\": \"bearer\", \"data\": {\"token\": \"fin-token-456\"}}").status()).isEqualTo(200);
    assertThat(editor.put("/api/workflows/" + id, def.formatted(id, n)).status()).isIn(200, 201);
  }
}
