package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.ActivityTaskStartedEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.MarkerRecordedEventAttributes;
import io.temporal.api.history.v1.WorkflowTaskScheduledEventAttributes;
import io.temporal.api.history.v1.WorkflowTaskStartedEventAttributes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness's logic that needs no server: its server modes and the task wait it reads from a history. */
class BenchHarnessTest {
  private static HistoryEvent.Builder at(long id, long millis) {
    return HistoryEvent.newBuilder().setEventId(id)
        .setEventTime(Timestamp.newBuilder().setSeconds(millis / 1000).setNanos((int) (millis % 1000) * 1_000_000));
  }

  @Test
  void taskWaitIsScheduledToStartedOfWorkflowAndActivityTasks() {
    List<HistoryEvent> events = List.of(
        at(2, 1_000).setWorkflowTaskScheduledEventAttributes(WorkflowTaskScheduledEventAttributes.getDefaultInstance()).build(),
        at(3, 1_038).setWorkflowTaskStartedEventAttributes(WorkflowTaskStartedEventAttributes.newBuilder().setScheduledEventId(2)).build(),
        at(5, 1_040).setActivityTaskScheduledEventAttributes(ActivityTaskScheduledEventAttributes.getDefaultInstance()).build(),
        at(6, 1_999).setMarkerRecordedEventAttributes(MarkerRecordedEventAttributes.getDefaultInstance()).build(),
        at(7, 1_052).setActivityTaskStartedEventAttributes(ActivityTaskStartedEventAttributes.newBuilder().setScheduledEventId(5)).build(),
        // A start whose scheduled event is not in this history (e.g. before a continue-as-new) counts nothing.
        at(9, 1_060).setWorkflowTaskStartedEventAttributes(WorkflowTaskStartedEventAttributes.newBuilder().setScheduledEventId(8)).build());
    assertThat(BenchHarness.taskWaitMs(events)).isEqualTo(38.0 + 12.0);
    assertThat(BenchHarness.taskWaitMs(List.of())).isZero();
  }

  @Test
  void serverModes() throws Exception {
    assertThat(BenchHarness.devServerConfig("tuned")).containsEntry("history.transferProcessorMaxPollRPS", "1000");
    assertThat(BenchHarness.devServerConfig("default")).isEmpty();
    assertThat(BenchHarness.devServerConfig("rps200")).containsEntry("history.transferProcessorMaxPollRPS", "200");
    assertThatThrownBy(() -> BenchHarness.devServerConfig("pg")).isInstanceOf(IllegalArgumentException.class);
    assertThat(BenchHarness.untuned("pg-default")).isTrue();
    assertThat(BenchHarness.untuned("pg-tuned")).isFalse();
    assertThat(BenchHarness.pgTransferPollRps("pg-tuned")).isNull();
    assertThat(BenchHarness.pgTransferPollRps("pg-default")).isZero();
    assertThat(BenchHarness.pgTransferPollRps("pg-rps2")).isEqualTo(2);
    assertThatThrownBy(() -> BenchHarness.pgTransferPollRps("pg-rps0")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BenchHarness.pgTransferPollRps("pg")).isInstanceOf(IllegalArgumentException.class);

    // pg-default: the shipped dynamic config without the transfer-queue key, every other key kept.
    String shipped = Files.readString(Path.of("temporal/dynamicconfig/development-sql.yaml"));
    assertThat(shipped).contains("history.transferProcessorMaxPollRPS:\n  - value: 1000\n");
    String untuned = PostgresTemporalServer.withoutKey(shipped, PostgresTemporalServer.TUNED_KEY);
    assertThat(untuned).doesNotContain("history.transferProcessorMaxPollRPS:", "value: 1000")
        .contains("limit.maxIDLength:\n  - value: 255", "history.hostLevelCacheMaxSize:\n  - value: 8192\n    constraints: {}\n",
            "system.enableDeployments:\n  - value: true");
    assertThat(untuned.lines().count()).isEqualTo(shipped.lines().count() - 3);
  }
}
