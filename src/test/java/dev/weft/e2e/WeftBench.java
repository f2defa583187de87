package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The full benchmark, run by hand: {@code ./mvnw -Pbench verify} (docs/performance.md). Settings are
 * system properties: {@code weft.bench.runs} (10), {@code weft.bench.warmup} (2), {@code weft.bench.chains}
 * (10,40,200), {@code weft.bench.fanout} (100 branches; 0 = none), {@code weft.bench.cpu-ms} (10; 0 = no-op
 * chains only), {@code weft.bench.servers} (tuned,default; also {@code rps<N>}: transferProcessorMaxPollRPS=N), {@code weft.bench.default-server.chains} (10,40)
 * and {@code weft.bench.default-server.fanout} (100): the workloads run on the untuned server, {@code weft.bench.dir}.
 * On the first server mode only: workload 5, {@code weft.bench.outputs} (10,200,1024,3072 KiB per node; empty = off),
 * {@code weft.bench.outputs.nodes} (20), {@code weft.bench.outputs.runs} (3); workload 6, {@code weft.bench.loop}
 * (5000 iterations; 0 = off), {@code weft.bench.loop.runs} (1), {@code weft.bench.loop.b-every} (500: arm B's
 * continue-as-new period).
 */
class WeftBench {
  @Test
  void interpreterAgainstHandWrittenTemporal() throws Exception {
    BenchHarness.Settings settings = BenchHarness.Settings.fromSystemProperties(Path.of("target/bench"));
    BenchHarness harness = new BenchHarness(settings, E2EConfig.temporalCli());
    String summary = harness.run();
    System.out.println(summary);
    System.out.println("reports: " + settings.outDir().resolve("report.md") + ", " + settings.outDir().resolve("report.json"));
    assertThat(harness.results().size() + harness.extras().size()).as("workloads measured").isPositive();
  }
}
