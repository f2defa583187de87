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
 * continue-as-new period). Workload 3 ({@link WebhookBench}, off by default): {@code weft.bench.webhook} (client
 * counts, e.g. 1,4,8,16; empty = off), {@code weft.bench.webhook.seconds} (20), {@code weft.bench.webhook.warmup} (5),
 * {@code weft.bench.webhook.setups} (dev,embedded; also n8n: {@link N8nProcess}, installed by bench/n8n/install.sh),
 * {@code weft.bench.webhook.variants} (set,code; also {@code set<N>}: N set nodes in a row), {@code weft.bench.webhook.repeat}
 * (1: how many times the sequence of setups runs), {@code weft.bench.n8n} (n8n's launcher), {@code weft.bench.pgbench.seconds} (10; 0 = no pgbench floor), {@code weft.bench.pgbench} (/usr/bin/pgbench).
 * Workload 4 ({@link ParkedBench}, off by default): {@code weft.bench.parked} (runs per arm, {@code true} = 10000;
 * empty = off), {@code .rates} (5,10,20,40,80,160,320 approvals/s), {@code .step-seconds} (5), {@code .start-threads} (8),
 * {@code .start-minutes} (20), {@code .hold-seconds} (30), {@code .sample-every} (1000), {@code .arms} (A,B), {@code .server}
 * (tuned). Server modes ({@code weft.bench.servers}, {@code weft.bench.parked.server}) also {@code pg-tuned} and
 * {@code pg-default}: a private PostgreSQL and {@code temporal/postgres-server.sh} ({@link PostgresTemporalServer}).
 * Workloads 1-2 run with activities and with local activities ({@code weft.bench.executions}, activity,local).
 * With no workload 1, 2, 5 or 6 selected, no interpreter benchmark runs.
 */
class WeftBench {
  @Test
  void interpreterAgainstHandWrittenTemporal() throws Exception {
    BenchHarness.Settings settings = BenchHarness.Settings.fromSystemProperties(Path.of("target/bench"));
    int measured = 0;
    if (settings.hasWorkloads()) {
      BenchHarness harness = new BenchHarness(settings, E2EConfig.temporalCli());
      String summary = harness.run();
      System.out.println(summary);
      System.out.println("reports: " + settings.outDir().resolve("report.md") + ", " + settings.outDir().resolve("report.json"));
      measured += harness.results().size() + harness.extras().size();
    }
    // Workload 3 (off unless weft.bench.webhook names client counts): the packaged jar over HTTP, and the pgbench floor.
    WebhookBench.Settings webhook = WebhookBench.Settings.fromSystemProperties(settings.outDir());
    if (webhook.on()) {
      WebhookBench bench = new WebhookBench(webhook, E2EConfig.temporalCli());
      System.out.println(bench.run());
      System.out.println("reports: " + settings.outDir().resolve("webhook.md") + ", " + settings.outDir().resolve("webhook.json"));
      measured += bench.results().size();
    }
    // Workload 4 (off unless weft.bench.parked gives a number of runs): runs parked on an approval.
    ParkedBench.Settings parked = ParkedBench.Settings.fromSystemProperties(settings.outDir());
    if (parked.on()) {
      ParkedBench bench = new ParkedBench(parked, E2EConfig.temporalCli());
      System.out.println(bench.run());
      System.out.println("reports: " + settings.outDir().resolve("parked.md") + ", " + settings.outDir().resolve("parked.json"));
      measured += bench.reports().size();
    }
    assertThat(measured).as("workloads measured").isPositive();
  }
}
