package dev.weft.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.doThrow;

import dev.weft.domain.DomainException;
import dev.weft.definition.Json;
import dev.weft.definition.WorkflowDefinition;
import dev.weft.engine.RunInput;
import dev.weft.engine.WeftDataConverter;
import dev.weft.store.AuditLog;
import dev.weft.store.VersionRecord;
import io.grpc.Status;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleException;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleInfo;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.client.schedules.ScheduleUpdate;
import io.temporal.client.schedules.ScheduleUpdateInput;
import io.temporal.common.SearchAttributes;
import io.temporal.workflow.Functions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The mapping of schedule triggers onto Temporal Schedules, against a mocked ScheduleClient. */
class ScheduleServiceTest {
  private final ScheduleClient client = mock(ScheduleClient.class);
  private final ScheduleHandle handle = mock(ScheduleHandle.class);
  private final AuditLog audit = mock(AuditLog.class);
  private final ScheduleService service = new ScheduleService(client, new RunLauncher(mock(WorkflowClient.class), "weft-q", true), audit);

  ScheduleServiceTest() {
    when(client.getHandle("weft-schedule-nightly")).thenReturn(handle);
  }

  private static VersionRecord version(int v, String trigger) {
    String json = """
        {"id": "nightly", "name": "Nightly", %s
         "nodes": [{"id": "a", "type": "set", "config": {"values": {"x": 1}}}]}"""
        .formatted(trigger == null ? "" : "\"trigger\": " + trigger + ",");
    return new VersionRecord("nightly", v, "hash" + v, Json.MAPPER.readValue(json, WorkflowDefinition.class), Instant.now(), "ada");
  }

  @Test
  void aScheduleTriggerCreatesATemporalScheduleThatStartsTheFrozenDefinition() {
    service.sync(version(3, "{\"type\": \"schedule\", \"every\": \"5s\"}"), true);

    ArgumentCaptor<Schedule> schedule = ArgumentCaptor.forClass(Schedule.class);
    verify(client).createSchedule(eq("weft-schedule-nightly"), schedule.capture(), any(ScheduleOptions.class));
    Schedule s = schedule.getValue();
    assertThat(s.getSpec().getIntervals()).singleElement().satisfies(i -> assertThat(i.getEvery()).isEqualTo(Duration.ofSeconds(5)));
    assertThat(s.getPolicy().getOverlap()).isEqualTo(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP);
    assertThat(s.getPolicy().getCatchupWindow()).isEqualTo(ScheduleService.CATCHUP_WINDOW);
    ScheduleActionStartWorkflow action = (ScheduleActionStartWorkflow) s.getAction();
    assertThat(action.getWorkflowType()).isEqualTo("WeftRun");
    assertThat(action.getOptions().getTaskQueue()).isEqualTo("weft-q");
    assertThat(action.getOptions().getWorkflowId()).isEqualTo("nightly-scheduled");
    RunInput input = (RunInput) action.getArguments().get(0, RunInput.class);
    assertThat(input.definition().version()).isEqualTo(3);
    assertThat(input.definition().contentHash()).isEqualTo("hash3");
    assertThat(input.startedBy()).isEqualTo("system");
  }

  @Test
  void cronAndTimezoneGoIntoTheSpec() {
    service.sync(version(1, "{\"type\": \"schedule\", \"cron\": \"0 8 * * 1\", \"timezone\": \"Europe/Berlin\"}"), true);
    ArgumentCaptor<Schedule> schedule = ArgumentCaptor.forClass(Schedule.class);
    verify(client).createSchedule(eq("weft-schedule-nightly"), schedule.capture(), any(ScheduleOptions.class));
    assertThat(schedule.getValue().getSpec().getCronExpressions()).containsExactly("0 8 * * 1");
    assertThat(schedule.getValue().getSpec().getTimeZoneName()).isEqualTo("Europe/Berlin");
  }

