package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A loop on a real Temporal server with the packaged Weft: a forEach that calls an API and a child
 * workflow per item, continues-as-new several times (a small history budget), and survives a kill -9 of
 * Weft in the middle: every item is called under its own idempotency key, no item is lost, the output
 * keeps item order, and the children are listed under their parent.
 */
class LoopE2E extends E2ESupport {
  private static final int ITEMS = 30;

  @Override
  protected Map<String, String> weftEnv() {
    return Map.of("WEFT_ENGINE_HISTORY_BUDGET", "150");
  }

  @Test
  void aLoopWithChildRunsContinuesAsNewAndSurvivesAWorkerCrash() {
    String child = create("""
        {"id": "%s", "name": "E2E loop child", "nodes": [
          {"id": "label", "type": "set", "config": {"values": {"label": "{{ 'item-' + string(input.n) }}"}}}]}
        """.formatted(uniqueId("loop-child")));
    String parent = create("""
        {"id": "%s", "name": "E2E loop parent", "nodes": [
          {"id": "each", "type": "loop", "config": {"mode": "forEach", "items": "input.items", "concurrency": 3, "body": {
            "nodes": [
              {"id": "post", "type": "http", "config": {"method": "POST", "url": "%s", "body": {"n": "{{ item }}"}},
               "timeout": "10s", "retry": {"maxAttempts": 5, "initialInterval": "1s", "backoffCoefficient": 1.0}},
              {"id": "name", "type": "subworkflow", "config": {"workflowId": "%s", "input": {"n": "{{ item }}"}}},
              {"id": "line", "type": "set", "config": {"values": {"n": "{{ item }}", "at": "{{ index }}",
                "label": "{{ nodes.name.output.label.label }}"}}}
            ],
            "edges": [{"from": "post", "to": "name"}, {"from": "name", "to": "line"}]}}},
          {"id": "done", "type": "set", "config": {"values": {"n": "{{ size(nodes.each.output) }}"}}}
        ], "edges": [{"from": "each", "to": "done"}]}
        """.formatted(uniqueId("loop-parent"), stub.url("/loop-item"), child));
    String items = IntStream.range(0, ITEMS).mapToObj(Integer::toString).collect(Collectors.joining(","));
    String runId = rest.post("/api/workflows/" + parent + "/runs", "{\"input\": {\"items\": [" + items + "]}}")
        .expect(202).json().get("runId").stringValue();

    await("a third of the items called").atMost(Duration.ofSeconds(120)).until(() -> stub.calls("/loop-item") >= ITEMS / 3);
    weft.kill();
    weft.start(rest);

    JsonNode ended = awaitEnd(runId, Duration.ofSeconds(240));
    assertThat(ended.get("status").stringValue()).as(ended.toString()).isEqualTo("COMPLETED");
    assertThat(ended.at("/nodes/done/output/n").asInt()).isEqualTo(ITEMS);
    JsonNode each = ended.at("/nodes/each/output");
    for (int i = 0; i < ITEMS; i++) {
      assertThat(each.get(i).get("n").asInt()).isEqualTo(i);
      assertThat(each.get(i).get("label").stringValue()).isEqualTo("item-" + i);
    }
    // Every item was called under its own key; a call repeated after the crash kept its item's key.
    List<String> keys = stub.headers("/loop-item", "Idempotency-Key");
    Set<String> expected = IntStream.range(0, ITEMS).mapToObj(i -> runId + "/post[" + i + "]").collect(Collectors.toSet());
    assertThat(new HashSet<>(keys)).isEqualTo(expected);

    // The run continued-as-new: one workflow id, several Temporal runs.
    String listed = temporal.cli("workflow", "list", "--query", "WorkflowId = '" + runId + "'").ok().output();
    assertThat(listed.lines().filter(l -> l.contains(runId)).count()).as(listed).isGreaterThanOrEqualTo(2);
    // Each child run is a Temporal child of the run, and Weft lists it under its parent.
    String described = temporal.cli("workflow", "describe", "--workflow-id", runId + ".name[7]", "--output", "json").ok().output();
    assertThat(described).contains(runId);
    JsonNode children = rest.get("/api/runs?parentRunId=" + runId + "&limit=100").expect(200).json().get("runs");
    assertThat(children.size()).isEqualTo(ITEMS);
  }
}
