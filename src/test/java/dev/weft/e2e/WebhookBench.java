package dev.weft.e2e;

import dev.weft.definition.Json;
import dev.weft.store.embedded.EmbeddedPostgresServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Issue 15, workload 3: the webhook flow {@code set → if → set|code → respond} over real HTTP against the
 * packaged jar ({@link WeftProcess}), N client threads at a time, in two setups: against a tuned Temporal dev
 * server ({@code dev}) and in embedded mode ({@code embedded}: no {@code TEMPORAL_ADDRESS}, the in-process
 * Temporal server). Both use one real PostgreSQL (zonky's, started here with {@code synchronous_commit=on} and,
 * unless {@code weft.bench.webhook.fsync=false}, {@code fsync=on}),
 * a database per setup. Then the pgbench floor: single-row INSERT commits, one client, on that PostgreSQL.
 * Writes {@code webhook.md} and {@code webhook.json}.
 */
final class WebhookBench {
  /**
   * @param clients client counts (empty: off); {@code seconds} measured and {@code warmupSeconds} warm-up per
   *     client count; {@code setups}: {@code dev}, {@code embedded}; {@code variants}: {@code set} (set → if →
   *     set → respond), {@code code} (the second set a JavaScript {@code code} node); {@code pgbenchSeconds}: 0 = no
   *     pgbench floor; {@code fsync}: PostgreSQL's fsync (zonky's default is off); {@code jvmOptions}: Weft's JVM
   */
  record Settings(List<Integer> clients, int seconds, int warmupSeconds, List<String> setups, List<String> variants,
      int pgbenchSeconds, String pgbench, boolean fsync, List<String> jvmOptions, Path outDir) {
    static Settings fromSystemProperties(Path outDir) {
      return new Settings(ints(System.getProperty("weft.bench.webhook", "")),
          Integer.getInteger("weft.bench.webhook.seconds", 20), Integer.getInteger("weft.bench.webhook.warmup", 5),
          strings(System.getProperty("weft.bench.webhook.setups", "dev,embedded")),
          strings(System.getProperty("weft.bench.webhook.variants", "set,code")),
          Integer.getInteger("weft.bench.pgbench.seconds", 10), System.getProperty("weft.bench.pgbench", "/usr/bin/pgbench"),
          Boolean.parseBoolean(System.getProperty("weft.bench.webhook.fsync", "true")),
          jvm(System.getProperty("weft.bench.webhook.jvm-options", "")), outDir);
    }

    boolean on() {
      return !clients.isEmpty();
    }

    private static List<Integer> ints(String csv) {
      return csv.isBlank() ? List.of() : Arrays.stream(csv.split(",")).map(String::trim).map(Integer::valueOf).toList();
    }

    /** Space-separated JVM options for Weft; blank: the e2e tier's ({@link WeftProcess#JVM_OPTIONS}). */
    private static List<String> jvm(String options) {
      return options.isBlank() ? WeftProcess.JVM_OPTIONS : List.of(options.trim().split("\\s+"));
    }

    private static List<String> strings(String csv) {
      return csv.isBlank() ? List.of() : Arrays.stream(csv.split(",")).map(String::trim).toList();
    }
  }

  /** One setup, variant and client count: what the clients saw in the measured window. */
  record Result(String setup, String variant, int clients, double seconds, long ok, long errors, Map<String, Long> failures,
      double p50, double p95, double p99, double max) {
    double rps() {
      return ok / seconds;
    }
  }

  /** The pgbench floor: single-row INSERT transactions, one client. */
  record Floor(long transactions, double seconds, double p50Ms, double avgMs, double p99Ms, String settings) {}

  private final Settings settings;
  private final Path cli;
  private final List<Result> results = new ArrayList<>();
  private Floor floor;
  private double loadStart;
  private double loadEnd;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  WebhookBench(Settings settings, Path cli) {
    this.settings = settings;
    this.cli = cli;
  }

  List<Result> results() {
    return results;
  }

  Floor floor() {
    return floor;
  }

