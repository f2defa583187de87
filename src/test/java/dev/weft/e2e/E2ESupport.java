package dev.weft.e2e;

import static org.awaitility.Awaitility.await;

import dev.weft.store.embedded.EmbeddedPostgresServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The end-to-end tier: per test class, a real PostgreSQL (zonky's postmaster, started from this JVM), a
 * Temporal dev server (the CLI's {@code start-dev}, SQLite-backed) and the packaged Weft jar as a
 * separate process, driven only over REST. Everything is stopped by pid in {@link #stopAll}, whatever
 * happened; logs land in {@code target/e2e/<class>/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(E2ESupport.LogsOnFailure.class)
abstract class E2ESupport {
  private static final Logger log = LoggerFactory.getLogger(E2ESupport.class);

  protected Path dir;
  protected EmbeddedPostgres postgres;
  protected TemporalDevServer temporal;
  protected WeftProcess weft;
  protected Rest rest;
  protected StubHttpServer stub;

  @BeforeAll
  void startAll() throws IOException {
    dir = E2EConfig.outputDir().resolve(getClass().getSimpleName());
    Files.createDirectories(dir);
    try (var old = Files.list(dir)) {
      for (Path p : old.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) Files.delete(p);
    }
    long t0 = System.nanoTime();
    stub = new StubHttpServer();
    postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"), 0, true);
    temporal = new TemporalDevServer(E2EConfig.temporalCli(), dir);
    Files.deleteIfExists(temporal.dbFile());
    temporal.start();
    weft = new WeftProcess(dir, temporal.address(), "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres",
        "postgres", "postgres", stub.url("/v1"), weftEnv());
    rest = new Rest(weft::baseUrl);
    weft.start(rest);
    log.info("e2e environment of {} up in {} ms: PostgreSQL :{}, Temporal {} (UI {}), Weft {}", getClass().getSimpleName(),
        (System.nanoTime() - t0) / 1_000_000, postgres.getPort(), temporal.address(), temporal.uiUrl(), weft.baseUrl());
  }

  @AfterAll
  void stopAll() {
    List<Runnable> steps = new ArrayList<>();
    if (weft != null) steps.add(weft::stop);
    if (temporal != null) steps.add(temporal::stop);
    if (postgres != null) steps.add(() -> {
      try {
        postgres.close();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    if (stub != null) steps.add(stub::close);
    for (Runnable step : steps) {
      try {
        step.run();
      } catch (RuntimeException e) {
        log.warn("cleanup step failed", e);
      }
    }
  }

  /** Settings of this test class's Weft process, as environment variables. */
  protected java.util.Map<String, String> weftEnv() {
    return java.util.Map.of();
  }

  /** Prints the tails of the process logs when a test fails, so CI output shows why. */
  static final class LogsOnFailure implements TestWatcher {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      context.getTestInstance().filter(E2ESupport.class::isInstance).map(E2ESupport.class::cast).ifPresent(t -> {
        System.err.println("=== " + context.getDisplayName() + " failed; Weft log tail:\n" + (t.weft == null ? "" : t.weft.tail())
            + "\n=== Temporal log tail:\n" + (t.temporal == null ? "" : t.temporal.tail()));
      });
    }
  }

  protected static String uniqueId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Creates a workflow from a definition (JSON text) and returns its id. */
  protected String create(String definition) {
    return rest.post("/api/workflows", definition).expect(201).json().get("id").stringValue();
  }

  /** Starts a run without waiting and returns its id. */
  protected String start(String workflowId) {
    return rest.post("/api/workflows/" + workflowId + "/runs", "{\"input\": {}}").expect(202).json().get("runId").stringValue();
  }

  protected JsonNode state(String runId) {
    return rest.get("/api/runs/" + runId).expect(200).json();
  }

  /** Waits (bounded) until the run has ended and returns its state. */
  protected JsonNode awaitEnd(String runId, Duration atMost) {
    JsonNode[] last = new JsonNode[1];
    await("run " + runId + " ends").atMost(atMost).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
      last[0] = state(runId);
      String s = last[0].get("status").stringValue();
      return !s.equals("RUNNING") && !s.equals("WAITING") && !s.equals("PAUSED");
    });
    return last[0];
  }
}