  @Test
  @SuppressWarnings("unchecked")
  void anExistingScheduleIsUpdatedAndKeepsItsPausedState() {
    when(client.createSchedule(anyString(), any(), any()))
        .thenThrow(new ScheduleAlreadyRunningException(Status.ALREADY_EXISTS.asRuntimeException()));
    service.sync(version(4, "{\"type\": \"schedule\", \"every\": \"1m\"}"), true);

    ArgumentCaptor<Functions.Func1<ScheduleUpdateInput, ScheduleUpdate>> update = ArgumentCaptor.forClass(Functions.Func1.class);
    verify(handle).update(update.capture());
    Schedule old = Schedule.newBuilder().setSpec(io.temporal.client.schedules.ScheduleSpec.newBuilder().build())
        .setAction(ScheduleActionStartWorkflow.newBuilder().setWorkflowType("WeftRun")
            .setOptions(io.temporal.client.WorkflowOptions.newBuilder().setTaskQueue("weft-q").setWorkflowId("x").build()).build())
        .setState(ScheduleState.newBuilder().setPaused(true).setNote("maintenance").build()).build();
    ScheduleDescription described = new ScheduleDescription("weft-schedule-nightly",
        new ScheduleInfo(0, 0, 0, List.of(), List.of(), List.of(), Instant.now(), Instant.now()), old, Map.of(),
        SearchAttributes.EMPTY, Map.of(), WeftDataConverter.create());
    Schedule updated = update.getValue().apply(new ScheduleUpdateInput(described)).getSchedule();
    assertThat(updated.getState().isPaused()).isTrue();
    assertThat(updated.getState().getNote()).isEqualTo("maintenance");
    assertThat(((RunInput) ((ScheduleActionStartWorkflow) updated.getAction()).getArguments().get(0, RunInput.class))
        .definition().version()).isEqualTo(4);
  }

  @Test
  void aVersionWithoutScheduleTriggerDeletesTheSchedule() {
    service.sync(version(2, "{\"type\": \"manual\"}"), true);
    verify(handle).delete();
    verify(client, never()).createSchedule(anyString(), any(), any());
  }

  @Test
  void savingWithoutScheduleNowOrBeforeDoesNotAskTemporal() {
    service.sync(version(1, "{\"type\": \"manual\"}"), false);
    org.mockito.Mockito.verifyNoInteractions(client);
  }

  @Test
  void aQuietRemovalSurvivesAnUnreachableServer() {
    doThrow(new ScheduleException(Status.UNAVAILABLE.asRuntimeException())).when(handle).delete();
    service.removeQuietly("nightly");
  }

  @Test
  void deletingAScheduleThatDoesNotExistIsFine() {
    doThrow(new ScheduleException(Status.NOT_FOUND.asRuntimeException())).when(handle).delete();
    service.sync(version(2, null), true);
    service.remove("nightly");
  }

  @Test
  void aServerWithoutSchedulesSavesAndAnswers501() {
    when(client.createSchedule(anyString(), any(), any())).thenThrow(new ScheduleException(Status.UNIMPLEMENTED.asRuntimeException()));
    when(handle.describe()).thenThrow(new ScheduleException(Status.UNIMPLEMENTED.asRuntimeException()));
    service.sync(version(1, "{\"type\": \"schedule\", \"every\": \"5s\"}"), true);
    assertThatThrownBy(() -> service.describe("nightly")).isInstanceOfSatisfying(DomainException.class, p -> {
          assertThat(p.code()).isEqualTo("schedule.unsupported");
          assertThat(p.kind()).isEqualTo(DomainException.Kind.UNSUPPORTED);
        });
  }

