package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the benchmark harness ({@link WeftBench}, {@code ./mvnw -Pbench verify}) from rotting: a 10-node
 * no-op chain, 3 runs per arm, on the tuned dev server only. Asserts that both arms completed every run
 * and the reports were written; no timing assertion.
 */
class BenchSmokeE2E {
  @Test
  void bothArmsCompleteAndTheReportIsWritten() throws Exception {
    BenchHarness.Settings settings = new BenchHarness.Settings(3, 0, List.of(10), 0, 0, List.of("tuned"), List.of(), 0,
        E2EConfig.outputDir().resolve("bench-smoke"));
    BenchHarness harness = new BenchHarness(settings, E2EConfig.temporalCli());
    harness.run();

    assertThat(harness.results()).singleElement().satisfies(r -> {
      assertThat(r.a().samples()).hasSize(3).allSatisfy(s -> assertThat(s.events()).isGreaterThanOrEqualTo(10 * 3));
      assertThat(r.b().samples()).hasSize(3).allSatisfy(s -> assertThat(s.events()).isGreaterThanOrEqualTo(10 * 3));
    });
    assertThat(Files.readString(settings.outDir().resolve("report.md"))).contains("chain 10 no-op");
    assertThat(Files.readString(settings.outDir().resolve("report.json"))).contains("\"nodes\":10");
  }
}
