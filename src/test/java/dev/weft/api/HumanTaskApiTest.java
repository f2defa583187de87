package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * People in the loop over REST with real API keys: approvals with quorum, who may decide (401, 403,
 * 409), the inbox, forms, onError ask, pause/resume, cancel while waiting, and the audit trail in JSON
 * and CSV.
 */
class HumanTaskApiTest extends ServiceTestSupport {

  private String key(String principal, String roles, String groups) {
    Response r = post("/api/keys", "{\"principal\": \"" + principal + "\", \"roles\": [" + roles + "], \"groups\": [" + groups + "]}");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json().get("key").stringValue();
  }

  private String start(Caller who, String workflowId, String input) {
    Response r = who.post("/api/workflows/" + workflowId + "/runs", "{\"input\": " + input + "}");
    assertThat(r.status()).as(r.text()).isEqualTo(202);
    return r.json().get("runId").stringValue();
  }

  private void awaitWaiting(String runId, String nodeId) {
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
      JsonNode s = get("/api/runs/" + runId).json();
      return s.path("waiting").toString().contains("\"" + nodeId + "\"");
    });
  }

  private Response decide(Caller who, String runId, String nodeId, String body) {
    return who.post("/api/runs/" + runId + "/nodes/" + nodeId + "/decision", body);
  }

  private JsonNode awaitEnd(String runId) {
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/runs/" + runId).json().has("endedAt"));
    return get("/api/runs/" + runId).json();
  }

  private List<String> inbox(Caller who) {
    return who.get("/api/approvals").json().get("tasks").valueStream().map(t -> t.get("runId").stringValue()).toList();
  }

  @Test
  void anApprovalWithQuorumThroughRestWithEveryRefusal() {
    String wf = create("approval.json", "expense");
    Caller starter = as(key(uniqueId("starter"), "\"operator\"", "\"finance\""));
    Caller fay = as(key(uniqueId("fay"), "\"viewer\"", "\"finance\""));
    Caller hal = as(key(uniqueId("hal"), "\"viewer\"", "\"finance\""));
    Caller gus = as(key(uniqueId("gus"), "\"viewer\"", ""));
    String run = start(starter, wf, "{\"amount\": 900}");
    awaitWaiting(run, "approve");

    JsonNode state = get("/api/runs/" + run).json();
    assertThat(state.get("status").stringValue()).isEqualTo("WAITING");
    assertThat(state.get("nodes").get("approve").get("task").get("title").stringValue()).isEqualTo("Approve 900 EUR?");
    // The inbox: finance sees the task, the starter (own run) and gus (not finance) do not.
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> inbox(fay).contains(run));
    JsonNode task = fay.get("/api/approvals").json().get("tasks").valueStream()
        .filter(t -> t.get("runId").stringValue().equals(run)).findFirst().orElseThrow();
    assertThat(task.get("title").stringValue()).isEqualTo("Approve 900 EUR?");
    assertThat(task.get("workflowId").stringValue()).isEqualTo(wf);
    assertThat(task.get("kind").stringValue()).isEqualTo("approval");
    assertThat(task.get("since")).isNotNull();
    assertThat(task.get("href").stringValue()).isEqualTo("/api/runs/" + run + "/nodes/approve/decision");
    assertThat(inbox(starter)).doesNotContain(run);
    assertThat(inbox(gus)).doesNotContain(run);
    assertThat(get("/api/runs?status=WAITING&workflowId=" + wf).json().get("runs").findValuesAsString("runId")).contains(run);

    Response self = decide(starter, run, "approve", "{\"decision\": \"approve\"}");
    assertThat(self.status()).isEqualTo(403);
    assertThat(self.contentType()).startsWith("application/problem+json");
    assertThat(self.json().get("code").stringValue()).isEqualTo("decision.self_approval");
    Response outsider = decide(gus, run, "approve", "{\"decision\": \"approve\"}");
    assertThat(outsider.status()).isEqualTo(403);
    assertThat(outsider.json().get("code").stringValue()).isEqualTo("decision.forbidden");
    assertThat(decide(anonymous(), run, "approve", "{\"decision\": \"approve\"}").status()).isEqualTo(401);
    Response bad = decide(fay, run, "approve", "{\"decision\": \"maybe\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("code").stringValue()).isEqualTo("decision.invalid");
    assertThat(decide(fay, run, "approve", "{\"comment\": \"no decision\"}").status()).isEqualTo(400);
    assertThat(decide(fay, run, "approve", "{\"decision\": \"approve\", \"extra\": 1}").json().get("code").stringValue())
        .isEqualTo("request.unknown_field");
    assertThat(decide(fay, run, "nope", "{\"decision\": \"approve\"}").json().get("code").stringValue()).isEqualTo("node.not_found");
    assertThat(decide(fay, run, "start", "{\"decision\": \"approve\"}").json().get("code").stringValue())
        .isEqualTo("decision.not_waiting");
    assertThat(decide(fay, "no-such-run", "approve", "{\"decision\": \"approve\"}").status()).isEqualTo(404);

    Response first = decide(fay, run, "approve", "{\"decision\": \"approve\", \"comment\": \"ok from fay\"}");
    assertThat(first.status()).as(first.text()).isEqualTo(200);
    assertThat(first.json().get("outcome").stringValue()).isEqualTo("pending");
    assertThat(first.json().get("approvals").intValue()).isEqualTo(1);
    Response again = decide(fay, run, "approve", "{\"decision\": \"approve\"}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().get("code").stringValue()).isEqualTo("decision.already_decided");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !inbox(fay).contains(run));
    assertThat(inbox(hal)).contains(run);

    Response second = decide(hal, run, "approve", "{\"decision\": \"approve\"}");
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.json().get("outcome").stringValue()).isEqualTo("approved");
    JsonNode done = awaitEnd(run);
    assertThat(done.get("status").stringValue()).isEqualTo("COMPLETED");
    assertThat(done.get("nodes").get("book").get("status").stringValue()).isEqualTo("COMPLETED");
    assertThat(done.get("nodes").get("approve").get("output").get("deciders").findValuesAsString("comment")).contains("ok from fay");
    Response late = decide(gus, run, "approve", "{\"decision\": \"approve\"}");
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.json().get("code").stringValue()).isEqualTo("decision.not_waiting");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !inbox(hal).contains(run));
    assertThat(hal.get("/api/approvals?status=closed").json().get("tasks").findValuesAsString("runId")).contains(run);

    // The audit trail has every attempt, refused or not, with status and response time; CSV export.
    JsonNode audit = get("/api/audit?runId=" + run + "&action=node").json().get("entries");
    assertThat(audit.findValuesAsString("action")).containsOnly("node.decision");
    assertThat(audit.valueStream().map(e -> e.get("details").get("status").asInt()).toList()).contains(200, 403, 409, 400);
    assertThat(audit.valueStream().allMatch(e -> e.get("details").has("durationMs"))).isTrue();
    Response csv = get("/api/audit?runId=" + run + "&format=csv");
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.contentType()).startsWith("text/csv");
    List<String> lines = csv.text().lines().toList();
    assertThat(lines.getFirst()).isEqualTo("id,at,principal,action,target_type,target_id,run_id,node_id,status,code,duration_ms,details");
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("node.decision").contains(",approve,403,decision.self_approval,"));
    assertThat(lines.stream().filter(l -> l.contains(",node.decision,")).count()).isEqualTo(audit.size());
    assertThat(fay.get("/api/audit").status()).isEqualTo(403);
    assertThat(get("/api/audit?format=xml").status()).isEqualTo(400);
  }

  @Test
  void twoApproversDecidingAtOnceAreBothRecordedExactlyOnce() throws Exception {
    String wf = create("approval.json", "expense");
    String fayId = uniqueId("fay");
    String halId = uniqueId("hal");
    Caller fay = as(key(fayId, "\"viewer\"", "\"finance\""));
    Caller hal = as(key(halId, "\"viewer\"", "\"finance\""));
    String run = start(this.as(key(uniqueId("ops"), "\"operator\"", "")), wf, "{\"amount\": 2}");
    awaitWaiting(run, "approve");
    var a = java.util.concurrent.CompletableFuture.supplyAsync(() -> decide(fay, run, "approve", "{\"decision\": \"approve\"}"));
    var b = java.util.concurrent.CompletableFuture.supplyAsync(() -> decide(hal, run, "approve", "{\"decision\": \"approve\"}"));
    Response ra = a.get(30, java.util.concurrent.TimeUnit.SECONDS);
    Response rb = b.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(List.of(ra.status(), rb.status())).as(ra.text() + " / " + rb.text()).containsExactly(200, 200);
    assertThat(List.of(ra.json().get("outcome").stringValue(), rb.json().get("outcome").stringValue()))
        .containsExactlyInAnyOrder("pending", "approved");
    JsonNode done = awaitEnd(run);
    assertThat(done.get("nodes").get("approve").get("output").get("deciders").findValuesAsString("principal"))
        .containsExactlyInAnyOrder(fayId, halId);
    assertThat(get("/api/runs/" + run + "/events").json().get("events").valueStream()
        .filter(e -> e.get("kind").stringValue().equals("node_decision")).count()).isEqualTo(2);
  }

  @Test
  void aRejectionTakesTheRejectedBranch() {
    String wf = create("approval.json", "expense");
    Caller fay = as(key(uniqueId("fay"), "\"viewer\"", "\"finance\""));
    String run = start(this.as(key(uniqueId("ops"), "\"operator\"", "")), wf, "{\"amount\": 5}");
    awaitWaiting(run, "approve");
    Response r = decide(fay, run, "approve", "{\"decision\": \"reject\", \"comment\": \"no\"}");
    assertThat(r.json().get("outcome").stringValue()).isEqualTo("rejected");
    JsonNode done = awaitEnd(run);
    assertThat(done.get("nodes").get("refuse").get("status").stringValue()).isEqualTo("COMPLETED");
    assertThat(done.get("nodes").get("book").get("status").stringValue()).isEqualTo("SKIPPED");
  }

  @Test
  void formValuesAreValidatedOverRest() {
    String wf = create("form.json", "clarify");
    Caller fay = as(key(uniqueId("fay"), "\"viewer\"", "\"finance\""));
    String run = start(this.as(key(uniqueId("ops"), "\"operator\"", "")), wf, "{}");
    awaitWaiting(run, "clarify");
    Response invalid = fay.post("/api/runs/" + run + "/nodes/clarify/submit",
        "{\"values\": {\"costCentre\": \"hr\", \"amount\": -3, \"other\": 1}}");
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.json().get("code").stringValue()).isEqualTo("form.invalid");
    assertThat(invalid.json().get("errors").findValuesAsString("path"))
        .contains("/values/costCentre", "/values/amount", "/values/other");
    assertThat(fay.post("/api/runs/" + run + "/nodes/clarify/submit", "{\"values\": 3}").status()).isEqualTo(400);
    assertThat(fay.post("/api/runs/" + run + "/nodes/clarify/decision", "{\"decision\": \"submit\"}").status()).isEqualTo(400);
    Response ok = fay.post("/api/runs/" + run + "/nodes/clarify/submit", "{\"values\": {\"costCentre\": \"ops\"}}");
    assertThat(ok.status()).as(ok.text()).isEqualTo(200);
    assertThat(ok.json().get("outcome").stringValue()).isEqualTo("submitted");
    JsonNode done = awaitEnd(run);
    assertThat(done.get("nodes").get("done").get("output").get("centre").stringValue()).isEqualTo("ops");
    assertThat(get("/api/audit?runId=" + run + "&action=node.submit").json().get("entries").size()).isEqualTo(2);
  }

  @Test
  void aFailedNodeAsksItsOperatorsWhoSkipWithASubstituteOrStop() {
    String wf = create("ask.json", "ask");
    Caller olga = as(key(uniqueId("olga"), "\"operator\"", ""));
    Caller viewer = as(key(uniqueId("vic"), "\"viewer\"", ""));
    String run = start(olga, wf, "{}");
    awaitWaiting(run, "call");
    JsonNode task = get("/api/runs/" + run).json().get("nodes").get("call").get("task");
    assertThat(task.get("kind").stringValue()).isEqualTo("ask");
    assertThat(task.get("actions").toString()).contains("retry", "skip", "stop");
    assertThat(decide(viewer, run, "call", "{\"decision\": \"skip\"}").status()).isEqualTo(403);
    Response bad = decide(olga, run, "call", "{\"decision\": \"retry\", \"config\": {\"url\": 5}}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("code").stringValue()).isEqualTo("decision.config_invalid");
    Response skip = decide(olga, run, "call", "{\"decision\": \"skip\", \"output\": {\"status\": 200, \"body\": \"stub\"}}");
    assertThat(skip.status()).as(skip.text()).isEqualTo(200);
    assertThat(skip.json().get("outcome").stringValue()).isEqualTo("skipped");
    JsonNode done = awaitEnd(run);
    assertThat(done.get("status").stringValue()).isEqualTo("COMPLETED");
    assertThat(done.get("nodes").get("after").get("output").get("got").get("body").stringValue()).isEqualTo("stub");

    String stopped = start(olga, wf, "{}");
    awaitWaiting(stopped, "call");
    assertThat(decide(olga, stopped, "call", "{\"decision\": \"stop\"}").json().get("outcome").stringValue()).isEqualTo("stopped");
    assertThat(awaitEnd(stopped).get("status").stringValue()).isEqualTo("FAILED");
  }

  @Test
  void pauseAndResumeOverRestAreAuditedWithThePrincipal() {
    String wf = create("pause.json", "pause");
    String ops = uniqueId("olga");
    Caller olga = as(key(ops, "\"operator\"", ""));
    Caller viewer = as(key(uniqueId("vic"), "\"viewer\"", ""));
    String run = start(olga, wf, "{}");
    assertThat(viewer.post("/api/runs/" + run + "/pause", null).status()).isEqualTo(403);
    Response paused = olga.post("/api/runs/" + run + "/pause", "{\"reason\": \"checking the books\"}");
    assertThat(paused.status()).as(paused.text()).isEqualTo(200);
    assertThat(paused.json().get("status").stringValue()).isEqualTo("PAUSED");
    Response twice = olga.post("/api/runs/" + run + "/pause", null);
    assertThat(twice.status()).isEqualTo(409);
    assertThat(twice.json().get("code").stringValue()).isEqualTo("run.already_paused");
    // The delay ends, but nothing new starts while paused.
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> get("/api/runs/" + run).json().get("nodes").get("wait").get("status").stringValue().equals("COMPLETED"));
    JsonNode held = get("/api/runs/" + run).json();
    assertThat(held.get("status").stringValue()).isEqualTo("PAUSED");
    assertThat(held.get("nodes").get("next").get("status").stringValue()).isEqualTo("PENDING");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        get("/api/runs?status=PAUSED&workflowId=" + wf).json().get("runs").findValuesAsString("runId").contains(run));

    assertThat(olga.post("/api/runs/" + run + "/resume", null).status()).isEqualTo(200);
    assertThat(awaitEnd(run).get("status").stringValue()).isEqualTo("COMPLETED");
    Response notPaused = olga.post("/api/runs/" + run + "/resume", null);
    assertThat(notPaused.status()).isEqualTo(409);
    assertThat(notPaused.json().get("code").stringValue()).isEqualTo("run.not_running");
    JsonNode audit = get("/api/audit?runId=" + run + "&action=run").json().get("entries");
    assertThat(audit.valueStream().filter(e -> e.get("action").stringValue().equals("run.pause")
        && e.get("details").get("status").asInt() == 200).findFirst().orElseThrow().get("principal").stringValue()).isEqualTo(ops);
    assertThat(audit.findValuesAsString("action")).contains("run.resume");
    assertThat(get("/api/runs/" + run + "/events").json().get("events").findValuesAsString("kind")).contains("run_paused", "run_resumed");
  }

  @Test
  void cancelWhileWaitingEndsTheRunAndClosesItsTask() {
    String wf = create("approval.json", "expense");
    String fayKey = key(uniqueId("fay"), "\"viewer\"", "\"finance\"");
    Caller fay = as(fayKey);
    String run = start(this.as(key(uniqueId("ops"), "\"operator\"", "")), wf, "{\"amount\": 1}");
    awaitWaiting(run, "approve");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> inbox(fay).contains(run));
    assertThat(post("/api/runs/" + run + "/cancel", null).status()).isEqualTo(202);
    JsonNode done = awaitEnd(run);
    assertThat(done.get("status").stringValue()).isEqualTo("CANCELED");
    assertThat(done.get("nodes").get("approve").get("status").stringValue()).isEqualTo("CANCELED");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !inbox(fay).contains(run));
    assertThat(decide(fay, run, "approve", "{\"decision\": \"approve\"}").status()).isEqualTo(409);
    // Every audited action records the request it came from and how long it had taken.
    JsonNode cancel = get("/api/audit?runId=" + run + "&action=run.cancel").json().get("entries").get(0);
    assertThat(cancel.get("principal").stringValue()).isEqualTo("admin");
    assertThat(cancel.at("/details/request/method").stringValue()).isEqualTo("POST");
    assertThat(cancel.at("/details/request/path").stringValue()).isEqualTo("/api/runs/" + run + "/cancel");
    assertThat(cancel.at("/details/durationMs").isIntegralNumber()).isTrue();
    JsonNode keyCreate = get("/api/audit?action=key.create&limit=1").json().get("entries").get(0);
    assertThat(keyCreate.at("/details/request/path").stringValue()).isEqualTo("/api/keys");
    assertThat(get("/api/audit?action=key&limit=500").text()).doesNotContain(fayKey);
  }
}
