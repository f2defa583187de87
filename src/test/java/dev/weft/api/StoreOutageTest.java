package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.store.embedded.EmbeddedPostgresServer;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * PostgreSQL goes away in the middle of a run and comes back: the run waits for it at its next event
 * write, then finishes, and its event log is complete with nothing twice. (Its own context: the database
 * is stopped and started again on the same port and data directory.)
 */
class StoreOutageTest extends ServiceTestSupport {
  private static final Path DATA = tempDir();

  @DynamicPropertySource
  static void ownDatabase(DynamicPropertyRegistry registry) {
    registry.add("weft.embedded.data-dir", DATA::toString);
    registry.add("weft.embedded.clean-on-start", () -> "false");
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory(Files.createDirectories(Path.of("target/test-postgres")), "outage-");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Autowired EmbeddedPostgres postgres;
  @Autowired WorkflowClient client;

  @Test
  void aRunWaitsForTheStoreAndLosesNoEvent() throws Exception {
    String id = create("sse-delay.json", "outage");
    String runId = post("/api/workflows/" + id + "/runs", "{\"input\": {\"name\": \"Ada\"}}").json().get("runId").stringValue();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        get("/api/runs/" + runId + "/events").json().get("events").findValuesAsString("kind")).contains("node_waiting"));

    int port = postgres.getPort();
    postgres.close();
    EmbeddedPostgres restarted = null;
    try {
      // The 2 s timer fires and the run finishes its nodes, but it cannot write its events: it stays
      // open for as long as the store is away (here: well past the moment it would otherwise have ended).
      await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10)).until(() -> client.newUntypedWorkflowStub(runId)
          .describe().getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);

      // Meanwhile the API says what is wrong instead of failing with a 500.
      Response unavailable = get("/api/runs/" + runId);
      assertThat(unavailable.status()).isEqualTo(503);
      assertThat(unavailable.json().get("code").stringValue()).isEqualTo("store.unavailable");
      assertThat(unavailable.header("Retry-After")).isEqualTo("5");

      restarted = EmbeddedPostgresServer.start(DATA.resolve("postgres"), port, false);
      await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(client.newUntypedWorkflowStub(runId).describe()
          .getStatus()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED));

      List<String> kinds = get("/api/runs/" + runId + "/events").json().get("events").valueStream()
          .map(e -> e.get("kind").stringValue() + (e.has("nodeId") ? ":" + e.get("nodeId").stringValue() : "")).toList();
      assertThat(kinds).containsExactly("run_started", "node_started:greet", "node_completed:greet", "node_waiting:wait",
          "node_completed:wait", "node_started:answer", "node_completed:answer", "run_completed");
      assertThat(get("/api/runs/" + runId).json().at("/output/greeting").stringValue()).isEqualTo("Hello, Ada.");
    } finally {
      if (restarted != null) restarted.close();
    }
  }
}
