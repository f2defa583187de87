package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The insights API on the embedded PostgreSQL: runs, events and human tasks seeded straight into a fresh
 * tenant's rows, so every number is known; a second tenant's rows never show.
 */
class InsightsApiTest extends ServiceTestSupport {
  private static final String RANGE = "from=2026-03-01T00:00:00Z&to=2026-03-15T00:00:00Z";

  @Autowired JdbcClient jdbc;
  private String tenant;
  private Caller viewer;

  @BeforeEach
  void seed() {
    tenant = "ins-" + UUID.randomUUID().toString().substring(0, 8);
    Response created = post("/api/tenants", "{\"id\": \"" + tenant + "\", \"name\": \"Insights\", \"tier\": \"pro\"}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    Caller admin = as(created.json().at("/adminKey/key").stringValue());
    Response key = admin.post("/api/keys", "{\"principal\": \"analyst\", \"roles\": [\"viewer\"]}");
    assertThat(key.status()).as(key.text()).isEqualTo(201);
    viewer = as(key.json().get("key").stringValue());

    workflow("wf-a", "Invoices");
    workflow("wf-b", "Expenses");
    run("a1", "wf-a", "COMPLETED", "2026-03-02T10:00:00Z", 1000);
    run("a2", "wf-a", "COMPLETED", "2026-03-02T11:00:00Z", 2000);
    run("a3", "wf-a", "COMPLETED", "2026-03-03T09:00:00Z", 3000);
    run("a4", "wf-a", "COMPLETED", "2026-03-09T09:00:00Z", 4000);
    run("a5", "wf-a", "FAILED", "2026-03-09T10:00:00Z", 500);
    run("a6", "wf-a", "RUNNING", "2026-03-10T08:00:00Z", null);
    run("b1", "wf-b", "CANCELED", "2026-03-04T08:00:00Z", 100);
    run("b2", "wf-b", "WAITING", "2026-03-04T12:00:00Z", null);
    // Outside the range: a second before it, and at its (exclusive) end.
    run("a0", "wf-a", "COMPLETED", "2026-02-28T23:59:59Z", 50);
    run("a9", "wf-a", "FAILED", "2026-03-15T00:00:00Z", 50);

    task("a3", "2026-03-03T09:00:00.500Z", "2026-03-03T09:00:02.500Z");
    task("a4", "2026-03-09T09:00:01Z", "2026-03-09T09:00:02Z");
    task("b2", "2026-03-04T12:00:01Z", null);

    usage("a1", "n1", "node_attempt_completed", "llm.chat", "2026-03-02T10:00:01Z", "{\"model\": \"gpt-x\", \"tokensIn\": 100, \"tokensOut\": 20, \"cost\": 0.0012}");
    usage("a2", "n1", "node_attempt_completed", "llm.extract", "2026-03-02T11:00:01Z", "{\"model\": \"gpt-x\", \"tokensIn\": 50, \"tokensOut\": 10, \"cost\": 0.0006}");
    usage("a3", "n1", "node_attempt_completed", "agent", "2026-03-03T09:00:01Z", "{\"model\": \"llama\", \"tokensIn\": 10, \"tokensOut\": 5}");
    usage("b1", "n1", "node_attempt_completed", "llm.classify", "2026-03-04T08:00:00.050Z", "{\"model\": \"gpt-x\", \"tokensIn\": 7, \"tokensOut\": 3, \"cost\": 0.0001}");
    // Not counted: the node's completion event (no second count), a failed attempt, a node that is no model
    // call, and a call outside the range.
    usage("a1", "n1", "node_completed", "llm.chat", "2026-03-02T10:00:01Z", "{\"model\": \"gpt-x\", \"tokensIn\": 100, \"tokensOut\": 20, \"cost\": 0.0012}");
    usage("a1", "n2", "node_attempt_failed", "llm.chat", "2026-03-02T10:00:02Z", "{\"model\": \"gpt-x\", \"tokensIn\": 999, \"tokensOut\": 999}");
    usage("a1", "n3", "node_attempt_completed", "set", "2026-03-02T10:00:03Z", "{\"model\": \"gpt-x\", \"tokensIn\": 999, \"tokensOut\": 999}");
    usage("a0", "n1", "node_attempt_completed", "llm.chat", "2026-02-28T23:59:59.500Z", "{\"model\": \"gpt-x\", \"tokensIn\": 999, \"tokensOut\": 999}");
  }

  @Test
  void countsRunsByStatusPerWeekDayAndMonthWithEmptyBucketsListed() {
    JsonNode weeks = viewer.get("/api/insights/executions?" + RANGE + "&bucket=week").json();
    assertThat(weeks.get("total").asLong()).isEqualTo(8);
    JsonNode b = weeks.get("buckets");
    // 1 March 2026 is a Sunday: its ISO week starts on 23 February.
    assertThat(b).hasSize(3);
    assertThat(b.get(0).get("start").asString()).isEqualTo("2026-02-23T00:00:00Z");
    assertThat(b.get(0).get("total").asLong()).isZero();
    assertThat(b.get(1).get("start").asString()).isEqualTo("2026-03-02T00:00:00Z");
    assertThat(b.get(1).get("counts").toString()).isEqualTo("{\"CANCELED\":1,\"COMPLETED\":3,\"WAITING\":1}");
    assertThat(b.get(2).get("counts").toString()).isEqualTo("{\"COMPLETED\":1,\"FAILED\":1,\"RUNNING\":1}");

    JsonNode days = viewer.get("/api/insights/executions?" + RANGE).json();
    assertThat(days.get("bucket").asString()).isEqualTo("day");
    assertThat(days.get("buckets")).hasSize(14);
    assertThat(days.get("buckets").get(1).get("start").asString()).isEqualTo("2026-03-02T00:00:00Z");
    assertThat(days.get("buckets").get(1).get("counts").get("COMPLETED").asLong()).isEqualTo(2);

    JsonNode months = viewer.get("/api/insights/executions?" + RANGE + "&bucket=month&workflowId=wf-b").json();
    assertThat(months.get("buckets")).hasSize(1);
    assertThat(months.get("buckets").get(0).get("counts").toString()).isEqualTo("{\"CANCELED\":1,\"WAITING\":1}");

    // The default range is the 30 days up to now: none of these March runs.
    JsonNode recent = viewer.get("/api/insights/executions").json();
    assertThat(recent.get("total").asLong()).isZero();
    assertThat(Duration.between(Instant.parse(recent.get("from").asString()), Instant.parse(recent.get("to").asString())))
        .isEqualTo(Duration.ofDays(30));
  }

  @Test
  void perWorkflowRunsSuccessRatePercentileDurationsAndHumanWaits() {
    Instant asked = Instant.now();
    JsonNode items = viewer.get("/api/insights/workflows?" + RANGE).json().get("workflows");
    assertThat(items).hasSize(2);
    JsonNode a = items.get(0);
    assertThat(a.get("workflowId").asString()).isEqualTo("wf-a");
    assertThat(a.get("name").asString()).isEqualTo("Invoices");
    assertThat(a.get("runs").asLong()).isEqualTo(6);
    assertThat(a.get("completed").asLong()).isEqualTo(4);
    assertThat(a.get("failed").asLong()).isEqualTo(1);
    assertThat(a.get("open").asLong()).isEqualTo(1);
    assertThat(a.get("successRate").decimalValue()).isEqualByComparingTo("0.8");
    // Completed runs took 1, 2, 3 and 4 s: the median is 2.5 s, the 95th percentile 3 + 0.85 s (interpolated).
    assertThat(a.get("durationMs").get("p50").asLong()).isEqualTo(2500);
    assertThat(a.get("durationMs").get("p95").asLong()).isEqualTo(3850);
    assertThat(a.get("humanWait").toString()).isEqualTo("{\"tasks\":2,\"open\":0,\"waitMs\":3000}");

    JsonNode b = items.get(1);
    assertThat(b.get("workflowId").asString()).isEqualTo("wf-b");
    assertThat(b.get("runs").asLong()).isEqualTo(2);
    assertThat(b.get("canceled").asLong()).isEqualTo(1);
    assertThat(b.get("successRate").decimalValue()).isEqualByComparingTo("0");
    assertThat(b.get("durationMs").get("p50").isNull()).isTrue();
    // Its task is still open: it has waited from its opening until now.
    assertThat(b.get("humanWait").get("open").asLong()).isEqualTo(1);
    assertThat(b.get("humanWait").get("waitMs").asLong())
        .isGreaterThanOrEqualTo(Duration.between(Instant.parse("2026-03-04T12:00:01Z"), asked).toMillis());
  }

  @Test
  void llmTokensAndCostPerDayWorkflowAndModel() {
    JsonNode costs = viewer.get("/api/insights/costs?" + RANGE).json();
    JsonNode items = costs.get("items");
    assertThat(items).hasSize(3);
    assertThat(row(items.get(0))).isEqualTo("2026-03-02 wf-a gpt-x calls=2 in=150 out=30");
    assertThat(items.get(0).get("cost").decimalValue()).isEqualByComparingTo("0.0018");
    assertThat(row(items.get(1))).isEqualTo("2026-03-03 wf-a llama calls=1 in=10 out=5");
    assertThat(items.get(1).get("cost").isNull()).isTrue();
    assertThat(row(items.get(2))).isEqualTo("2026-03-04 wf-b gpt-x calls=1 in=7 out=3");
    assertThat(items.get(2).get("cost").decimalValue()).isEqualByComparingTo("0.0001");
    JsonNode totals = costs.get("totals");
    assertThat(totals.get("calls").asLong()).isEqualTo(4);
    assertThat(totals.get("tokensIn").asLong()).isEqualTo(167);
    assertThat(totals.get("tokensOut").asLong()).isEqualTo(38);
    assertThat(totals.get("cost").decimalValue()).isEqualByComparingTo(new BigDecimal("0.0019"));
    assertThat(costs.get("truncated").asBoolean()).isFalse();
  }

  @Test
  void eachTenantSeesOnlyItsOwnRuns() {
    // The default tenant's admin, over the same range: none of the seeded tenant's workflows.
    assertThat(get("/api/insights/workflows?" + RANGE).json().get("workflows").toString()).doesNotContain("wf-a");
    assertThat(get("/api/insights/costs?" + RANGE).json().get("items").toString()).doesNotContain("wf-a");
    assertThat(anonymous().get("/api/insights/executions").status()).isEqualTo(401);
  }

  @Test
  void badParametersAreProblemsNamingTheParameter() {
    problem(viewer.get("/api/insights/executions?bucket=hour"), "query.bucket", "request.invalid_parameter");
    problem(viewer.get("/api/insights/workflows?from=yesterday"), "query.from", "request.invalid_parameter");
    problem(viewer.get("/api/insights/costs?to=2026-13-01"), "query.to", "request.invalid_parameter");
    problem(viewer.get("/api/insights/executions?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z"), "query.from",
        "insights.range_empty");
    problem(viewer.get("/api/insights/costs?from=2025-01-01T00:00:00Z&to=2026-03-01T00:00:00Z"), "query.from",
        "insights.range_too_long");
    // 366 days is the limit itself.
    assertThat(viewer.get("/api/insights/workflows?from=2025-03-01T00:00:00Z&to=2026-03-02T00:00:00Z").status()).isEqualTo(200);
  }

  private static String row(JsonNode c) {
    return c.get("day").asString() + " " + c.get("workflowId").asString() + " " + c.get("model").asString() + " calls="
        + c.get("calls").asLong() + " in=" + c.get("tokensIn").asLong() + " out=" + c.get("tokensOut").asLong();
  }

  private static void problem(Response r, String path, String code) {
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.json().get("code").asString()).isEqualTo(code);
    assertThat(r.json().get("errors").get(0).get("path").asString()).isEqualTo(path);
  }