  /** Runs every setup, variant and client count, then pgbench; writes the reports and returns the markdown. */
  String run() throws Exception {
    var os = ManagementFactory.getOperatingSystemMXBean();
    loadStart = os.getSystemLoadAverage();
    Path dir = settings.outDir().resolve("webhook");
    Files.createDirectories(dir);
    Path pgDir = dir.resolve("postgres");
    BenchHarness.deleteTree(pgDir);
    try (EmbeddedPostgres postgres = postgres(pgDir)) {
      for (String setup : settings.setups()) runSetup(setup, dir, postgres);
      if (settings.pgbenchSeconds() > 0) floor = pgbench(dir, postgres);
    }
    loadEnd = os.getSystemLoadAverage();
    String md = markdown();
    Files.writeString(settings.outDir().resolve("webhook.md"), md);
    Files.writeString(settings.outDir().resolve("webhook.json"), Json.MAPPER.writeValueAsString(json()));
    return md;
  }

  /**
   * zonky's PostgreSQL 17 as {@link EmbeddedPostgresServer} starts it for a deployment's data
   * ({@code synchronous_commit=on}), except that {@code fsync} is a setting: zonky starts the postmaster with
   * {@code -F} (fsync off), and a later {@code -c fsync=on} wins over it.
   */
  private EmbeddedPostgres postgres(Path pgDir) throws IOException {
    Files.createDirectories(pgDir);
    return EmbeddedPostgres.builder().setDataDirectory(pgDir).setCleanDataDirectory(true).setPort(0)
        .setServerConfig("max_connections", "100").setServerConfig("synchronous_commit", "on")
        .setServerConfig("fsync", settings.fsync() ? "on" : "off")
        .setServerConfig("listen_addresses", "127.0.0.1").setLocaleConfig("locale", "C")
        .setPGStartupWait(Duration.ofSeconds(60)).start();
  }

