package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What an operator sees of Weft runs in Temporal's own tools: the CLI finds runs by Weft's search
 * attributes, shows activities named after node types with the node id as summary, and the Temporal UI
 * renders the run (a headless-Chromium screenshot under target/e2e/ is kept as a CI artifact).
 */
class TemporalUiE2E extends E2ESupport {

  /** Uses the approval node too, which lands with the same work as the search attributes. */
  @Test
  void aParkedRunIsFoundBySearchAttributes() {
    String id = create("""
        {"id": "%s", "name": "E2E parked",
         "nodes": [
           {"id": "approve", "type": "approval", "config": {"title": "Approve?", "approvers": ["role:admin"],
            "allowSelfApproval": true, "timeout": "1h", "onTimeout": "reject"}},
           {"id": "x", "type": "set", "config": {"values": {"approved": true}}}
         ],
         "edges": [{"from": "approve", "to": "x", "port": "approved"}]}""".formatted(uniqueId("parked")));
    String runId = start(id);
    String query = "WeftWorkflowId='" + id + "' AND WeftStatus='WAITING'";
    await("the CLI finds the parked run").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
        .until(() -> temporal.cli("workflow", "list", "--query", query).ok().output().contains(runId));
    // WeftWaitingNodes names the node it waits at (list output encodes attribute values, so query by it).
    String byNode = temporal.cli("workflow", "list", "--query", query + " AND WeftWaitingNodes='approve'").ok().output();
    assertThat(byNode).contains(runId);
    assertThat(temporal.cli("workflow", "list", "--query", query + " AND WeftWaitingNodes='other'").ok().output())
        .doesNotContain(runId);
  }

  @Test
  void theCliAndTheUiShowARunAsItsGraph() throws Exception {
    stub.hold("/ui-slow");
    String id = create("""
        {"id": "%s", "name": "E2E inspection",
         "nodes": [
           {"id": "lookup", "type": "http", "name": "Look up", "config": {"method": "GET", "url": "%s"}},
           {"id": "slow-call", "type": "http", "config": {"method": "GET", "url": "%s"}, "timeout": "2m"}
         ],
         "edges": [{"from": "lookup", "to": "slow-call"}]}""".formatted(uniqueId("inspect"), stub.url("/ui-fast"), stub.url("/ui-slow")));
    String runId = start(id);
    await("slow-call is running").atMost(Duration.ofSeconds(60)).until(() -> stub.calls("/ui-slow") >= 1);

    // describe: the pending activity is of type http, summarised by its node id.
    String describe = temporal.cli("workflow", "describe", "--workflow-id", runId).ok().output();
    assertThat(describe).contains("WeftRun").contains("http");
    String describeJson = temporal.cli("workflow", "describe", "--workflow-id", runId, "--output", "json").ok().output();
    assertThat(describeJson).contains("\"http\"");

    stub.release("/ui-slow");
    assertThat(awaitEnd(runId, Duration.ofSeconds(60)).get("status").stringValue()).isEqualTo("COMPLETED");

    // The Temporal UI renders the run. (Once it has ended: an open run's page long-polls its history, so
    // Chromium's virtual time never runs out and the screenshot never comes.)
    Path png = dir.resolve("temporal-ui-run.png");
    screenshot(temporal.uiUrl() + "/namespaces/default/workflows/" + runId, png);
    assertThat(png).exists();
    assertThat(Files.size(png)).as("a rendered page, not a blank one").isGreaterThan(20_000);

    // show: the history names every activity by node type, with the node id in its summary.
    String history = temporal.cli("workflow", "show", "--workflow-id", runId, "--output", "json").ok().output();
    assertThat(history).contains("\"activityType\"").contains("\"name\": \"http\"");
    String summaries = decodedSummaries(history);
    assertThat(summaries).contains("lookup").contains("Look up").contains("slow-call");
    Files.writeString(dir.resolve("temporal-workflow-show.json"), history);
  }

  /**
   * The activity summaries of a history in the CLI's JSON: user metadata payloads are base64-encoded
   * JSON strings there, so they are decoded before being searched.
   */
  private static String decodedSummaries(String historyJson) {
    JsonNode history = dev.weft.definition.Json.parse(historyJson);
    StringBuilder out = new StringBuilder();
    for (JsonNode summary : history.findValues("summary")) {
      JsonNode data = summary.get("data");
      if (data != null && data.isString()) {
        out.append(new String(java.util.Base64.getDecoder().decode(data.stringValue()), java.nio.charset.StandardCharsets.UTF_8));
      } else {
        out.append(summary);
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** Debian's chromium, headless, with a virtual-time budget so the UI's JavaScript has rendered the run. */
  private void screenshot(String url, Path png) throws IOException, InterruptedException {
    String chromium = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser").stream().filter(p -> Files.isExecutable(Path.of(p)))
        .findFirst().orElseThrow(() -> new IllegalStateException("no chromium: apt-get install -y chromium (.ci/run does)"));
    Path profile = Files.createTempDirectory(dir, "chromium-profile");
    Files.deleteIfExists(png);
    List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
        "--hide-scrollbars", "--user-data-dir=" + profile, "--window-size=1600,1000", "--virtual-time-budget=10000",
        "--screenshot=" + png, url));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
    try {
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        throw new AssertionError("chromium did not finish its screenshot in 90 s; see " + dir.resolve("chromium.log"));
      }
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
