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
 * a database per setup. A third setup, {@code n8n} (off unless named), runs the same flow in n8n
 * ({@link N8nProcess}) with the same clients, bodies and OK check. The setups run one at a time, in the order
 * given, the whole sequence {@code weft.bench.webhook.repeat} times (so they alternate). Then the pgbench floor:
 * single-row INSERT commits, one client, on that PostgreSQL. Writes {@code webhook.md} and {@code webhook.json}.
 */
final class WebhookBench {
  /**
   * @param clients client counts (empty: off); {@code seconds} measured and {@code warmupSeconds} warm-up per
   *     client count; {@code setups}: {@code dev}, {@code embedded}, {@code n8n}; {@code variants}: {@code set} (set →
   *     if → set → respond), {@code code} (the second set a JavaScript {@code code} node), {@code set<N>} (N sets
   *     in a row in its place: the per-step cost); {@code repeat}: how many times the whole sequence of setups
   *     runs; {@code pgbenchSeconds}: 0 = no pgbench floor; {@code fsync}: PostgreSQL's fsync (zonky's default is
   *     off); {@code jvmOptions}: Weft's JVM; {@code n8n}: n8n's launcher (setup {@code n8n} only)
   */
  record Settings(List<Integer> clients, int seconds, int warmupSeconds, List<String> setups, List<String> variants,
      int repeat, int pgbenchSeconds, String pgbench, boolean fsync, List<String> jvmOptions, Path n8n, Path outDir) {
    static Settings fromSystemProperties(Path outDir) {
      return new Settings(ints(System.getProperty("weft.bench.webhook", "")),
          Integer.getInteger("weft.bench.webhook.seconds", 20), Integer.getInteger("weft.bench.webhook.warmup", 5),
          strings(System.getProperty("weft.bench.webhook.setups", "dev,embedded")),
          strings(System.getProperty("weft.bench.webhook.variants", "set,code")),
          Integer.getInteger("weft.bench.webhook.repeat", 1),
          Integer.getInteger("weft.bench.pgbench.seconds", 10), System.getProperty("weft.bench.pgbench", "/usr/bin/pgbench"),
          Boolean.parseBoolean(System.getProperty("weft.bench.webhook.fsync", "true")),
          jvm(System.getProperty("weft.bench.webhook.jvm-options", "")), N8nProcess.launcher(), outDir);
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
  record Result(String setup, int round, String variant, int clients, double seconds, long ok, long errors, Map<String, Long> failures,
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
      for (int round = 1; round <= settings.repeat(); round++) {
        for (String setup : settings.setups()) {
          if (setup.equals("n8n")) runN8n(round, dir);
          else runSetup(setup, round, dir, postgres);
        }
      }
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

  private void runSetup(String setup, int round, Path dir, EmbeddedPostgres postgres) throws Exception {
    if (!setup.equals("dev") && !setup.equals("embedded")) {
      throw new IllegalArgumentException("weft.bench.webhook.setups: dev, embedded or n8n, not " + setup);
    }
    String db = "weft_" + setup;
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + db);
      s.execute("CREATE DATABASE " + db);
    }
    Path setupDir = dir.resolve(setup + "-" + round);
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
        measure(setup, round, variant, weft.baseUrl() + "/hooks/" + path);
      }
    } finally {
      weft.stop();
      if (temporal != null) temporal.close();
    }
  }

  /** n8n on SQLite with every variant imported and published, then the same clients against its webhooks. */
  private void runN8n(int round, Path dir) throws Exception {
    Path setupDir = dir.resolve("n8n-" + round);
    BenchHarness.deleteTree(setupDir);
    Files.createDirectories(setupDir);
    try (N8nProcess n8n = new N8nProcess(settings.n8n(), setupDir)) {
      n8n.importAndPublish(settings.variants().stream().map(v -> N8nProcess.workflow(v, "bench-" + v)).toList());
      String first = settings.variants().getFirst();
      n8n.start(n8n.webhookUrl("bench-" + first), "{\"order\": \"probe\", \"qty\": 1}");
      for (String variant : settings.variants()) measure("n8n", round, variant, n8n.webhookUrl("bench-" + variant));
      System.out.printf(Locale.ROOT, "bench webhook n8n %s: RSS %d MiB (n8n and its task runner, after the load)%n",
          N8nProcess.VERSION, n8n.rssKiB() / 1024);
    }
  }

  /** Warm-up, then the measured window, per client count, against one webhook URL. */
  private void measure(String setup, int round, String variant, String url) throws InterruptedException {
    for (int n : settings.clients()) {
      if (settings.warmupSeconds() > 0) load(url, n, settings.warmupSeconds());
      Result r = load(url, n, settings.seconds());
      r = new Result(setup, round, variant, n, r.seconds(), r.ok(), r.errors(), r.failures(), r.p50(), r.p95(), r.p99(), r.max());
      results.add(r);
      System.out.printf(Locale.ROOT, "bench webhook %-8s #%d %-5s %2d clients: %7.1f req/s  p50 %7.1f  p95 %7.1f  p99 %7.1f ms  errors %d %s%n",
          setup, round, variant, n, r.rps(), r.p50(), r.p95(), r.p99(), r.errors(), r.failures());
    }
  }

  /**
   * How many {@code set} nodes a variant has after the {@code if}: {@code set} 1, {@code set<N>} N (at least 1),
   * {@code code} 0 (a code node instead).
   */
  static int setNodes(String variant) {
    if (variant.equals("code")) return 0;
    if (variant.equals("set")) return 1;
    if (variant.matches("set[1-9][0-9]{0,2}")) return Integer.parseInt(variant.substring(3));
    throw new IllegalArgumentException("weft.bench.webhook.variants: set, code or set<N> (N sets in a row), not " + variant);
  }

  /**
   * set → if → set (or code, or N sets in a row) → respond; the false branch answers 422 and is never taken.
   * {@code wait} far above any latency here: an answer other than the respond node's 200 is an error.
   */
  static String definition(String variant, String path) {
    int sets = setNodes(variant);
    StringBuilder second = new StringBuilder();
    StringBuilder chain = new StringBuilder();
    String last = "shape";
    if (sets == 0) {
      second.append("""
          {"id": "shape", "type": "code", "config": {"language": "javascript",
            "source": "return {order: input.order, total: input.qty * 3, ok: true};"}}""");
    }
    for (int i = 1; i <= sets; i++) {
      String id = sets == 1 ? "shape" : "shape" + i;
      if (i > 1) {
        second.append(",\n");
        chain.append("{\"from\": \"").append(last).append("\", \"to\": \"").append(id).append("\"},\n");
      }
      second.append("""
          {"id": "%s", "type": "set", "config": {"values": {"order": "{{ nodes.prepare.output.order }}",
            "total": "{{ nodes.prepare.output.qty * 3 }}", "ok": true}}}""".formatted(id));
      last = id;
    }
    String first = sets > 1 ? "shape1" : "shape";
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
          {"from": "check", "port": "true", "to": "%s"},
          {"from": "check", "port": "false", "to": "reject"},
          %s{"from": "%s", "to": "answer"}]}
        """.formatted(variant, variant, path, second, first, chain, last);
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
    return new Result("", 0, "", clients, elapsed, all.length, errors.get(), f, p(all, 0.5), p(all, 0.95), p(all, 0.99),
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
    md.append(String.format(Locale.ROOT, "Setups one at a time in this order: %s, the sequence run %d time(s) (column run).%s%n%n",
        String.join(", ", settings.setups()), settings.repeat(), settings.setups().contains("n8n")
            ? " n8n " + N8nProcess.VERSION + " (SQLite, its defaults otherwise: every execution saved, the Code node in its "
                + "internal task runner)." : ""));
    md.append("| setup | run | flow | clients | req/s | p50 ms | p95 ms | p99 ms | max ms | OK | errors |\n");
    md.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Result r : results) {
      md.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %d%s |%n", r.setup(),
          r.round(), flow(r.variant()), r.clients(), r.rps(),
          r.p50(), r.p95(), r.p99(), r.max(), r.ok(), r.errors(),
          r.failures().isEmpty() ? "" : " " + r.failures().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
              .collect(Collectors.joining(", "))));
    }
    md.append(comparison());
    md.append(perStep());
    if (floor != null) {
      md.append(String.format(Locale.ROOT, "%nThe physical floor (pgbench, 1 client, one single-row INSERT per transaction, %d s): "
          + "%d commits, p50 %.3f ms, avg %.3f ms, p99 %.3f ms (%s)%n", settings.pgbenchSeconds(), floor.transactions(),
          floor.p50Ms(), floor.avgMs(), floor.p99Ms(), floor.settings()));
    }
    return md.toString();
  }

  static String flow(String variant) {
    int sets = setNodes(variant);
    return sets == 0 ? "set → if → code (JS) → respond" : sets == 1 ? "set → if → set → respond" : "set → if → " + sets + "× set → respond";
  }

  /** The median over runs of one figure of one setup, variant and client count; NaN if there is none. */
  private double median(String setup, String variant, int clients, java.util.function.ToDoubleFunction<Result> figure) {
    double[] v = results.stream().filter(r -> r.setup().equals(setup) && r.variant().equals(variant) && r.clients() == clients)
        .mapToDouble(figure).sorted().toArray();
    if (v.length == 0) return Double.NaN;
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** Weft's setups beside n8n: medians over the runs, ratios Weft/n8n (throughput: higher is Weft faster; p50: lower is). */
  private String comparison() {
    List<String> weft = settings.setups().stream().filter(s -> !s.equals("n8n")).distinct().toList();
    if (!settings.setups().contains("n8n") || weft.isEmpty()) return "";
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "%nWeft beside n8n (median of %d run(s) per row; "
        + "req/s ratio > 1 and p50 ratio < 1: Weft is faster):%n%n", settings.repeat()));
    md.append("| flow | clients | n8n req/s | n8n p50 ms |");
    for (String w : weft) md.append(" ").append(w).append(" req/s | ").append(w).append(" p50 ms | ").append(w)
        .append("/n8n req/s | ").append(w).append("/n8n p50 |");
    md.append("\n|---|---:|---:|---:|").append("---:|---:|---:|---:|".repeat(weft.size())).append("\n");
    for (String variant : settings.variants()) {
      for (int n : settings.clients()) {
        double rps = median("n8n", variant, n, Result::rps);
        double p50 = median("n8n", variant, n, Result::p50);
        md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f |", flow(variant), n, rps, p50));
        for (String w : weft) {
          double wr = median(w, variant, n, Result::rps);
          double wp = median(w, variant, n, Result::p50);
          md.append(String.format(Locale.ROOT, " %.1f | %.1f | %.2f | %.2f |", wr, wp, wr / rps, wp / p50));
        }
        md.append("\n");
      }
    }
    return md.toString();
  }

  /**
   * The cost of one more set node, per setup, at the fewest clients: (p50 of {@code set<N>} − p50 of {@code set})
   * / (N − 1), medians over the runs.
   */
  private String perStep() {
    List<String> longer = settings.variants().stream().filter(v -> setNodes(v) > 1).toList();
    if (longer.isEmpty() || !settings.variants().contains("set")) return "";
    int n = settings.clients().stream().min(Integer::compare).orElseThrow();
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "%nPer set node (%d client(s), p50, median of the runs):%n%n", n));
    md.append("| setup | flow | p50 ms | set → if → set → respond p50 ms | ms per extra set node |\n|---|---|---:|---:|---:|\n");
    for (String setup : settings.setups().stream().distinct().toList()) {
      double base = median(setup, "set", n, Result::p50);
      for (String v : longer) {
        double p50 = median(setup, v, n, Result::p50);
        md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.2f |%n", setup, flow(v), p50, base,
            (p50 - base) / (setNodes(v) - 1)));
      }
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
    root.put("setups", settings.setups());
    root.put("repeat", settings.repeat());
    if (settings.setups().contains("n8n")) root.put("n8nVersion", N8nProcess.VERSION);
    root.put("results", results.stream().map(r -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("setup", r.setup());
      m.put("round", r.round());
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