  private void runSetup(String setup, Path dir, EmbeddedPostgres postgres) throws Exception {
    if (!setup.equals("dev") && !setup.equals("embedded")) {
      throw new IllegalArgumentException("weft.bench.webhook.setups: dev or embedded, not " + setup);
    }
    String db = "weft_" + setup;
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + db);
      s.execute("CREATE DATABASE " + db);
    }
    Path setupDir = dir.resolve(setup);
    BenchHarness.deleteTree(setupDir);
    Files.createDirectories(setupDir);
    TemporalDevServer temporal = setup.equals("dev") ? new TemporalDevServer(cli, setupDir).start() : null;
    WeftProcess weft = new WeftProcess(setupDir, temporal == null ? "unused" : temporal.address(),
        "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + db, "postgres", "postgres", "http://127.0.0.1:9/v1");
    // Embedded mode: no TEMPORAL_ADDRESS, so Weft starts its in-process Temporal server.
    if (temporal == null) weft.env("TEMPORAL_ADDRESS", null);
    weft.jvmOptions(settings.jvmOptions());
    try {
      Rest rest = new Rest(weft::baseUrl);
      weft.start(rest);
      for (String variant : settings.variants()) {
        String path = "bench/" + variant;
        rest.post("/api/workflows", definition(variant, path)).expect(201);
        for (int n : settings.clients()) {
          if (settings.warmupSeconds() > 0) load(weft.baseUrl() + "/hooks/" + path, n, settings.warmupSeconds());
          Result r = load(weft.baseUrl() + "/hooks/" + path, n, settings.seconds());
          r = new Result(setup, variant, n, r.seconds(), r.ok(), r.errors(), r.failures(), r.p50(), r.p95(), r.p99(), r.max());
          results.add(r);
          System.out.printf(Locale.ROOT, "bench webhook %-8s %-4s %2d clients: %7.1f req/s  p50 %7.1f  p95 %7.1f  p99 %7.1f ms  errors %d %s%n",
              setup, variant, n, r.rps(), r.p50(), r.p95(), r.p99(), r.errors(), r.failures());
        }
      }
    } finally {
      weft.stop();
      if (temporal != null) temporal.close();
    }
  }

  /**
   * set → if → set (or code) → respond; the false branch answers 422 and is never taken. {@code wait} far
   * above any latency here: an answer other than the respond node's 200 is an error.
   */
  static String definition(String variant, String path) {
    String second = switch (variant) {
      case "set" -> """
          {"id": "shape", "type": "set", "config": {"values": {"order": "{{ nodes.prepare.output.order }}",
            "total": "{{ nodes.prepare.output.qty * 3 }}", "ok": true}}}""";
      case "code" -> """
          {"id": "shape", "type": "code", "config": {"language": "javascript",
            "source": "return {order: input.order, total: input.qty * 3, ok: true};"}}""";
      default -> throw new IllegalArgumentException("weft.bench.webhook.variants: set or code, not " + variant);
    };
    return """
        {"id": "bench-webhook-%s", "name": "Bench webhook %s", "trigger": {"type": "webhook", "path": "%s", "wait": "60s"},
         "nodes": [
          {"id": "prepare", "type": "set", "config": {"values": {"order": "{{ input.body.order }}", "qty": "{{ input.body.qty }}"}}},
          {"id": "check", "type": "if", "config": {"condition": "input.body.qty > 0"}},
          %s,
          {"id": "reject", "type": "respond", "config": {"status": 422, "body": {"error": "no quantity"}}},
          {"id": "answer", "type": "respond", "config": {}}],
         "edges": [
          {"from": "prepare", "to": "check"},
          {"from": "check", "port": "true", "to": "shape"},
          {"from": "check", "port": "false", "to": "reject"},
          {"from": "shape", "to": "answer"}]}
        """.formatted(variant, variant, path, second);
  }

  /**
   * {@code clients} threads post to {@code url} back to back for {@code seconds}; a request counts when it
   * started inside the window. OK is a 200 whose body is the respond node's output.
   */
  private Result load(String url, int clients, int seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    ConcurrentLinkedQueue<double[]> latencies = new ConcurrentLinkedQueue<>();
    AtomicLong errors = new AtomicLong();
    Map<String, AtomicLong> failures = new java.util.concurrent.ConcurrentHashMap<>();
    List<Thread> threads = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      int client = c;
      threads.add(Thread.ofPlatform().name("webhook-client-" + c).start(() -> {
        List<Double> mine = new ArrayList<>();
        for (long i = 0; System.nanoTime() < end; i++) {
          String order = "o-" + client + "-" + i;
          HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(90))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"order\": \"" + order + "\", \"qty\": " + (i % 5 + 1) + "}")).build();
          long s = System.nanoTime();
          String failure;
          try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            failure = r.statusCode() != 200 ? "HTTP " + r.statusCode()
                : r.body().contains("\"" + order + "\"") && r.body().contains("\"ok\":true") ? null : "unexpected body";
          } catch (IOException e) {
            failure = e.getClass().getSimpleName();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          double ms = (System.nanoTime() - s) / 1e6;
          if (failure == null) mine.add(ms);
          else {
            errors.incrementAndGet();
            failures.computeIfAbsent(failure, k -> new AtomicLong()).incrementAndGet();
          }
        }
        latencies.add(mine.stream().mapToDouble(Double::doubleValue).toArray());
      }));
    }
    for (Thread t : threads) t.join();
    double elapsed = (System.nanoTime() - t0) / 1e9;
    double[] all = latencies.stream().flatMapToDouble(Arrays::stream).sorted().toArray();
    Map<String, Long> f = new java.util.TreeMap<>();
    failures.forEach((k, v) -> f.put(k, v.get()));
    return new Result("", "", clients, elapsed, all.length, errors.get(), f, p(all, 0.5), p(all, 0.95), p(all, 0.99),
        all.length == 0 ? Double.NaN : all[all.length - 1]);
  }

  private static double p(double[] sorted, double q) {
    if (sorted.length == 0) return Double.NaN;
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** pgbench, one client, one INSERT per transaction, per-transaction log for the percentiles. */
  private Floor pgbench(Path dir, EmbeddedPostgres postgres) throws IOException, InterruptedException, SQLException {
    String settingsShown;
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS bench_floor");
      s.execute("CREATE TABLE bench_floor (id bigserial PRIMARY KEY, v text NOT NULL, at timestamptz NOT NULL DEFAULT now())");
      List<String> shown = new ArrayList<>();
      for (String name : List.of("fsync", "synchronous_commit", "wal_sync_method", "full_page_writes")) {
        try (ResultSet r = s.executeQuery("SHOW " + name)) {
          r.next();
          shown.add(name + "=" + r.getString(1));
        }
      }
      settingsShown = String.join(", ", shown);
    }
    Path pgDir = dir.resolve("pgbench");
    BenchHarness.deleteTree(pgDir);
    Files.createDirectories(pgDir);
    Path script = pgDir.resolve("insert.sql");
    Files.writeString(script, "INSERT INTO bench_floor (v) VALUES ('webhook-floor');\n");
    List<String> cmd = List.of(settings.pgbench(), "-n", "-c", "1", "-j", "1", "-T", String.valueOf(settings.pgbenchSeconds()),
        "-f", script.toString(), "-l", "--log-prefix=" + pgDir.resolve("tx"), "-h", "127.0.0.1", "-p",
        String.valueOf(postgres.getPort()), "-U", "postgres", "postgres");
    ProcessBuilder b = new ProcessBuilder(cmd).directory(pgDir.toFile()).redirectErrorStream(true)
        .redirectOutput(pgDir.resolve("pgbench.log").toFile());
    b.environment().put("PGPASSWORD", "postgres");
    Process p = b.start();
    if (!p.waitFor(settings.pgbenchSeconds() + 60L, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("pgbench did not end: " + Files.readString(pgDir.resolve("pgbench.log")));
    }
    if (p.exitValue() != 0) throw new IllegalStateException("pgbench failed: " + Files.readString(pgDir.resolve("pgbench.log")));
    // Per-transaction log lines: client_id transaction_no time_us script_no time_epoch time_us_fraction.
    double[] ms;
    try (var files = Files.list(pgDir)) {
      ms = files.filter(f -> f.getFileName().toString().startsWith("tx.")).flatMap(f -> {
        try {
          return Files.readAllLines(f).stream();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).mapToDouble(l -> Long.parseLong(l.split(" ")[2]) / 1000.0).sorted().toArray();
    }
    Floor f = new Floor(ms.length, settings.pgbenchSeconds(), p(ms, 0.5), Arrays.stream(ms).average().orElse(Double.NaN),
        p(ms, 0.99), settingsShown);
    System.out.printf(Locale.ROOT, "bench pgbench floor: %d commits in %d s, p50 %.3f ms, avg %.3f ms, p99 %.3f ms (%s)%n",
        f.transactions(), settings.pgbenchSeconds(), f.p50Ms(), f.avgMs(), f.p99Ms(), f.settings());
    return f;
  }

  private String markdown() {
    StringBuilder md = new StringBuilder("# Workload 3: the webhook flow\n\n");
    md.append(String.format(Locale.ROOT, "Load average %.2f at the start, %.2f at the end; %d s measured after %d s warm-up per row; "
        + "OK = 200 with the respond node's output. PostgreSQL: synchronous_commit=on, fsync=%s. Weft's JVM: %s.%n%n", loadStart, loadEnd,
        settings.seconds(), settings.warmupSeconds(), settings.fsync() ? "on" : "off", String.join(" ", settings.jvmOptions())));
    md.append("| setup | flow | clients | req/s | p50 ms | p95 ms | p99 ms | max ms | OK | errors |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Result r : results) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %d%s |%n", r.setup(),
          r.variant().equals("set") ? "set → if → set → respond" : "set → if → code (JS) → respond", r.clients(), r.rps(),
          r.p50(), r.p95(), r.p99(), r.max(), r.ok(), r.errors(),
          r.failures().isEmpty() ? "" : " " + r.failures().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
              .collect(Collectors.joining(", "))));
    }
    if (floor != null) {
      md.append(String.format(Locale.ROOT, "%nThe physical floor (pgbench, 1 client, one single-row INSERT per transaction, %d s): "
          + "%d commits, p50 %.3f ms, avg %.3f ms, p99 %.3f ms (%s)%n", settings.pgbenchSeconds(), floor.transactions(),
          floor.p50Ms(), floor.avgMs(), floor.p99Ms(), floor.settings()));
    }
    return md.toString();
  }

  private Map<String, Object> json() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("loadStart", loadStart);
    root.put("loadEnd", loadEnd);
    root.put("seconds", settings.seconds());
    root.put("warmupSeconds", settings.warmupSeconds());
    root.put("fsync", settings.fsync());
    root.put("jvmOptions", settings.jvmOptions());
    root.put("results", results.stream().map(r -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("setup", r.setup());
      m.put("variant", r.variant());
      m.put("clients", r.clients());
      m.put("seconds", r.seconds());
      m.put("rps", r.rps());
      m.put("ok", r.ok());
      m.put("errors", r.errors());
      m.put("failures", r.failures());
      m.put("p50", r.p50());
      m.put("p95", r.p95());
      m.put("p99", r.p99());
      m.put("max", r.max());
      return m;
    }).toList());
    if (floor != null) root.put("pgbench", floor);
    return root;
  }
}
