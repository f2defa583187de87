package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Runs survive what production does to them: the packaged Weft killed with -9 in the middle of an
 * activity or while a run waits for a human, and the Temporal server restarted mid-run. Nothing is lost,
 * completed activity nodes are never done twice, local nodes of the interrupted workflow task run again, and a
 * call repeated after a crash carries the same idempotency key.
 */
class DurabilityE2E extends E2ESupport {

  @Test
  void happyPathRunsAWorkflowAndKeepsItsEvents() {
    String id = create("""
        {"id": "%s", "name": "E2E happy",
         "nodes": [
           {"id": "fetch", "type": "http", "config": {"method": "GET", "url": "%s"}},
           {"id": "answer", "type": "respond", "config": {"body": {"greeting": "Hello, {{ input.name }}", "call": "{{ nodes.fetch.output.body.call }}"}}}
         ],
         "edges": [{"from": "fetch", "to": "answer"}]}""".formatted(uniqueId("happy"), stub.url("/happy")));

    JsonNode ended = rest.post("/api/workflows/" + id + "/runs?wait=PT60S", "{\"input\": {\"name\": \"Ada\"}}").expect(200).json();
    assertThat(ended.get("status").stringValue()).isEqualTo("COMPLETED");
    String runId = ended.get("runId").stringValue();
    assertThat(ended.get("output").toString()).contains("Hello, Ada");

    JsonNode state = state(runId);
    assertThat(state.at("/nodes/fetch/status").stringValue()).isEqualTo("COMPLETED");
    assertThat(state.at("/nodes/fetch/output/status").asInt()).isEqualTo(200);
    assertThat(state.at("/nodes/answer/status").stringValue()).isEqualTo("COMPLETED");
    assertThat(stub.calls("/happy")).isEqualTo(1);

    List<String> kinds = kinds(runId);
    assertThat(kinds.getFirst()).isEqualTo("run_started");
    assertThat(kinds.getLast()).isEqualTo("run_completed");
    assertThat(kinds).contains("node_started", "node_attempt_completed", "node_completed");
    assertThat(rest.get("/api/runs?workflowId=" + id).expect(200).json().get("runs").findValuesAsString("runId")).containsExactly(runId);
  }

