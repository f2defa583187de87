package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import dev.weft.definition.Json;
import dev.weft.engine.EventKind;
import dev.weft.engine.RunEvent;
import dev.weft.engine.RunState;
import dev.weft.engine.RunStatus;
import dev.weft.engine.RunWorkflow;
import dev.weft.service.RunService;
import dev.weft.store.EventStore;
import dev.weft.store.RunRecord;
import dev.weft.store.RunStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import io.temporal.client.WorkflowClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Runs over REST: start, wait, state, events, idempotency, versions, webhooks and cancel. */
class RunApiTest extends ServiceTestSupport {
  @Autowired WorkflowClient client;
  @Autowired RunStore index;
  @Autowired RunService runs;
  @Autowired EventStore events;

  private JsonNode queried(String runId) {
    return Json.MAPPER.valueToTree(client.newWorkflowStub(RunWorkflow.class, runId).state());
  }

  @Test
  void runWaitStateAndEvents() {
    String id = create("examples/hello.json", "hello");
    Response r = post("/api/workflows/" + id + "/runs?wait=PT30S", "{\"input\": {\"name\": \"Ada\"}}");
    assertThat(r.status()).isEqualTo(200);
    JsonNode state = r.json();
    String runId = state.get("runId").stringValue();
    assertThat(runId).startsWith(id + "-");
    assertThat(state.get("status").stringValue()).isEqualTo("COMPLETED");
    assertThat(state.at("/output/greeting").stringValue()).isEqualTo("Hello, Ada.");
    assertThat(state.at("/nodes/say/status").stringValue()).isEqualTo("COMPLETED");
    assertThat(state.at("/nodes/shout/status").stringValue()).isEqualTo("SKIPPED");
    assertThat(r.header("Location")).isEqualTo("/api/runs/" + runId);

    // Closed: read from the store, exactly what the state query answers, followed by how the run started.
    assertThat(get("/api/runs/" + runId).json()).isEqualTo(state);
    ObjectNode queried = (ObjectNode) queried(runId);
    assertThat(queried.has("trigger")).isFalse();
    queried.put("trigger", "api");
    assertThat(get("/api/runs/" + runId).text()).isEqualTo(Json.MAPPER.writeValueAsString(queried));
    assertThat(state.has("parentRunId")).as("started by no run").isFalse();

    List<String> kinds = get("/api/runs/" + runId + "/events").json().get("events").valueStream()
        .map(e -> e.get("kind").stringValue() + (e.has("nodeId") ? ":" + e.get("nodeId").stringValue() : "")).toList();
    assertThat(kinds).containsExactly("run_started", "node_started:loud", "node_completed:loud", 
        "node_started:say", "node_completed:say", "node_skipped:shout", "node_started:answer", "node_completed:answer", "run_completed");

    JsonNode listed = get("/api/runs?workflowId=" + id).json().get("runs");
    assertThat(listed.size()).isEqualTo(1);
    assertThat(listed.get(0).get("status").stringValue()).isEqualTo("COMPLETED");
    assertThat(get("/api/runs?workflowId=" + id + "&status=FAILED").json().get("runs").size()).isZero();
  }

