package dev.weft.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.api.ServiceTestSupport;
import io.temporal.worker.WorkerFactory;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** {@code weft.role}: an API-only process executes nothing; a worker-only process serves no API. */
class RoleTest {

  @Nested
  @TestPropertySource(properties = "weft.role=api")
  class ApiOnly extends ServiceTestSupport {
    @Autowired WorkerFactory weftWorkerFactory;

    @Test
    void servesTheApiButPollsNoTaskQueue() {
      assertThat(weftWorkerFactory.isStarted()).isFalse();
      assertThat(get("/api/node-types").status()).isEqualTo(200);
      String id = create("examples/hello.json", "api-only");
      assertThat(post("/api/workflows/" + id + "/runs", "{\"input\": {\"name\": \"x\"}}").status()).isEqualTo(202);
    }
  }

  @Nested
  @TestPropertySource(properties = "weft.role=worker")
  class WorkerOnly extends ServiceTestSupport {
    @Autowired WorkerFactory weftWorkerFactory;

    @Test
    void runsWorkflowsAndServesOnlyHealthAndMetrics() {
      assertThat(weftWorkerFactory.isStarted()).isTrue();
      assertThat(get("/api/node-types").status()).isEqualTo(404);
      assertThat(get("/actuator/health").status()).isEqualTo(200);
    }
  }
}
