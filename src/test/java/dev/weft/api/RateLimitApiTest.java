package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.limits.LlmBudget;
import dev.weft.limits.OpenStreams;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Rate limits and the LLM budget over HTTP, with small numbers for the default tier (enterprise): a refused
 * request is a 429 problem+json naming the limit, with Retry-After, and does nothing. The tenant dimension
 * beyond the default tenant is proven here with tenants created by API (their own hook buckets, their tier's
 * numbers) and at the limiter (RateLimiterTest).
 */
@TestPropertySource(properties = {
    "weft.limits.tiers.enterprise.run-starts.principal=2",
    "weft.limits.tiers.enterprise.run-starts.tenant=3",
    "weft.limits.tiers.enterprise.webhook.tenant=2",
    "weft.limits.tiers.enterprise.sse.principal=3",
    "weft.limits.tiers.enterprise.open-streams=1",
    "weft.limits.tiers.enterprise.llm-tokens-per-day=1000",
    "weft.limits.tiers.free.run-starts.principal=1"})
class RateLimitApiTest extends ServiceTestSupport {
  private static final String SIMPLE = """
      {"id": "ID", "name": "Simple", "nodes": [{"id": "s", "type": "set", "config": {"values": {"a": 1}}}], "edges": []}""";

  private static final String MAIL = "{\"email\": \"a@example.com\"}";

  @Autowired JdbcClient jdbc;
  @Autowired OpenStreams openStreams;

  private int runsOf(String workflowId) {
    return get("/api/runs?workflowId=" + workflowId).json().get("runs").size();
  }

