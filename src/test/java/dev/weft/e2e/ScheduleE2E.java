package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Schedule triggers on a real Temporal server: runs fire, pause stops them, archive removes the Temporal Schedule. */
class ScheduleE2E extends E2ESupport {

  private static String definition(String id, String trigger) {
    return """
        {"id": "%s", "name": "E2E schedule", "trigger": %s,
         "nodes": [{"id": "tick", "type": "set", "config": {"values": {"tick": true}}}]}""".formatted(id, trigger);
  }

  private List<String> runs(String workflowId) {
    JsonNode list = rest.get("/api/runs?workflowId=" + workflowId + "&limit=500").expect(200).json().get("runs");
    // Runs a Schedule starts are indexed as such.
    assertThat(list.findValuesAsString("trigger")).allMatch("schedule"::equals);
    return list.findValuesAsString("runId");
  }

  @Test
  void aScheduleFiresRunsPausesResumesAndIsRemovedWithItsWorkflow() {
    String id = uniqueId("every");
    create(definition(id, "{\"type\": \"schedule\", \"every\": \"2s\"}"));
    String scheduleId = "weft-schedule-" + id;

    await("scheduled runs appear").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .until(() -> runs(id).size() >= 2);
    String first = runs(id).getLast();
    assertThat(first).startsWith(id + "-scheduled-");
    JsonNode ended = awaitEnd(first, Duration.ofSeconds(60));
    assertThat(ended.get("status").stringValue()).isEqualTo("COMPLETED");
    assertThat(ended.get("version").asInt()).isEqualTo(1);

    JsonNode schedule = rest.get("/api/workflows/" + id + "/schedule").expect(200).json();
    assertThat(schedule.get("scheduleId").stringValue()).isEqualTo(scheduleId);
    assertThat(schedule.get("paused").asBoolean()).isFalse();
    assertThat(schedule.at("/spec/every").stringValue()).isEqualTo("2s");
    assertThat(schedule.get("version").asInt()).isEqualTo(1);
    assertThat(schedule.get("nextActionTimes").size()).isPositive();
    assertThat(schedule.get("recentActions").findValuesAsString("runId")).contains(first);

    // Paused: no new runs.
    JsonNode paused = rest.post("/api/workflows/" + id + "/schedule/pause", "{\"note\": \"e2e maintenance\"}").expect(200).json();
    assertThat(paused.get("paused").asBoolean()).isTrue();
    assertThat(paused.get("note").stringValue()).isEqualTo("e2e maintenance");
    long actions = paused.get("actions").asLong();
    sleep(Duration.ofSeconds(7));
    assertThat(rest.get("/api/workflows/" + id + "/schedule").expect(200).json().get("actions").asLong())
        .as("no runs while paused").isEqualTo(actions);
    // Every run the schedule started is in Weft's index (its run_started event put it there), and no more.
    await("the index holds every scheduled run").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .until(() -> runs(id).size() == actions);
    int whilePaused = runs(id).size();
    assertThat(temporal.cli("schedule", "describe", "--schedule-id", scheduleId).ok().output()).containsIgnoringCase("paused");

    // Resumed: runs again.
    assertThat(rest.post("/api/workflows/" + id + "/schedule/unpause", null).expect(200).json().get("paused").asBoolean()).isFalse();
    await("runs resume").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> runs(id).size() > whilePaused);

    // A new version moves the schedule to it.
    JsonNode v2 = rest.put("/api/workflows/" + id, definition(id, "{\"type\": \"schedule\", \"every\": \"3s\"}")).expect(200).json();
    assertThat(v2.get("version").asInt()).isEqualTo(2);
    JsonNode moved = rest.get("/api/workflows/" + id + "/schedule").expect(200).json();
    assertThat(moved.get("version").asInt()).isEqualTo(2);
    assertThat(moved.at("/spec/every").stringValue()).isEqualTo("3s");

    // Archived: the Temporal Schedule is gone.
    rest.delete("/api/workflows/" + id).expect(204);
    assertThat(rest.get("/api/workflows/" + id + "/schedule").expect(404).json().get("code").stringValue()).isEqualTo("schedule.not_found");
    TemporalDevServer.Cli describe = temporal.cli("schedule", "describe", "--schedule-id", scheduleId);
    assertThat(describe.exit()).as(describe.output()).isNotZero();
    assertThat(describe.output()).containsIgnoringCase("not found");
  }

  @Test
  void aVersionWithoutScheduleTriggerDeletesTheSchedule() {
    String id = uniqueId("cron");
    create(definition(id, "{\"type\": \"schedule\", \"cron\": \"0 3 * * *\", \"timezone\": \"Europe/Berlin\"}"));
    JsonNode schedule = rest.get("/api/workflows/" + id + "/schedule").expect(200).json();
    assertThat(schedule.at("/spec/cron").stringValue()).isEqualTo("0 3 * * *");
    assertThat(schedule.at("/spec/timezone").stringValue()).isEqualTo("Europe/Berlin");
    assertThat(schedule.get("runningRuns").size()).isZero();

    rest.put("/api/workflows/" + id, definition(id, "{\"type\": \"manual\"}")).expect(200);
    assertThat(rest.get("/api/workflows/" + id + "/schedule").expect(404).json().get("code").stringValue()).isEqualTo("schedule.not_found");
    assertThat(temporal.cli("schedule", "describe", "--schedule-id", "weft-schedule-" + id).exit()).isNotZero();
  }

  /**
   * A tenant's schedule on the real server: the Temporal Schedule keeps the tenant of the request that made
   * it (in its action's header), so the runs it starts are indexed in that tenant, under its ids.
   */
  @Test
  void aTenantsScheduleStartsRunsInThatTenant() {
    String tenant = "sched-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    String key = rest.post("/api/tenants", "{\"id\": \"" + tenant + "\"}").expect(201).json().at("/adminKey/key").stringValue();
    Rest mine = new Rest(weft::baseUrl, key);
    String id = uniqueId("tenant-every");
    mine.post("/api/workflows", definition(id, "{\"type\": \"schedule\", \"every\": \"2s\"}")).expect(201);
    String scheduleId = tenant + "~weft-schedule-" + id;
    assertThat(mine.get("/api/workflows/" + id + "/schedule").expect(200).json().get("scheduleId").stringValue()).isEqualTo(scheduleId);
    assertThat(temporal.cli("schedule", "describe", "--schedule-id", scheduleId).ok().output()).contains(id);

    await("the tenant's scheduled runs appear in its index").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .until(() -> mine.get("/api/runs?workflowId=" + id).expect(200).json().get("runs").size() >= 1);
    JsonNode run = mine.get("/api/runs?workflowId=" + id).expect(200).json().get("runs").get(0);
    String runId = run.get("runId").stringValue();
    assertThat(runId).startsWith(tenant + "~" + id + "-scheduled-");
    assertThat(run.get("trigger").stringValue()).isEqualTo("schedule");
    // The default tenant neither lists nor reads it.
    assertThat(rest.get("/api/runs?workflowId=" + id).expect(200).json().get("runs").size()).isZero();
    rest.get("/api/runs/" + runId).expect(404);
    await("the run completes").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .until(() -> "COMPLETED".equals(mine.get("/api/runs/" + runId).expect(200).json().get("status").stringValue()));

    mine.delete("/api/workflows/" + id).expect(204);
    assertThat(temporal.cli("schedule", "describe", "--schedule-id", scheduleId).exit()).isNotZero();
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