  @Test
  void noScheduleIs404AndAnUnreachableServerStaysAStatusError() {
    when(handle.describe()).thenThrow(new ScheduleException(Status.NOT_FOUND.asRuntimeException()));
    assertThatThrownBy(() -> service.describe("nightly")).isInstanceOfSatisfying(DomainException.class, p -> {
          assertThat(p.code()).isEqualTo("schedule.not_found");
          assertThat(p.kind()).isEqualTo(DomainException.Kind.NOT_FOUND);
        });
    doThrow(new ScheduleException(Status.UNAVAILABLE.asRuntimeException())).when(handle).pause(anyString());
    assertThatThrownBy(() -> service.pause("nightly", null, "ada")).isInstanceOf(io.grpc.StatusRuntimeException.class);
    verify(audit, never()).record(anyString(), anyString(), anyString(), anyString(), any(), any(), any());
  }

  @Test
  void pauseAndUnpauseAreAudited() {
    ScheduleDescription d = new ScheduleDescription("weft-schedule-nightly",
        new ScheduleInfo(2, 0, 0, List.of(), List.of(), List.of(Instant.parse("2030-01-01T00:00:00Z")), Instant.now(), Instant.now()),
        Schedule.newBuilder().setSpec(io.temporal.client.schedules.ScheduleSpec.newBuilder()
                .setIntervals(List.of(new io.temporal.client.schedules.ScheduleIntervalSpec(Duration.ofSeconds(5)))).build())
            .setAction(ScheduleActionStartWorkflow.newBuilder().setWorkflowType("WeftRun")
                .setOptions(io.temporal.client.WorkflowOptions.newBuilder().setTaskQueue("weft-q").setWorkflowId("x").build()).build())
            .setState(ScheduleState.newBuilder().setPaused(true).setNote("why").build()).build(),
        Map.of(), SearchAttributes.EMPTY, Map.of(), WeftDataConverter.create());
    when(handle.describe()).thenReturn(d);
    Map<String, Object> view = service.pause("nightly", "why", "ada");
    verify(handle).pause("why");
    verify(audit).record(eq("ada"), eq("schedule.pause"), eq("workflow"), eq("nightly"), any(), any(), any());
    assertThat(view).containsEntry("paused", true).containsEntry("note", "why").containsEntry("actions", 2L);
    assertThat(view.get("spec")).isEqualTo(Map.of("every", "5s"));
    service.unpause("nightly", null, "ada");
    verify(handle).unpause("unpaused by ada through Weft");
    verify(audit).record(eq("ada"), eq("schedule.unpause"), eq("workflow"), eq("nightly"), any(), any(), any());
  }

  @Test
  void theViewShowsTheTriggerAsWrittenAndTheVersionItStarts() {
    VersionRecord v = version(7, "{\"type\": \"schedule\", \"cron\": \"0 3 * * *\", \"timezone\": \"UTC\"}");
    Schedule s = service.schedule(v, v.definition().trigger(), ScheduleState.newBuilder().build());
    when(handle.describe()).thenReturn(new ScheduleDescription("weft-schedule-nightly",
        new ScheduleInfo(0, 0, 0, List.of(), List.of(), List.of(), Instant.now(), Instant.now()), s, Map.of(),
        SearchAttributes.EMPTY, Map.of(), WeftDataConverter.create()));
    Map<String, Object> view = service.describe("nightly");
    assertThat(view).containsEntry("version", 7).containsEntry("paused", false);
    assertThat(view.get("spec")).isEqualTo(Map.of("cron", "0 3 * * *", "timezone", "UTC"));
  }

  @Test
  void aSaveWhileTemporalIsUnreachableFailsWithItsStatus() {
    when(client.createSchedule(anyString(), any(), any())).thenThrow(new ScheduleException(Status.UNAVAILABLE.asRuntimeException()));
    assertThatThrownBy(() -> service.sync(version(1, "{\"type\": \"schedule\", \"every\": \"5s\"}"), true))
        .isInstanceOf(io.grpc.StatusRuntimeException.class);
    doThrow(new ScheduleException(Status.UNAVAILABLE.asRuntimeException())).when(handle).delete();
    assertThatThrownBy(() -> service.remove("nightly")).isInstanceOf(io.grpc.StatusRuntimeException.class);
  }
}
