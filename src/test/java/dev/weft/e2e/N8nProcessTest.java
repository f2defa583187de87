package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.definition.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The n8n workflows of workload 3 are the Weft flows' equivalents (webhook answered by a Respond node, set → if
 * qty &gt; 0 → set/code → respond, the false branch a 422), every connection joins nodes that exist, and n8n is
 * started on SQLite on 127.0.0.1 with nothing phoning home.
 */
class N8nProcessTest {
  @Test
  void setVariantIsWebhookSetIfSetRespond() {
    JsonNode w = Json.MAPPER.readTree(N8nProcess.workflow("set", "bench-set"));
    assertThat(w.get("id").asString()).matches("[A-Za-z0-9]{16}");
    assertThat(types(w)).containsExactly("n8n-nodes-base.webhook", "n8n-nodes-base.set", "n8n-nodes-base.if",
        "n8n-nodes-base.set", "n8n-nodes-base.respondToWebhook", "n8n-nodes-base.respondToWebhook");
    JsonNode hook = node(w, "Webhook").get("parameters");
    assertThat(hook.get("httpMethod").asString()).isEqualTo("POST");
    assertThat(hook.get("path").asString()).isEqualTo("bench-set");
    assertThat(hook.get("responseMode").asString()).isEqualTo("responseNode");
    assertThat(node(w, "Webhook").get("webhookId").asString()).hasSize(36);

    JsonNode condition = node(w, "Check").at("/parameters/conditions/conditions/0");
    assertThat(condition.get("leftValue").asString()).isEqualTo("={{ $json.qty }}");
    assertThat(condition.get("rightValue").asInt()).isZero();
    assertThat(condition.at("/operator/operation").asString()).isEqualTo("gt");

    assertThat(targets(w, "Webhook", 0)).containsExactly("Prepare");
    assertThat(targets(w, "Prepare", 0)).containsExactly("Check");
    assertThat(targets(w, "Check", 0)).containsExactly("Shape");
    assertThat(targets(w, "Check", 1)).containsExactly("Reject");
    assertThat(targets(w, "Shape", 0)).containsExactly("Answer");
    assertThat(names(node(w, "Shape").at("/parameters/assignments/assignments"))).containsExactly("order", "total", "ok");
    assertThat(node(w, "Shape").at("/parameters/assignments/assignments/1/value").asString()).isEqualTo("={{ $json.qty * 3 }}");
    assertThat(node(w, "Shape").at("/parameters/assignments/assignments/2/value").asBoolean()).isTrue();
    assertThat(node(w, "Answer").at("/parameters/respondWith").asString()).isEqualTo("firstIncomingItem");
    assertThat(node(w, "Reject").at("/parameters/options/responseCode").asInt()).isEqualTo(422);
    assertConnectionsJoinNodes(w);
  }

  @Test
  void codeVariantHasAJavaScriptCodeNodeReturningTheSameItem() {
    JsonNode w = Json.MAPPER.readTree(N8nProcess.workflow("code", "bench-code"));
    JsonNode code = node(w, "Shape");
    assertThat(code.get("type").asString()).isEqualTo("n8n-nodes-base.code");
    assertThat(code.at("/parameters/mode").asString()).isEqualTo("runOnceForEachItem");
    assertThat(code.at("/parameters/jsCode").asString()).isEqualTo("return {order: $json.order, total: $json.qty * 3, ok: true};");
    assertThat(targets(w, "Shape", 0)).containsExactly("Answer");
    assertThat(N8nProcess.workflowId("code")).isNotEqualTo(N8nProcess.workflowId("set"));
    assertConnectionsJoinNodes(w);
  }

  @Test
  void setNVariantChainsNSetNodesTheLastShapingTheAnswer() {
    JsonNode w = Json.MAPPER.readTree(N8nProcess.workflow("set5", "bench-set5"));
    assertThat(types(w).stream().filter(t -> t.equals("n8n-nodes-base.set"))).hasSize(6);
    assertThat(targets(w, "Check", 0)).containsExactly("Shape 1");
    for (int i = 1; i < 5; i++) {
      assertThat(targets(w, "Shape " + i, 0)).containsExactly("Shape " + (i + 1));
      assertThat(names(node(w, "Shape " + i).at("/parameters/assignments/assignments"))).containsExactly("order", "qty");
    }
    assertThat(targets(w, "Shape 5", 0)).containsExactly("Answer");
    assertThat(names(node(w, "Shape 5").at("/parameters/assignments/assignments"))).containsExactly("order", "total", "ok");
    assertConnectionsJoinNodes(w);
    assertThatThrownBy(() -> N8nProcess.workflow("http", "x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void runsOnSqliteOnLoopbackWithTelemetryOffInItsOwnFolder() {
    Path dir = Path.of("target/n8n-test");
    Map<String, String> env = new N8nProcess(Path.of("n8n"), dir).env();
    assertThat(env).containsEntry("DB_TYPE", "sqlite").containsEntry("N8N_LISTEN_ADDRESS", "127.0.0.1")
        .containsEntry("N8N_DIAGNOSTICS_ENABLED", "false").containsEntry("N8N_VERSION_NOTIFICATIONS_ENABLED", "false")
        .containsEntry("N8N_USER_FOLDER", dir.resolve("home").toString())
        .containsEntry("N8N_RUNNERS_BROKER_LISTEN_ADDRESS", "127.0.0.1");
    assertThat(Integer.parseInt(env.get("N8N_PORT"))).isNotEqualTo(Integer.parseInt(env.get("N8N_RUNNERS_BROKER_PORT")));
    assertThat(N8nProcess.launcher().toString()).endsWith("n8n-" + N8nProcess.VERSION + "/node_modules/n8n/bin/n8n");
  }

  private static List<String> types(JsonNode w) {
    List<String> t = new ArrayList<>();
    w.get("nodes").forEach(n -> t.add(n.get("type").asString()));
    return t;
  }

  private static List<String> names(JsonNode assignments) {
    List<String> t = new ArrayList<>();
    assignments.forEach(n -> t.add(n.get("name").asString()));
    return t;
  }

  private static JsonNode node(JsonNode w, String name) {
    for (JsonNode n : w.get("nodes")) if (n.get("name").asString().equals(name)) return n;
    throw new AssertionError("no node " + name);
  }

  private static List<String> targets(JsonNode w, String from, int output) {
    List<String> t = new ArrayList<>();
    w.at("/connections/" + from.replace("~", "~0").replace("/", "~1") + "/main/" + output).forEach(c -> t.add(c.get("node").asString()));
    return t;
  }

  /** Every connection starts and ends at a node of the workflow; names and ids are unique. */
  private static void assertConnectionsJoinNodes(JsonNode w) {
    List<String> names = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    w.get("nodes").forEach(n -> {
      names.add(n.get("name").asString());
      ids.add(n.get("id").asString());
    });
    assertThat(names).doesNotHaveDuplicates();
    assertThat(ids).doesNotHaveDuplicates();
    w.get("connections").properties().forEach(e -> {
      assertThat(names).contains(e.getKey());
      e.getValue().get("main").forEach(out -> out.forEach(c -> assertThat(names).contains(c.get("node").asString())));
    });
  }
}
