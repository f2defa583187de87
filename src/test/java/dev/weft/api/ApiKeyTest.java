package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.security.ApiKeys;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** API keys over HTTP: who gets in, what each role may do, and how keys are issued, shown and revoked. */
@ExtendWith(OutputCaptureExtension.class)
class ApiKeyTest extends ServiceTestSupport {
  @Autowired JdbcClient jdbc;

  private static void assertProblem(Response r, int status, String code) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("code").stringValue()).isEqualTo(code);
    assertThat(r.json().get("status").asInt()).isEqualTo(status);
    assertThat(r.json().at("/errors/0/code").stringValue()).isEqualTo(code);
  }

  @Test
  void withoutAKeyTheApiIs401AuthMissing() {
    Response r = anonymous().get("/api/workflows");
    assertProblem(r, 401, "auth.missing");
    assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(r.json().at("/errors/0/path").stringValue()).isEqualTo("header.Authorization");
    assertThat(r.header("Set-Cookie")).as("stateless: no session").isNull();
    assertProblem(anonymous().post("/api/workflows", definition("examples/hello.json", uniqueId("anon"))), 401, "auth.missing");
    assertProblem(anonymous().get("/actuator/prometheus"), 401, "auth.missing");
    assertProblem(anonymous().get("/v3/api-docs"), 401, "auth.missing");
  }

  @Test
  void aWrongOrMalformedKeyIs401AuthInvalidAndNeverEchoed(CapturedOutput output) {
    String wrong = "weft_this-key-was-never-issued-canary-0001";
    Response r = as(wrong).get("/api/workflows");
    assertProblem(r, 401, "auth.invalid");
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(r.text()).doesNotContain(wrong);
    Response basic = send(HttpRequest.newBuilder(uri("/api/workflows")).header("Authorization", "Basic YWRtaW46YWRtaW4=").GET());
    assertProblem(basic, 401, "auth.invalid");
    assertThat(basic.text()).doesNotContain("YWRtaW46YWRtaW4=");
    assertProblem(send(HttpRequest.newBuilder(uri("/api/workflows")).header("Authorization", "Bearer ").GET()), 401, "auth.invalid");
    assertProblem(as("x".repeat(2000)).get("/api/workflows"), 401, "auth.invalid");
    // Neither a wrong key nor a good one reaches a log line.
    assertThat(get("/api/workflows").status()).isEqualTo(200);
    assertThat(output.getAll()).doesNotContain(wrong).doesNotContain(adminKey);
  }

  @Test
  void withJwtOffATokenIsABadKey() throws Exception {
    // weft.security.jwt.* is unset here: a well-formed signed JWT is looked up as a key, and is none.
    var key = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("k").generate();
    var jwt = new com.nimbusds.jwt.SignedJWT(new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.RS256).keyID("k").build(),
        new com.nimbusds.jwt.JWTClaimsSet.Builder().subject("admin").claim("roles", List.of("admin")).claim("tenant", "default")
            .expirationTime(java.util.Date.from(Instant.now().plus(Duration.ofMinutes(5)))).build());
    jwt.sign(new com.nimbusds.jose.crypto.RSASSASigner(key));
    String token = jwt.serialize();
    Response r = as(token).get("/api/workflows");
    assertProblem(r, 401, "auth.invalid");
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(r.text()).doesNotContain(token);
  }

  @Test
  void aRevokedKeyIs401AndTheRevocationIsAudited() {
    JsonNode created = post("/api/keys", "{\"principal\": \"rita\", \"roles\": [\"viewer\"]}").json();
    String key = created.get("key").stringValue();
    String id = created.get("id").stringValue();
    assertThat(as(key).get("/api/workflows").status()).isEqualTo(200);

    assertThat(delete("/api/keys/" + id).status()).isEqualTo(204);
    assertProblem(as(key).get("/api/workflows"), 401, "auth.invalid");
    assertThat(delete("/api/keys/" + id).status()).as("revoking again changes nothing").isEqualTo(204);
    JsonNode read = get("/api/keys/" + id).json();
    assertThat(read.get("revokedAt").isNull()).isFalse();
    assertThat(read.get("revokedBy").stringValue()).isEqualTo("admin");
    assertThat(get("/api/keys").json().get("keys").findValuesAsString("id")).doesNotContain(id);
    assertThat(get("/api/keys?revoked=true&limit=500").json().get("keys").findValuesAsString("id")).contains(id);

    List<Map<String, Object>> audit = jdbc.sql("SELECT principal, action, details::text AS details FROM audit_log WHERE target_type = 'api_key' AND target_id = :id ORDER BY id")
        .param("id", id).query().listOfRows();
    assertThat(audit).extracting(m -> m.get("action")).containsExactly("key.create", "key.revoke");
    assertThat(audit).allSatisfy(m -> {
      assertThat(m.get("principal")).isEqualTo("admin");
      assertThat((String) m.get("details")).contains("rita").doesNotContain(key).doesNotContain(ApiKeys.hash(key));
    });
    assertProblem(delete("/api/keys/key_nope"), 404, "key.not_found");
  }

  @Test
  void anExpiredKeyIs401() {
    JsonNode created = post("/api/keys", "{\"principal\": \"eve\", \"roles\": [\"viewer\"], \"expiresAt\": \""
        + Instant.now().plus(Duration.ofHours(1)) + "\"}").json();
    String key = created.get("key").stringValue();
    assertThat(as(key).get("/api/workflows").status()).isEqualTo(200);
    jdbc.sql("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = :id").param("id", created.get("id").stringValue()).update();
    assertProblem(as(key).get("/api/workflows"), 401, "auth.invalid");
  }

  @Test
  void aViewerReadsButStartsNothing() {
    String id = create("examples/hello.json", "viewer");
    String viewer = createKey("vic", "viewer");
    assertThat(as(viewer).get("/api/workflows/" + id).status()).isEqualTo(200);
    assertThat(as(viewer).get("/api/node-types").status()).isEqualTo(200);
    assertThat(as(viewer).get("/actuator/prometheus").status()).isEqualTo(200);
    Response start = as(viewer).post("/api/workflows/" + id + "/runs", "{}");
    assertProblem(start, 403, "auth.forbidden");
    assertThat(start.header("WWW-Authenticate")).isNull();
    assertThat(get("/api/runs?workflowId=" + id).json().get("runs").size()).isZero();
    assertProblem(as(viewer).post("/api/no-such-endpoint", "{}"), 403, "auth.forbidden");
  }

  @Test
  void anOperatorStartsAndCancelsRunsButEditsNoWorkflow() {
    String id = create("long-wait.json", "operator");
    String operator = createKey("olga", "operator");
    Response started = as(operator).post("/api/workflows/" + id + "/runs", "{}");
    assertThat(started.status()).isEqualTo(202);
    String runId = started.json().get("runId").stringValue();
    assertThat(as(operator).post("/api/runs/" + runId + "/cancel", null).status()).isEqualTo(202);
    assertThat(jdbc.sql("SELECT principal FROM audit_log WHERE target_id = :run ORDER BY id").param("run", runId).query(String.class).list())
        .as("run.start and run.cancel name the key's principal").containsExactly("olga", "olga");

    assertProblem(as(operator).put("/api/workflows/" + id, definition("long-wait.json", id)), 403, "auth.forbidden");
    assertProblem(as(operator).delete("/api/workflows/" + id), 403, "auth.forbidden");
    assertProblem(as(operator).post("/api/workflows", definition("examples/hello.json", uniqueId("op"))), 403, "auth.forbidden");
  }

  @Test
  void anEditorSavesWorkflowsAsItselfButManagesNoKeys() {
    String editor = createKey("edna", "editor");
    String id = uniqueId("editor");
    Response created = as(editor).post("/api/workflows", definition("examples/hello.json", id));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().get("versionCreatedBy").stringValue()).isEqualTo("edna");
    assertThat(as(editor).post("/api/workflows/" + id + "/runs", "{}").status()).as("editor includes operator").isEqualTo(202);
    assertProblem(as(editor).get("/api/keys"), 403, "auth.forbidden");
    assertProblem(as(editor).post("/api/keys", "{\"principal\": \"x\", \"roles\": [\"admin\"]}"), 403, "auth.forbidden");
    assertProblem(as(editor).get("/api/audit"), 403, "auth.forbidden");
  }

  @Test
  void theKeyIsShownOnceAndOnlyItsHashIsStored() {
    Response created = post("/api/keys", "{\"principal\": \"ada@example.org\", \"roles\": [\"operator\", \"viewer\"], "
        + "\"groups\": [\"finance\"], \"description\": \"CI\"}");
    assertThat(created.status()).isEqualTo(201);
    JsonNode k = created.json();
    String key = k.get("key").stringValue();
    String id = k.get("id").stringValue();
    assertThat(key).startsWith("weft_").hasSize(48).startsWith(k.get("prefix").stringValue());
    assertThat(k.get("prefix").stringValue()).hasSize(12);
    assertThat(created.header("Location")).isEqualTo("/api/keys/" + id);
    assertThat(k.get("principal").stringValue()).isEqualTo("ada@example.org");
    assertThat(k.get("roles").valueStream().map(JsonNode::stringValue).toList()).containsExactly("operator", "viewer");
    assertThat(k.get("groups").get(0).stringValue()).isEqualTo("finance");
    assertThat(k.get("createdBy").stringValue()).isEqualTo("admin");
    assertThat(k.has("expiresAt")).isTrue();

    Response one = get("/api/keys/" + id);
    assertThat(one.json().has("key")).isFalse();
    assertThat(one.text()).doesNotContain(key).doesNotContain(ApiKeys.hash(key));
    Response list = get("/api/keys?limit=500");
    assertThat(list.json().get("keys").findValuesAsString("id")).contains(id);
    assertThat(list.text()).doesNotContain(key).doesNotContain(ApiKeys.hash(key)).doesNotContain("\"key\"");

    String row = jdbc.sql("SELECT row_to_json(k)::text FROM api_keys k WHERE id = :id").param("id", id).query(String.class).single();
    assertThat(row).doesNotContain(key).contains(ApiKeys.hash(key));
    assertThat(jdbc.sql("SELECT key_hash FROM api_keys WHERE id = :id").param("id", id).query(String.class).single())
        .isEqualTo(ApiKeys.hash(key));

    // The key works, and its use is recorded.
    assertThat(as(key).get("/api/workflows").status()).isEqualTo(200);
    assertThat(get("/api/keys/" + id).json().get("lastUsedAt").isNull()).isFalse();
  }

  @Test
  void aBadKeyRequestIs400NamingEveryPath() {
    Response r = post("/api/keys", "{\"principal\": \"role:boss\", \"roles\": [\"viewer\", \"boss\"], \"groups\": [\"a b\"], "
        + "\"expiresAt\": \"2001-01-01T00:00:00Z\", \"colour\": \"red\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("code").stringValue()).isEqualTo("key.invalid");
    assertThat(r.json().get("errors").valueStream().map(e -> e.get("path").stringValue() + " " + e.get("code").stringValue()).toList())
        .containsExactlyInAnyOrder("/colour request.unknown_field", "/principal key.principal_invalid", "/roles/1 key.role_invalid",
            "/groups/0 key.group_invalid", "/expiresAt key.expires_invalid");
    Response empty = post("/api/keys", "{}");
    assertThat(empty.json().get("errors").findValuesAsString("code")).containsExactlyInAnyOrder("key.principal_required", "key.roles_required");
    assertThat(post("/api/keys", "{\"principal\": \"webhook\", \"roles\": [\"admin\"]}").json().at("/errors/0/code").stringValue())
        .isEqualTo("key.principal_reserved");
    assertThat(post("/api/keys", "{\"principal\": ").json().get("code").stringValue()).isEqualTo("json.syntax");
  }

  @Test
  void theLastActiveAdminKeyCannotBeRevoked() {
    String other = createKey("second-admin", "admin");
    String testAdminId = jdbc.sql("SELECT id FROM api_keys WHERE key_hash = :h").param("h", ApiKeys.hash(adminKey)).query(String.class).single();
    // Every other admin key goes, as the second admin: the test admin's key is then the last one.
    List<String> admins = jdbc.sql("SELECT id FROM api_keys WHERE tenant_id = 'default' AND 'admin' = ANY(roles) AND revoked_at IS NULL AND id <> :me")
        .param("me", testAdminId).query(String.class).list();
    String otherId = jdbc.sql("SELECT id FROM api_keys WHERE key_hash = :h").param("h", ApiKeys.hash(other)).query(String.class).single();
    for (String id : admins) {
      if (!id.equals(otherId)) assertThat(as(other).delete("/api/keys/" + id).status()).isEqualTo(204);
    }
    assertThat(delete("/api/keys/" + otherId).status()).isEqualTo(204);
    assertProblem(delete("/api/keys/" + testAdminId), 409, "key.last_admin");
    assertThat(get("/api/keys").status()).as("the last admin key still works").isEqualTo(200);
  }

  @Test
  void healthAndWebhooksNeedNoKey() {
    assertThat(anonymous().get("/actuator/health").status()).isEqualTo(200);
    assertThat(as("not-a-key").get("/actuator/health").status()).as("a key is not even looked at").isEqualTo(200);
    String id = uniqueId("hook-anon");
    String path = "anon/" + id;
    assertThat(post("/api/workflows", definition("webhook-echo.json", id).replace("PATH", path)).status()).isEqualTo(201);
    // A webhook's own Authorization header belongs to the workflow's caller, not to Weft.
    Response r = anonymous().post("/hooks/" + path + "?source=anon", "{\"email\": \"a@example.com\"}", "Authorization", "Bearer someone-elses-token");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    String runId = r.header("Weft-Run-Id");
    assertThat(jdbc.sql("SELECT principal FROM audit_log WHERE action = 'run.start' AND target_id = :run").param("run", runId)
        .query(String.class).single()).isEqualTo("webhook");
  }

  @Test
  void theEventStreamWorksWithAViewerKeyAndNotWithout() throws Exception {
    String id = create("sse-delay.json", "sse-key");
    String runId = post("/api/workflows/" + id + "/runs", "{\"input\": {\"name\": \"Ada\"}}").json().get("runId").stringValue();
    String viewer = createKey("stream-viewer", "viewer");
    HttpResponse<String> stream = HTTP.send(HttpRequest.newBuilder(uri("/api/runs/" + runId + "/events/stream"))
        .header("Accept", "text/event-stream").header("Authorization", "Bearer " + viewer).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    assertThat(stream.body()).contains("event:run_completed");
    assertProblem(anonymous().get("/api/runs/" + runId + "/events/stream"), 401, "auth.missing");
  }

  @Test
  void idempotencyKeysBelongToTheirPrincipal() {
    String id = create("examples/hello.json", "idem-principal");
    String operator = createKey("otto", "operator");
    Response mine = post("/api/workflows/" + id + "/runs", "{\"input\": {\"name\": \"A\"}}", "Idempotency-Key", "order-7");
    Response theirs = as(operator).post("/api/workflows/" + id + "/runs", "{\"input\": {\"name\": \"B\"}}", "Idempotency-Key", "order-7");
    assertThat(theirs.status()).as("another principal's key is not a reuse").isEqualTo(202);
    assertThat(theirs.json().get("runId")).isNotEqualTo(mine.json().get("runId"));
  }

  @Test
  void theOpenApiDocumentDeclaresTheBearerScheme() {
    String viewer = createKey("docs-viewer", "viewer");
    JsonNode doc = as(viewer).get("/v3/api-docs").json();
    assertThat(doc.at("/components/securitySchemes/apiKey/scheme").stringValue()).isEqualTo("bearer");
    assertThat(doc.at("/security/0").has("apiKey")).isTrue();
    assertThat(doc.at("/paths/~1api~1workflows/get/responses").has("401")).isTrue();
    assertThat(doc.at("/paths/~1api~1workflows/post/responses").has("403")).isTrue();
    assertThat(doc.at("/paths/~1hooks~1{path}/post/security").isArray()).isTrue();
    assertThat(doc.at("/paths/~1hooks~1{path}/post/security").isEmpty()).as("webhooks need no key").isTrue();
    // A webhook's 401 is its trigger's signature check (webhook.unauthorized), not a missing key.
    assertThat(doc.at("/paths/~1hooks~1{path}/post/responses/401/description").stringValue()).doesNotContain("API key");
    assertThat(doc.at("/paths/~1api~1keys/post/responses").has("201")).isTrue();
    assertThat(doc.toString()).as("the principal is no request parameter").doesNotContain("\"caller\"");
  }
}