  @Test
  void withoutWaitTheAnswerIs202AndTheStateIsQueriedWhileOpen() {
    String id = create("versioned.json", "open");
    Response r = post("/api/workflows/" + id + "/runs", "{\"input\": {\"pause\": \"3s\", \"name\": \"x\"}}");
    assertThat(r.status()).isEqualTo(202);
    String runId = r.json().get("runId").stringValue();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(get("/api/runs/" + runId).json().at("/nodes/pause/status").stringValue()).isEqualTo("RUNNING"));
    JsonNode open = get("/api/runs/" + runId).json();
    assertThat(open.get("status").stringValue()).isEqualTo("RUNNING");
    assertThat(open.get("version").asInt()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(get("/api/runs/" + runId).json().get("status").stringValue()).isEqualTo("COMPLETED"));
  }

  @Test
  void aRunStartedOnV1FinishesOnV1() {
    String id = create("versioned.json", "pin");
    String runId = post("/api/workflows/" + id + "/runs", "{\"input\": {\"pause\": \"3s\", \"name\": \"first\"}}")
        .json().get("runId").stringValue();
    String v2 = definition("versioned.json", id).replace("\"from\":\"one\"", "\"from\":\"two\"");
    assertThat(put("/api/workflows/" + id, v2).json().get("version").asInt()).isEqualTo(2);

    JsonNode second = post("/api/workflows/" + id + "/runs?wait=PT30S", "{\"input\": {\"pause\": \"1ms\", \"name\": \"second\"}}").json();
    assertThat(second.get("version").asInt()).isEqualTo(2);
    assertThat(second.at("/output/from").stringValue()).isEqualTo("two");

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(get("/api/runs/" + runId).json().get("status").stringValue()).isEqualTo("COMPLETED"));
    JsonNode first = get("/api/runs/" + runId).json();
    assertThat(first.get("version").asInt()).isEqualTo(1);
    assertThat(first.at("/output/from").stringValue()).isEqualTo("one");

    JsonNode pinned = post("/api/workflows/" + id + "/runs?wait=PT30S", "{\"version\": 1, \"input\": {\"pause\": \"1ms\", \"name\": \"p\"}}").json();
    assertThat(pinned.at("/output/from").stringValue()).isEqualTo("one");
    assertThat(post("/api/workflows/" + id + "/runs", "{\"version\": 9}").status()).isEqualTo(404);
  }

  @Test
  void theSameIdempotencyKeyReturnsTheSameRun() {
    String id = create("examples/hello.json", "idem");
    String body = "{\"input\": {\"name\": \"Bo\"}}";
    Response first = post("/api/workflows/" + id + "/runs?wait=PT30S", body, "Idempotency-Key", "order-42");
    Response again = post("/api/workflows/" + id + "/runs", body, "Idempotency-Key", "order-42");
    assertThat(first.status()).isEqualTo(200);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.json().get("runId")).isEqualTo(first.json().get("runId"));
    assertThat(get("/api/runs?workflowId=" + id).json().get("runs").size()).isEqualTo(1);

    Response otherBody = post("/api/workflows/" + id + "/runs", "{\"input\": {\"name\": \"Cy\"}}", "Idempotency-Key", "order-42");
    assertThat(otherBody.status()).isEqualTo(422);
    assertThat(otherBody.json().get("code").stringValue()).isEqualTo("idempotency.key_reused");

    Response badKey = post("/api/workflows/" + id + "/runs", body, "Idempotency-Key", "has space");
    assertThat(badKey.status()).isEqualTo(400);
    assertThat(badKey.json().at("/errors/0/path").stringValue()).isEqualTo("header.Idempotency-Key");
  }

  @Test
  void concurrentStartsWithOneKeyMakeOneRun() throws Exception {
    String id = create("versioned.json", "race");
    String body = "{\"input\": {\"pause\": \"1s\", \"name\": \"r\"}}";
    List<java.util.concurrent.Future<Response>> calls;
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      calls = java.util.stream.IntStream.range(0, 6)
          .mapToObj(i -> pool.submit(() -> post("/api/workflows/" + id + "/runs", body, "Idempotency-Key", "same")))
          .toList();
    }
    java.util.Set<String> runIds = new java.util.HashSet<>();
    int firsts = 0;
    for (var c : calls) {
      Response r = c.get();
      assertThat(r.status()).isIn(200, 202);
      runIds.add(r.json().get("runId").stringValue());
      if (r.header("Idempotent-Replayed") == null) firsts++;
    }
    assertThat(runIds).hasSize(1);
    assertThat(firsts).as("exactly one call started the run").isEqualTo(1);
    assertThat(get("/api/runs?workflowId=" + id).json().get("runs").size()).isEqualTo(1);
  }

  @Test
  void badRunRequestsAre400WithPaths() {
    String id = create("examples/hello.json", "bad");
    assertThat(post("/api/workflows/" + id + "/runs", "{\"inpt\": {}}").json().at("/errors/0/path").stringValue()).isEqualTo("/inpt");
    assertThat(post("/api/workflows/" + id + "/runs", "{\"version\": \"x\"}").json().at("/errors/0/path").stringValue()).isEqualTo("/version");
    assertThat(post("/api/workflows/" + id + "/runs", "[1]").status()).isEqualTo(400);
    assertThat(post("/api/workflows/" + id + "/runs", "{oops").json().at("/errors/0/code").stringValue()).isEqualTo("json.syntax");
    Response wait = post("/api/workflows/" + id + "/runs?wait=forever", "{}");
    assertThat(wait.status()).isEqualTo(400);
    assertThat(wait.json().at("/errors/0/path").stringValue()).isEqualTo("query.wait");
    assertThat(post("/api/workflows/" + id + "/runs?wait=PT10M", "{}").status()).isEqualTo(400);
    assertThat(get("/api/runs?status=SLEEPING").status()).isEqualTo(400);
    assertThat(get("/api/runs?limit=0").status()).isEqualTo(400);
    assertThat(get("/api/runs?cursor=not-a-cursor").status()).isEqualTo(400);
    String big = "\"" + "x".repeat(300_000) + "\"";
    Response tooBig = post("/api/workflows/" + id + "/runs", "{\"input\": " + big + "}");
    assertThat(tooBig.status()).isEqualTo(400);
    assertThat(tooBig.json().at("/errors/0/code").stringValue()).isEqualTo("limit.input");
    assertThat(tooBig.json().at("/errors/0/path").stringValue()).isEqualTo("/input");
  }

  @Test
  void webhookAnswersWithTheRespondOutput() {
    String id = uniqueId("hook");
    String path = "signup/" + id;
    assertThat(post("/api/workflows", definition("webhook-echo.json", id).replace("PATH", path)).status()).isEqualTo(201);

    Response r = post("/hooks/" + path + "?source=ads", "{\"email\": \"a@example.com\"}",
        "Authorization", "Bearer secret-token", "X-Trace", "t-1");
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json().get("email").stringValue()).isEqualTo("a@example.com");
    assertThat(r.json().get("source").stringValue()).isEqualTo("ads");

    String runId = r.header("Weft-Run-Id");
    JsonNode input = get("/api/runs/" + runId).json().get("input");
    assertThat(input.at("/headers/x-trace").stringValue()).isEqualTo("t-1");
    assertThat(input.get("headers").has("authorization")).as("credentials never reach history").isFalse();
    assertThat(get("/api/runs?workflowId=" + id).json().at("/runs/0/trigger").stringValue()).isEqualTo("webhook");

    Response form = send(HttpRequest.newBuilder(uri("/hooks/" + path + "?source=form")).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("email=b%40example.com")));
    assertThat(form.status()).as(form.text()).isEqualTo(201);
    assertThat(form.json().get("email").stringValue()).isEqualTo("b@example.com");

    assertThat(post("/hooks/nobody-listens", "{}").status()).isEqualTo(404);
    // A bare ping without a body or content type starts a run too (its body is null).
    assertThat(send(HttpRequest.newBuilder(uri("/hooks/" + path + "?source=ping")).POST(HttpRequest.BodyPublishers.noBody()))
        .status()).isIn(201, 502);
    Response xml = send(HttpRequest.newBuilder(uri("/hooks/" + path)).header("Content-Type", "application/xml")
        .POST(HttpRequest.BodyPublishers.ofString("<a/>")));
    assertThat(xml.status()).isEqualTo(415);
    assertThat(get("/hooks/" + path).status()).isEqualTo(405);

    delete("/api/workflows/" + id);
    assertThat(post("/hooks/" + path, "{}").json().get("code").stringValue()).isEqualTo("webhook.not_found");
  }

  @Test
  void aWebhookPathBelongsToOneWorkflow() {
    String path = "shared/" + uniqueId("p");
    assertThat(post("/api/workflows", definition("webhook-echo.json", uniqueId("a")).replace("PATH", path)).status()).isEqualTo(201);
    Response second = post("/api/workflows", definition("webhook-echo.json", uniqueId("b")).replace("PATH", path));
    assertThat(second.status()).isEqualTo(409);
    assertThat(second.json().at("/errors/0/code").stringValue()).isEqualTo("trigger.path_taken");
    assertThat(second.json().at("/errors/0/path").stringValue()).isEqualTo("/trigger/path");
  }

  @Test
  void cancelStopsAWaitingRun() {
    String id = create("long-wait.json", "cancel");
    String runId = post("/api/workflows/" + id + "/runs", "{}").json().get("runId").stringValue();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(get("/api/runs/" + runId).json().at("/nodes/sleep/status").stringValue()).isEqualTo("RUNNING"));
    Response c = post("/api/runs/" + runId + "/cancel", null);
    assertThat(c.status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(get("/api/runs/" + runId).json().get("status").stringValue()).isEqualTo("CANCELED"));
    assertThat(get("/api/runs/" + runId).json().at("/nodes/sleep/status").stringValue()).isEqualTo("CANCELED");
    List<String> kinds = get("/api/runs/" + runId + "/events").json().get("events").findValuesAsString("kind");
    assertThat(kinds).endsWith("node_canceled", "run_canceled");

    Response again = post("/api/runs/" + runId + "/cancel", null);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().get("code").stringValue()).isEqualTo("run.not_running");
    Response pause = post("/api/runs/" + runId + "/pause", null);
    assertThat(pause.status()).isEqualTo(409);
    assertThat(pause.json().get("code").stringValue()).isEqualTo("run.not_running");
  }

  @Test
  void aRunTerminatedInTemporalEndsInWeftToo() {
    String id = create("long-wait.json", "term");
    String runId = post("/api/workflows/" + id + "/runs", "{}").json().get("runId").stringValue();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(get("/api/runs/" + runId).json().at("/nodes/sleep/status").stringValue()).isEqualTo("RUNNING"));
    client.newUntypedWorkflowStub(runId).terminate("stopped by an operator in the Temporal UI");

    JsonNode state = get("/api/runs/" + runId).json();
    assertThat(state.get("status").stringValue()).isEqualTo("TERMINATED");
    assertThat(state.at("/error/code").stringValue()).isEqualTo("run.terminated");
    assertThat(state.get("endedAt").isString()).isTrue();
    assertThat(get("/api/runs?workflowId=" + id).json().at("/runs/0/status").stringValue()).isEqualTo("TERMINATED");
    assertThat(get("/api/runs/" + runId + "/events").json().get("events").findValuesAsString("kind")).endsWith("run_terminated");
    assertThat(post("/api/runs/" + runId + "/cancel", null).status()).isEqualTo(409);
  }

  @Test
  void childAndErrorRunsKnowTheirParentAndAreListedByIt() {
    String id = create("examples/hello.json", "kin");
    String parent = id + "-" + UUID.randomUUID().toString().replace("-", "");
    // Not <parent>/<node>: a run id with a slash cannot be named in GET /api/runs/{runId} (Tomcat refuses %2F).
    String child = parent + "-call";
    String errorRun = id + "-" + UUID.randomUUID().toString().replace("-", "");
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    // What the interpreter writes for a child run and an error workflow's run: run_started names the parent.
    events.record(List.of(started(child, id, "subworkflow", parent, at), started(errorRun, id, "error", parent, at.plusMillis(1))));
    RunState end = new RunState(child, id, 1, RunStatus.COMPLETED, at, at.plusSeconds(1), Json.object(), Json.object(), null,
        Map.of(), List.of(), "ada");
    events.record(List.of(new RunEvent(child, RunEvent.RUN, null, 0, EventKind.RUN_COMPLETED, at.plusSeconds(1), null, null,
        null, null, Json.MAPPER.valueToTree(end))));

    JsonNode listed = get("/api/runs?parentRunId=" + parent).json().get("runs");
    assertThat(listed.findValuesAsString("runId")).containsExactly(errorRun, child);
    assertThat(listed.findValuesAsString("parentRunId")).containsExactly(parent, parent);
    assertThat(listed.findValuesAsString("trigger")).containsExactly("error", "subworkflow");
    assertThat(get("/api/runs?parentRunId=" + parent + "&status=COMPLETED").json().get("runs").findValuesAsString("runId"))
        .containsExactly(child);
    assertThat(get("/api/runs?parentRunId=" + parent + "&limit=1").json().get("nextCursor")).isNotNull();
    assertThat(get("/api/runs?parentRunId=" + child).json().get("runs").size()).isZero();
    JsonNode all = get("/api/runs?workflowId=" + id).json().get("runs");
    assertThat(all.findValuesAsString("runId")).containsExactly(errorRun, child);

    JsonNode view = get("/api/runs/" + child).json();
    assertThat(view.get("status").stringValue()).isEqualTo("COMPLETED");
    assertThat(view.get("parentRunId").stringValue()).isEqualTo(parent);
    assertThat(view.get("trigger").stringValue()).isEqualTo("subworkflow");
    assertThat(index.find(errorRun).orElseThrow().parentRunId()).isEqualTo(parent);

    // A run started through the API has no parent, and says so by leaving it out.
    Response started = post("/api/workflows/" + id + "/runs?wait=PT30S", "{\"input\": {\"name\": \"x\"}}");
    String own = started.json().get("runId").stringValue();
    assertThat(started.json().get("trigger").stringValue()).isEqualTo("api");
    assertThat(started.json().has("parentRunId")).isFalse();
    JsonNode ownSummary = get("/api/runs?workflowId=" + id).json().get("runs").get(0);
    assertThat(ownSummary.get("runId").stringValue()).isEqualTo(own);
    assertThat(ownSummary.has("parentRunId")).isFalse();
  }

  private static RunEvent started(String runId, String workflowId, String trigger, String parent, Instant at) {
    ObjectNode data = Json.object();
    data.put("workflowId", workflowId);
    data.put("version", 1);
    data.put("trigger", trigger);
    data.put("startedBy", "ada");
    data.put("parentRunId", parent);
    return new RunEvent(runId, RunEvent.RUN, null, 0, EventKind.RUN_STARTED, at, null, Json.object(), null, null, data);
  }

  @Test
  void runsTheServerNoLongerKnowsAreMarkedLost() {
    String id = create("examples/hello.json", "lost");
    String runId = id + "-0123456789abcdef0123456789abcdef";
    // What an earlier process left: the index says RUNNING, but the in-memory Temporal server forgot the run.
    index.started(new RunRecord(runId, "gone", id, 1, RunStatus.RUNNING, "api", null, null, Instant.now(), null, null));
    assertThat(runs.reconcileOpen()).isGreaterThanOrEqualTo(1);
    JsonNode state = get("/api/runs/" + runId).json();
    assertThat(state.get("status").stringValue()).isEqualTo("TERMINATED");
    assertThat(state.at("/error/code").stringValue()).isEqualTo("run.lost");
  }
}
