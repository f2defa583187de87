package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Loops and sub-workflows where users meet them, over REST on the embedded stack: an approval inside a
 * loop is in the inbox once per iteration and decided per iteration; a child run is listed with its
 * parent and readable by its id; a body that reads a node after its loop is refused at save time.
 */
class CompositeApiTest extends ServiceTestSupport {

  private JsonNode awaitEnd(String runId) {
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> get("/api/runs/" + runId).json().has("endedAt"));
    return get("/api/runs/" + runId).json();
  }

  private String save(String json) {
    Response r = post("/api/workflows", json);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json().path("id").asString();
  }

  @Test
  void anApprovalInsideALoopIsInTheInboxPerIterationAndDecidedPerIteration() {
    String wf = uniqueId("each-approval");
    save("""
        {"id": "%s", "name": "approve each", "nodes": [
          {"id": "each", "type": "loop", "config": {"mode": "forEach", "items": "input.expenses", "concurrency": 2, "body": {
            "nodes": [
              {"id": "ok", "type": "approval", "config": {"title": "Expense {{ item.id }}", "approvers": ["role:admin"]}},
              {"id": "paid", "type": "set", "config": {"values": {"id": "{{ item.id }}"}}}
            ],
            "edges": [{"from": "ok", "port": "approved", "to": "paid"}]}}}
        ]}
        """.formatted(wf));
    // Started by someone else than the approver: self-approval is refused by default.
    Caller starter = as(createKey(uniqueId("starter"), "operator"));
    Response started = starter.post("/api/workflows/" + wf + "/runs", "{\"input\": {\"expenses\": [{\"id\": \"e1\"}, {\"id\": \"e2\"}]}}");
    assertThat(started.status()).as(started.text()).isEqualTo(202);
    String run = started.json().path("runId").asString();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
        JsonNode tasks = get("/api/approvals").json().path("tasks");
        return tasks.valueStream().filter(t -> t.path("runId").asString().equals(run)).count() == 2;
      });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("inbox: " + get("/api/approvals").text() + "\nrun: " + get("/api/runs/" + run).text(), e);
    }
    List<String> nodes = get("/api/approvals").json().path("tasks").valueStream()
        .filter(t -> t.path("runId").asString().equals(run)).map(t -> t.path("nodeId").asString()).sorted().toList();
    assertThat(nodes).containsExactly("ok[0]", "ok[1]");
    JsonNode state = get("/api/runs/" + run).json();
    assertThat(state.path("status").asString()).isEqualTo("WAITING");
    assertThat(state.path("nodes").path("ok[1]").path("task").path("title").asString()).isEqualTo("Expense e2");

    // Brackets travel percent-encoded in the path.
    Response second = post("/api/runs/" + run + "/nodes/ok%5B1%5D/decision", "{\"decision\": \"approve\"}");
    assertThat(second.status()).as(second.text()).isEqualTo(200);
    Response first = post("/api/runs/" + run + "/nodes/ok%5B0%5D/decision", "{\"decision\": \"reject\"}");
    assertThat(first.status()).as(first.text()).isEqualTo(200);
    JsonNode end = awaitEnd(run);
    assertThat(end.path("status").asString()).as(end.toString()).isEqualTo("COMPLETED");
    JsonNode each = end.path("nodes").path("each").path("output");
    assertThat(each.get(1).path("id").asString()).isEqualTo("e2");
    // A rejected iteration ends without its terminal node's output.
    assertThat(each.get(0).isEmpty() || each.get(0).isNull()).as(each.toString()).isTrue();
    JsonNode events = get("/api/runs/" + run + "/events").json();
    assertThat(events.toString()).contains("\"nodeId\":\"ok[0]\"").contains("\"nodeId\":\"paid[1]\"");
    Response again = post("/api/runs/" + run + "/nodes/ok%5B0%5D/decision", "{\"decision\": \"approve\"}");
    assertThat(again.status()).isEqualTo(409);
  }

  @Test
  void aChildRunIsListedWithItsParentAndReadableByItsId() {
    String child = uniqueId("child");
    save("""
        {"id": "%s", "name": "child", "nodes": [
          {"id": "double", "type": "set", "config": {"values": {"v": "{{ input.n * 2 }}"}}}
        ]}
        """.formatted(child));
    String parent = uniqueId("parent");
    save("""
        {"id": "%s", "name": "parent", "nodes": [
          {"id": "call", "type": "subworkflow", "config": {"workflowId": "%s", "input": {"n": "{{ input.n }}"}}}
        ]}
        """.formatted(parent, child));
    Response started = post("/api/workflows/" + parent + "/runs", "{\"input\": {\"n\": 21}}");
    assertThat(started.status()).as(started.text()).isEqualTo(202);
    String run = started.json().path("runId").asString();
    JsonNode end = awaitEnd(run);
    assertThat(end.path("status").asString()).as(end.toString()).isEqualTo("COMPLETED");
    assertThat(end.path("nodes").path("call").path("output").path("double").path("v").asInt()).isEqualTo(42);

    String childRun = run + ".call";
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
        get("/api/runs?parentRunId=" + run).json().path("runs").size() == 1);
    JsonNode listed = get("/api/runs?parentRunId=" + run).json().path("runs").get(0);
    assertThat(listed.path("runId").asString()).isEqualTo(childRun);
    assertThat(listed.path("parentRunId").asString()).isEqualTo(run);
    assertThat(listed.path("workflowId").asString()).isEqualTo(child);
    JsonNode childView = get("/api/runs/" + childRun).json();
    assertThat(childView.path("status").asString()).as(childView.toString()).isEqualTo("COMPLETED");
    assertThat(childView.path("trigger").asString()).isEqualTo("subworkflow");
  }

  @Test
  void aBodyReadingANodeAfterItsLoopIsRefusedWithItsPath() {
    Response r = post("/api/workflows", """
        {"name": "bad scope", "nodes": [
          {"id": "each", "type": "loop", "config": {"mode": "forEach", "items": "[1, 2]", "body": {
            "nodes": [{"id": "x", "type": "set", "config": {"values": {"v": "{{ nodes.after.output }}"}}}]}}},
          {"id": "after", "type": "set", "config": {"values": {"done": true}}}
        ], "edges": [{"from": "each", "to": "after"}]}
        """);
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.contentType()).contains("application/problem+json");
    assertThat(r.text()).contains("loop.reads_later_node").contains("/nodes/0/config/body/nodes/0/config/values/v");
  }
}
