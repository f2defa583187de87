package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Schedule triggers against the embedded in-process Temporal server, which does not implement
 * schedules: saving works, the schedule endpoints say so with 501. (The real thing: ScheduleE2E.)
 */
class ScheduleApiTest extends ServiceTestSupport {

  private static String scheduled(String id) {
    return """
        {"id": "%s", "name": "Every minute", "trigger": {"type": "schedule", "every": "1m"},
         "nodes": [{"id": "a", "type": "set", "config": {"values": {"x": 1}}}]}""".formatted(id);
  }

  @Test
  void savingAScheduledWorkflowWorksAndTheEndpointsAnswer501OnTheEmbeddedServer() {
    String id = uniqueId("sched");
    assertThat(post("/api/workflows", scheduled(id)).status()).isEqualTo(201);
    assertThat(put("/api/workflows/" + id, scheduled(id).replace("1m", "2m")).status()).isEqualTo(200);

    for (Response r : new Response[] {get("/api/workflows/" + id + "/schedule"),
        post("/api/workflows/" + id + "/schedule/pause", null), post("/api/workflows/" + id + "/schedule/unpause", "{\"note\": \"x\"}")}) {
      assertThat(r.status()).isEqualTo(501);
      assertThat(r.contentType()).startsWith("application/problem+json");
      assertThat(r.json().get("code").stringValue()).isEqualTo("schedule.unsupported");
    }
    assertThat(delete("/api/workflows/" + id).status()).isEqualTo(204);
  }

  @Test
  void scheduleEndpointsOfUnknownOrArchivedWorkflowsAre404() {
    assertThat(get("/api/workflows/nope-" + uniqueId("x") + "/schedule").json().get("code").stringValue())
        .isEqualTo("workflow.not_found");
    String id = uniqueId("sched");
    assertThat(post("/api/workflows", scheduled(id)).status()).isEqualTo(201);
    assertThat(delete("/api/workflows/" + id).status()).isEqualTo(204);
    Response r = post("/api/workflows/" + id + "/schedule/pause", null);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().get("code").stringValue()).isEqualTo("schedule.not_found");
  }

  @Test
  void aMalformedPauseBodyIs400() {
    String id = uniqueId("sched");
    assertThat(post("/api/workflows", scheduled(id)).status()).isEqualTo(201);
    Response r = post("/api/workflows/" + id + "/schedule/pause", "{\"note\": 3}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("errors").get(0).get("path").stringValue()).isEqualTo("/note");
  }

  @Test
  void theOpenApiDocumentDeclaresTheScheduleEndpointsAndTheir501() {
    tools.jackson.databind.JsonNode paths = get("/v3/api-docs").json().get("paths");
    assertThat(paths.at("/~1api~1workflows~1{id}~1schedule/get/responses/501").isMissingNode()).isFalse();
    assertThat(paths.at("/~1api~1workflows~1{id}~1schedule~1pause/post/responses/501").isMissingNode()).isFalse();
    assertThat(paths.at("/~1api~1workflows~1{id}~1schedule~1unpause/post/responses/404").isMissingNode()).isFalse();
  }
}