  private static void assertRateLimited(Response r, String limit, String scope) {
    assertThat(r.status()).as(r.text()).isEqualTo(429);
    assertThat(r.contentType()).startsWith("application/problem+json");
    JsonNode p = r.json();
    assertThat(p.get("code").stringValue()).isEqualTo("rate.limited");
    assertThat(p.get("limit").stringValue()).isEqualTo(limit);
    assertThat(p.get("scope").stringValue()).isEqualTo(scope);
    assertThat(p.get("detail").stringValue()).contains("'" + limit + "'");
    assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, 60L);
  }

  @Test
  void theRunStartOverTheLimitIsRefusedAndStartsNothingAndTheTenantsBucketBindsEveryPrincipal() {
    String id = uniqueId("limited");
    assertThat(post("/api/workflows", SIMPLE.replace("ID", id)).status()).isEqualTo(201);
    String start = "/api/workflows/" + id + "/runs";
    for (int i = 0; i < 2; i++) assertThat(post(start, "{\"input\": {}}").status()).isBetween(200, 202);

    assertRateLimited(post(start, "{\"input\": {}}"), "run-starts", "principal");
    assertThat(runsOf(id)).as("no run started by the refused request").isEqualTo(2);

    // A second principal of the same tenant: its own bucket has room, the tenant's (3 a minute) has one left.
    Caller other = as(createKey(uniqueId("second"), "editor"));
    assertThat(other.post(start, "{\"input\": {}}").status()).isBetween(200, 202);
    assertRateLimited(other.post(start, "{\"input\": {}}"), "run-starts", "tenant");
    assertThat(runsOf(id)).isEqualTo(3);
    // Other limits are other buckets: saving still works.
    assertThat(post("/api/workflows/validate", SIMPLE.replace("ID", uniqueId("v"))).status()).isEqualTo(200);
  }

  @Test
  void eachWebhookPathHasItsOwnBucket() {
    String a = uniqueId("hook-a");
    String b = uniqueId("hook-b");
    assertThat(post("/api/workflows", definition("webhook-echo.json", a).replace("PATH", "in/" + a)).status()).isEqualTo(201);
    assertThat(post("/api/workflows", definition("webhook-echo.json", b).replace("PATH", "in/" + b)).status()).isEqualTo(201);
    for (int i = 0; i < 2; i++) assertThat(anonymous().post("/hooks/in/" + a + "?source=t", MAIL).status()).isEqualTo(201);

    assertRateLimited(anonymous().post("/hooks/in/" + a + "?source=t", MAIL), "webhook", "path");
    assertThat(runsOf(a)).isEqualTo(2);
    assertThat(anonymous().post("/hooks/in/" + b + "?source=t", MAIL).status()).isEqualTo(201);
  }

  @Test
  void aTenantsHooksHaveTheirOwnBucketsAndItsTierSetsItsNumbers() {
    String t = "rl-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    Response created = post("/api/tenants", "{\"id\": \"" + t + "\", \"tier\": \"free\"}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    Caller tenant = as(created.json().at("/adminKey/key").stringValue());
    // Its tier is free: one run start a minute for its admin (the default tenant's tier allows two).
    String wf = uniqueId("free");
    assertThat(tenant.post("/api/workflows", SIMPLE.replace("ID", wf)).status()).isEqualTo(201);
    assertThat(tenant.post("/api/workflows/" + wf + "/runs", "{\"input\": {}}").status()).isEqualTo(202);
    assertRateLimited(tenant.post("/api/workflows/" + wf + "/runs", "{\"input\": {}}"), "run-starts", "principal");

    // The same hook path in the default tenant and in this one: a bucket each. Free tier's webhook number
    // is out of reach here, so move the tenant to enterprise (2 a minute per path in this class).
    assertThat(put("/api/tenants/" + t, "{\"tier\": \"enterprise\"}").status()).isEqualTo(200);
    String p = "shared/" + java.util.UUID.randomUUID().toString().substring(0, 8);
    String mine = uniqueId("hook-t");
    String root = uniqueId("hook-r");
    assertThat(tenant.post("/api/workflows", definition("webhook-echo.json", mine).replace("PATH", p)).status()).isEqualTo(201);
    assertThat(post("/api/workflows", definition("webhook-echo.json", root).replace("PATH", p)).status()).isEqualTo(201);
    // (Its tier is read again within 30 s; until then the free tier's number applies.)
    // The refused answer itself is checked: a further call could meet a token refilled meanwhile (greedy refill).
    Response[] refused = new Response[1];
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(45)).until(() ->
        (refused[0] = anonymous().post("/tenants/" + t + "/hooks/" + p + "?source=t", MAIL)).status() == 429);
    assertRateLimited(refused[0], "webhook", "path");
    assertThat(anonymous().post("/hooks/" + p + "?source=t", MAIL).status()).isEqualTo(201);
  }

  @Test
  void withTheDaysTokensSpentGenerationAndTheAgentAnswer429() {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    jdbc.sql("INSERT INTO llm_usage (tenant_id, day, tokens) VALUES ('default', :d, 1000) "
        + "ON CONFLICT (tenant_id, day) DO UPDATE SET tokens = 1000").param("d", today).update();
    try {
      Response gen = post("/api/workflows/generate", "{\"prompt\": \"send me a mail every morning\"}");
      long midnight = LlmBudget.secondsToMidnight(Instant.now());
      assertThat(gen.status()).as(gen.text()).isEqualTo(429);
      assertThat(gen.contentType()).startsWith("application/problem+json");
      assertThat(gen.json().get("code").stringValue()).isEqualTo("llm.budget_exhausted");
      assertThat(gen.json().get("limit").stringValue()).isEqualTo("llm-tokens-per-day");
      assertThat(gen.json().get("detail").stringValue()).contains("1000 of 1000 tokens");
      assertThat(Long.parseLong(gen.header("Retry-After"))).isBetween(midnight - 10, midnight + 10);

      Response chat = post("/api/agent/chat", "{\"message\": \"hello\"}", "Accept", "application/json");
      assertThat(chat.status()).as(chat.text()).isEqualTo(429);
      assertThat(chat.json().get("code").stringValue()).isEqualTo("llm.budget_exhausted");
      assertThat(get("/api/agent/conversations").json().get("items")).as("no conversation was opened").isEmpty();
    } finally {
      jdbc.sql("DELETE FROM llm_usage WHERE tenant_id = 'default'").update();
    }
  }

  private HttpResponse<Stream<String>> stream(String runId) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri("/api/runs/" + runId + "/events/stream")).header("Accept", "text/event-stream")
        .header("Authorization", adminAuthorization()).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofLines());
  }

  private static Response asResponse(HttpResponse<Stream<String>> r) {
    try (Stream<String> lines = r.body()) {
      return new Response(r.statusCode(), r.headers(), String.join("\n", lines.toList()));
    }
  }

  @Test
  void eventStreamsAreCappedOpenAtOnceAndOpenedPerMinute() throws Exception {
    // Started by webhook: the admin's run starts are spent by another test of this class.
    String id = uniqueId("sse-cap");
    assertThat(post("/api/workflows", """
        {"id": "%s", "name": "Sleeps", "trigger": {"type": "webhook", "path": "sse/%s"},
         "nodes": [{"id": "sleep", "type": "delay", "config": {"duration": "1h"}}], "edges": []}""".formatted(id, id))
        .status()).isEqualTo(201);
    Response started = anonymous().post("/hooks/sse/" + id, "{}");
    assertThat(started.status()).as(started.text()).isEqualTo(202);
    String runId = started.json().get("runId").stringValue();
    HttpResponse<Stream<String>> first = stream(runId);
    assertThat(first.statusCode()).isEqualTo(200);

    Response second = asResponse(stream(runId));
    assertRateLimited(second, "open-streams", "principal");
    assertThat(second.json().get("detail").stringValue()).contains("1 open event stream(s) on this instance", "weft.limits.tiers.enterprise.open-streams");

    // The run ends, the first stream with it, and its place is free again.
    assertThat(post("/api/runs/" + runId + "/cancel", null).status()).isEqualTo(202);
    try (Stream<String> lines = first.body()) {
      assertThat(lines.toList()).anyMatch(l -> l.contains("run_canceled"));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> openStreams.openBy("default", "admin") == 0);
    Response third = asResponse(stream(runId));
    assertThat(third.status()).as(third.text()).isEqualTo(200);
    assertThat(third.text()).as("the ended run's events, replayed").contains("run_canceled");
    // Three streams opened this minute (the refused one counted): the fourth is over the sse limit.
    assertRateLimited(asResponse(stream(runId)), "sse", "principal");
  }

  @Test
  void theOpenApiDocumentShows429WithRetryAfterWhereALimitApplies() {
    JsonNode paths = get("/v3/api-docs").json().get("paths");
    for (String[] op : new String[][] {{"/api/workflows", "post"}, {"/api/workflows/{id}", "put"},
        {"/api/workflows/validate", "post"}, {"/api/workflows/{id}/runs", "post"}, {"/hooks/{path}", "post"},
        {"/api/runs/{runId}/events/stream", "get"}, {"/api/workflows/generate", "post"}, {"/api/agent/chat", "post"},
        {"/api/workflows/test-node", "post"}}) {
      JsonNode limited = paths.get(op[0]).get(op[1]).at("/responses/429");
      assertThat(limited.isMissingNode()).as(op[0]).isFalse();
      assertThat(limited.at("/headers/Retry-After").isMissingNode()).as(op[0]).isFalse();
      assertThat(limited.at("/content").toString()).as(op[0]).contains("application/problem+json");
    }
    assertThat(paths.get("/api/workflows/generate").get("post").at("/responses/429/description").stringValue())
        .contains("llm.budget_exhausted");
    assertThat(paths.get("/api/runs").get("get").at("/responses/429").isMissingNode()).isTrue();
  }
}