  @Test
  void aWorkerKilledDuringAnActivityLosesNothingRepeatsNoCompletedNodeAndRetriesWithTheSameIdempotencyKey() {
    stub.hold("/crash-b");
    String id = create("""
        {"id": "%s", "name": "E2E worker crash",
         "nodes": [
           {"id": "a", "type": "http", "config": {"method": "GET", "url": "%s"}},
           {"id": "b", "type": "http", "config": {"method": "POST", "url": "%s", "body": {"order": 42}}, "timeout": "5s",
            "retry": {"maxAttempts": 5, "initialInterval": "1s", "backoffCoefficient": 1.0}},
           {"id": "done", "type": "set", "config": {"values": {"a": "{{ nodes.a.output.body.call }}", "b": "{{ nodes.b.output.body.call }}"}}}
         ],
         "edges": [{"from": "a", "to": "b"}, {"from": "b", "to": "done"}]}""".formatted(uniqueId("crash"), stub.url("/crash-a"),
        stub.url("/crash-b")));
    String runId = start(id);

    await("b's call reaches the stub").atMost(Duration.ofSeconds(60)).until(() -> stub.calls("/crash-b") >= 1);
    long killed = weft.pid();
    weft.kill();
    weft.start(rest);
    assertThat(weft.pid()).isNotEqualTo(killed);
    stub.release("/crash-b");

    JsonNode ended = awaitEnd(runId, Duration.ofSeconds(120));
    assertThat(ended.get("status").stringValue()).as(ended.toString()).isEqualTo("COMPLETED");
    assertThat(stub.calls("/crash-a")).as("the completed upstream node ran once").isEqualTo(1);
    assertThat(stub.calls("/crash-b")).as("the lost attempt was retried").isGreaterThanOrEqualTo(2);
    // The call in flight when Weft died and its retry by the new process are one call to the upstream.
    assertThat(stub.headers("/crash-b", "Idempotency-Key")).as("every attempt of b carries b's key")
        .hasSizeGreaterThanOrEqualTo(2).containsOnly(runId + "/b");
    assertThat(stub.headers("/crash-a", "Idempotency-Key")).containsExactly(runId + "/a");
    assertThat(ended.at("/nodes/a/attempts").asInt()).isEqualTo(1);
    assertThat(ended.at("/nodes/b/attempts").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(ended.at("/nodes/done/status").stringValue()).isEqualTo("COMPLETED");
    JsonNode events = rest.get("/api/runs/" + runId + "/events?limit=500").expect(200).json().get("events");
    assertThat(StreamSupport.stream(events.spliterator(), false)
        .filter(e -> "a".equals(e.path("nodeId").stringValue(null)) && "node_completed".equals(e.get("kind").stringValue())))
        .hasSize(1);
  }

  /**
   * Local nodes (two {@code GET}s, local under {@code execution: auto}) run in one workflow task; a kill
   * while the second runs loses both results, so after the workflow task timeout both run again, from
   * attempt 1, with their idempotency keys: the crash semantics docs/engine.md states for local nodes.
   */
  @Test
  void aWorkerKilledDuringALocalNodeRunsTheNodesOfThatWorkflowTaskAgainWithTheSameKeys() {
    stub.hold("/local-b");
    String id = create("""
        {"id": "%s", "name": "E2E local crash",
         "nodes": [
           {"id": "a", "type": "http", "config": {"method": "GET", "url": "%s"}},
           {"id": "b", "type": "http", "config": {"method": "GET", "url": "%s"}, "timeout": "20s"},
           {"id": "done", "type": "set", "config": {"values": {"a": "{{ nodes.a.output.body.call }}", "b": "{{ nodes.b.output.body.call }}"}}}
         ],
         "edges": [{"from": "a", "to": "b"}, {"from": "b", "to": "done"}]}""".formatted(uniqueId("local-crash"), stub.url("/local-a"),
        stub.url("/local-b")));
    String runId = start(id);

    await("b's call reaches the stub").atMost(Duration.ofSeconds(60)).until(() -> stub.calls("/local-b") >= 1);
    assertThat(stub.calls("/local-a")).isEqualTo(1);
    weft.kill();
    weft.start(rest);
    stub.release("/local-b");

    JsonNode ended = awaitEnd(runId, Duration.ofSeconds(120));
    assertThat(ended.get("status").stringValue()).as(ended.toString()).isEqualTo("COMPLETED");
    assertThat(ended.at("/nodes/a/execution").stringValue()).isEqualTo("local");
    assertThat(ended.at("/nodes/b/execution").stringValue()).isEqualTo("local");
    assertThat(stub.calls("/local-a")).as("a completed, but in the workflow task the crash lost: it ran again").isEqualTo(2);
    assertThat(stub.calls("/local-b")).as("the interrupted call ran again").isEqualTo(2);
    assertThat(stub.headers("/local-a", "Idempotency-Key")).containsOnly(runId + "/a");
    assertThat(stub.headers("/local-b", "Idempotency-Key")).containsOnly(runId + "/b");
    assertThat(ended.at("/nodes/b/attempts").asInt()).as("the lost attempt left no record: the run counts from 1 again").isEqualTo(1);
    JsonNode events = rest.get("/api/runs/" + runId + "/events?limit=500").expect(200).json().get("events");
    assertThat(StreamSupport.stream(events.spliterator(), false)
        .filter(e -> "node_completed".equals(e.get("kind").stringValue()))
        .map(e -> e.path("nodeId").stringValue(null))).as("each node completed once in the log").containsExactlyInAnyOrder("a", "b", "done");
  }

  @Test
  void aModelsAnswerIsRecordedOnceAndSurvivesAWorkerCrash() {
    stub.hold("/llm-crash-b");
    String id = create("""
        {"id": "%s", "name": "E2E LLM crash",
         "nodes": [
           {"id": "ask", "type": "llm.chat", "config": {"system": "Be brief.", "prompt": "Summarize order {{ input.order }}"}},
           {"id": "b", "type": "http", "config": {"method": "GET", "url": "%s"}, "timeout": "5s",
            "retry": {"maxAttempts": 5, "initialInterval": "1s", "backoffCoefficient": 1.0}},
           {"id": "done", "type": "set", "config": {"values": {"summary": "{{ nodes.ask.output.text }}"}}}
         ],
         "edges": [{"from": "ask", "to": "b"}, {"from": "b", "to": "done"}]}""".formatted(uniqueId("llm-crash"),
        stub.url("/llm-crash-b")));
    String runId = rest.post("/api/workflows/" + id + "/runs", "{\"input\": {\"order\": 42}}").expect(202).json()
        .get("runId").stringValue();

    await("b's call reaches the stub").atMost(Duration.ofSeconds(60)).until(() -> stub.calls("/llm-crash-b") >= 1);
    weft.kill();
    weft.start(rest);
    stub.release("/llm-crash-b");

    JsonNode ended = awaitEnd(runId, Duration.ofSeconds(120));
    assertThat(ended.get("status").stringValue()).as(ended.toString()).isEqualTo("COMPLETED");
    assertThat(stub.calls("/v1/chat/completions")).as("the model was paid once, crash or not").isEqualTo(1);
    assertThat(ended.at("/nodes/done/output/summary").stringValue()).isEqualTo("Answer 1");
    assertThat(ended.at("/nodes/ask/output/llm/tokensIn").asInt()).isEqualTo(40);
    String events = rest.get("/api/runs/" + runId + "/events?limit=500").expect(200).text();
    assertThat(events).contains("e2e-model").doesNotContain(WeftProcess.LLM_KEY);
    assertThat(weft.logs()).doesNotContain(WeftProcess.LLM_KEY);
  }

  @Test
  void aRunSurvivesARestartOfTheTemporalServer() {
    String id = create("""
        {"id": "%s", "name": "E2E temporal restart",
         "nodes": [
           {"id": "pause", "type": "delay", "config": {"duration": "8s"}},
           {"id": "done", "type": "set", "config": {"values": {"ok": true}}}
         ],
         "edges": [{"from": "pause", "to": "done"}]}""".formatted(uniqueId("restart")));
    String runId = start(id);
    await("the run is in its delay").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
        .until(() -> kinds(runId).contains("node_waiting"));

    temporal.stop();
    temporal.start();

    JsonNode ended = awaitEnd(runId, Duration.ofSeconds(120));
    assertThat(ended.get("status").stringValue()).as(ended.toString()).isEqualTo("COMPLETED");
    assertThat(ended.at("/nodes/done/output/ok").asBoolean()).isTrue();
  }

  @Test
  void aRunWaitingForAHumanSurvivesAWorkerCrash() {
    String id = create("""
        {"id": "%s", "name": "E2E approval crash",
         "nodes": [
           {"id": "approve", "type": "approval", "config": {"title": "Approve?", "approvers": ["role:admin"],
            "allowSelfApproval": true, "timeout": "1h", "onTimeout": "reject"}},
           {"id": "x", "type": "set", "config": {"values": {"approved": true}}}
         ],
         "edges": [{"from": "approve", "to": "x", "port": "approved"}]}""".formatted(uniqueId("approval")));
    String runId = start(id);
    await("the run parks on the approval").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
        .until(() -> {
          JsonNode s = state(runId);
          return "WAITING".equals(s.get("status").stringValue()) && s.get("waiting").toString().contains("approve");
        });

    weft.kill();
    weft.start(rest);

    rest.post("/api/runs/" + runId + "/nodes/approve/decision", "{\"decision\": \"approve\", \"comment\": \"ok\"}").expect(200);
    JsonNode ended = awaitEnd(runId, Duration.ofSeconds(60));
    assertThat(ended.get("status").stringValue()).as(ended.toString()).isEqualTo("COMPLETED");
    assertThat(ended.at("/nodes/x/status").stringValue()).isEqualTo("COMPLETED");
  }

  private List<String> kinds(String runId) {
    JsonNode events = rest.get("/api/runs/" + runId + "/events?limit=500").expect(200).json().get("events");
    return StreamSupport.stream(events.spliterator(), false).map(e -> e.get("kind").stringValue()).toList();
  }
}
