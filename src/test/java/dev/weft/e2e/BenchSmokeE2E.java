package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the benchmark harness ({@link WeftBench}, {@code ./mvnw -Pbench verify}) from rotting: a 10-node
 * no-op chain, 3 runs per arm, on the tuned dev server only, with activities and with local activities.
 * Asserts that both arms completed every run, that local nodes left far fewer events than activities (one
 * marker per node instead of an activity's three events and a workflow task's three), and that the reports
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
}