  private void workflow(String id, String name) {
    jdbc.sql("INSERT INTO workflows (tenant_id, id, name, latest_version) VALUES (:t, :id, :name, 1)")
        .param("t", tenant).param("id", id).param("name", name).update();
  }

  private void run(String id, String workflow, String status, String started, Integer durationMs) {
    Instant start = Instant.parse(started);
    jdbc.sql("""
        INSERT INTO runs (tenant_id, run_id, workflow_id, version, status, started_at, ended_at)
        VALUES (:t, :id, :w, 1, :status, :start, :end)""")
        .param("t", tenant).param("id", id).param("w", workflow).param("status", status)
        .param("start", java.sql.Timestamp.from(start))
        .param("end", durationMs == null ? null : java.sql.Timestamp.from(start.plusMillis(durationMs))).update();
  }

  private void task(String run, String opened, String closed) {
    jdbc.sql("""
        INSERT INTO human_tasks (tenant_id, run_id, node_id, ordinal, workflow_id, kind, title, assignees, actions, allow_self,
                                 status, opened_at, closed_at)
        VALUES (:t, :run, 'approve', 0, (SELECT workflow_id FROM runs WHERE tenant_id = :t AND run_id = :run), 'approval',
                'Pay?', '[]', '[]', false, :status, :opened, :closed)""")
        .param("t", tenant).param("run", run).param("status", closed == null ? "pending" : "closed")
        .param("opened", java.sql.Timestamp.from(Instant.parse(opened)))
        .param("closed", closed == null ? null : java.sql.Timestamp.from(Instant.parse(closed))).update();
  }

  private void usage(String run, String node, String kind, String type, String at, String llm) {
    jdbc.sql("""
        INSERT INTO run_events (tenant_id, run_id, node_id, attempt, kind, node_type, at, output)
        VALUES (:t, :run, :node, 1, :kind, :type, :at, CAST(:out AS json))""")
        .param("t", tenant).param("run", run).param("node", node).param("kind", kind).param("type", type)
        .param("at", java.sql.Timestamp.from(Instant.parse(at))).param("out", "{\"text\": \"hi\", \"llm\": " + llm + "}").update();
  }
}
