package dev.weft.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.api.ServiceTestSupport;
import dev.weft.definition.Json;
import dev.weft.security.ApiKeyService;
import dev.weft.security.WeftPrincipal;
import io.temporal.worker.WorkerFactory;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * {@code weft.role}: an API-only process executes nothing; a worker-only process serves no API (its
 * metrics need a key; it issues no admin key of its own).
 */
class RoleTest {

  @Nested
  // This context also opens the API document to browsers (a context of its own costs ~15 s).
  @TestPropertySource(properties = {"weft.role=api", "weft.security.public-api-docs=true"})
  class ApiOnly extends ServiceTestSupport {
    @Autowired WorkerFactory weftWorkerFactory;

    @Test
    void servesTheApiButPollsNoTaskQueue() {
      assertThat(weftWorkerFactory.isStarted()).isFalse();
      assertThat(get("/api/node-types").status()).isEqualTo(200);
      String id = create("examples/hello.json", "api-only");
      assertThat(post("/api/workflows/" + id + "/runs", "{\"input\": {\"name\": \"x\"}}").status()).isEqualTo(202);
    }

    @Test
    void anApiProcessIssuesTheAdminKeyAndMayServeTheApiDocumentWithoutAKey() {
      assertThat(anonymous().get("/api/workflows").status()).as("the test admin key was stored at start").isEqualTo(401);
      assertThat(get("/api/workflows").status()).isEqualTo(200);
      assertThat(anonymous().get("/v3/api-docs").status()).isEqualTo(200);
      assertThat(anonymous().get("/swagger-ui/index.html").status()).isEqualTo(200);
      assertThat(anonymous().post("/v3/api-docs", "{}").status()).as("only reading is open").isEqualTo(401);
    }
  }

  @Nested
  @TestPropertySource(properties = "weft.role=worker")
  class WorkerOnly extends ServiceTestSupport {
    @Autowired WorkerFactory weftWorkerFactory;

    @Autowired ApiKeyService keys;
    @Autowired JdbcClient jdbc;

    @Test
    void runsWorkflowsAndServesOnlyHealthAndMetrics() {
      assertThat(weftWorkerFactory.isStarted()).isTrue();
      assertThat(jdbc.sql("SELECT count(*) FROM api_keys").query(Integer.class).single()).as("a worker stores no admin key").isZero();
      // Keys are checked against the shared store; an API instance would have issued this one.
      String key = keys.create(Json.parse("{\"principal\": \"ops\", \"roles\": [\"admin\"]}"), WeftPrincipal.SYSTEM).key();
      assertThat(as(key).get("/api/node-types").status()).isEqualTo(404);
      assertThat(as(key).get("/actuator/prometheus").status()).isEqualTo(200);
      assertThat(anonymous().get("/actuator/prometheus").status()).isEqualTo(401);
      assertThat(anonymous().get("/actuator/health").status()).isEqualTo(200);
    }
  }
}
