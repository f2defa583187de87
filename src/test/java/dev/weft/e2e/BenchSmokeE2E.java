package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the benchmark harness ({@link WeftBench}, {@code ./mvnw -Pbench verify}) from rotting: a 10-node
 * no-op chain, 3 runs per arm, on the tuned dev server only, with activities and with local activities; and
 * workload 4 ({@link ParkedBench}) with 20 parked runs per arm and one approval rate. Asserts that both arms
 * completed every run, that local nodes left far fewer events than activities (one marker per node instead of
 * an activity's three events and a workflow task's three), and that the reports
 * were written; no timing assertion.
 */
class BenchSmokeE2E {
  @Test
  void bothArmsCompleteAndTheReportIsWritten() throws Exception {
    BenchHarness.Settings settings = new BenchHarness.Settings(3, 0, List.of(10), 0, 0, List.of("tuned"), List.of(), 0,
        E2EConfig.outputDir().resolve("bench-smoke"));
    BenchHarness harness = new BenchHarness(settings, E2EConfig.temporalCli());
    harness.run();

    assertThat(harness.results()).hasSize(2);
    BenchHarness.WorkloadResult activities = harness.results().get(0);
    BenchHarness.WorkloadResult local = harness.results().get(1);
    assertThat(activities.workload().local()).isFalse();
    assertThat(local.workload().local()).isTrue();
    assertThat(activities.a().samples()).hasSize(3).allSatisfy(s -> assertThat(s.events()).isGreaterThanOrEqualTo(10 * 6));
    assertThat(activities.b().samples()).hasSize(3).allSatisfy(s -> assertThat(s.events()).isGreaterThanOrEqualTo(10 * 6));
    assertThat(local.a().samples()).hasSize(3).allSatisfy(s -> assertThat(s.events()).isBetween(10, 10 * 4 + 10));
    assertThat(local.b().samples()).hasSize(3).allSatisfy(s -> assertThat(s.events()).isBetween(10, 10 * 2 + 10));
    assertThat(Files.readString(settings.outDir().resolve("report.md"))).contains("chain 10 no-op", "chain 10 no-op local");
    assertThat(Files.readString(settings.outDir().resolve("report.json"))).contains("\"nodes\":10");
  }

  @Test
  void parkedRunsAreApprovedInBothArmsAndTheReportIsWritten() throws Exception {
    ParkedBench.Settings settings = new ParkedBench.Settings(20, List.of("A", "B"), List.of(5), 2, 4, 2, 1, 10, 2, "tuned",
        E2EConfig.outputDir().resolve("bench-smoke-parked"));
    ParkedBench bench = new ParkedBench(settings, E2EConfig.temporalCli());
    bench.run();

    assertThat(bench.reports()).extracting(ParkedBench.ArmReport::arm).containsExactly("A", "B");
    assertThat(bench.reports()).allSatisfy(r -> {
      assertThat(r.started()).isEqualTo(20);
      assertThat(r.parked()).isEqualTo(20);
      assertThat(r.steps()).singleElement().satisfies(s -> {
        assertThat(s.sent()).isEqualTo(10);
        assertThat(s.errors()).isEmpty();
        assertThat(s.completedMs()).hasSize(10);
      });
      assertThat(r.memory()).extracting(ParkedBench.MemorySample::phase).contains("baseline", "parked", "hold", "approving 5/s");
      // The approval, the next node and the run's end are in the history after the Update.
      assertThat(r.history().workflowTasksAfterApproval()).isPositive();
    });
    assertThat(Files.readString(settings.outDir().resolve("parked.md"))).contains("| A | 20 of 20 |", "| B | 20 of 20 |");
    assertThat(Files.readString(settings.outDir().resolve("parked.json"))).contains("\"sustainedApprovalsPerSecond\"");
  }
}
