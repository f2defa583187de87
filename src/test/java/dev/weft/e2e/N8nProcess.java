package dev.weft.e2e;

import static org.awaitility.Awaitility.await;

import dev.weft.definition.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * n8n (issue 15, workload 3 side by side) as a separate process: the version {@code bench/n8n/install.sh}
 * puts under {@code ${WEFT_CACHE_DIR:-~/.cache/weft}/n8n-<version>}, on SQLite in a private user folder,
 * listening on a free port of 127.0.0.1, telemetry off. Workflows are imported and published with n8n's own
 * CLI before the server starts ({@code import:workflow}, {@code publish:workflow}), so no owner account or
 * API key is needed. Stopped by its pid (SIGTERM, then SIGKILL) with every process it started (its task
 * runner), whatever happened.
 */
final class N8nProcess implements AutoCloseable {
  static final String VERSION = "2.8.4";

  private final Path n8n;
  private final Path dir;
  final int port = E2EConfig.freePort();
  private final int brokerPort = E2EConfig.freePort();
  private ManagedProcess process;
  private List<ProcessHandle> children = List.of();

  /** @param n8n the {@code n8n} launcher ({@code node_modules/n8n/bin/n8n}); {@code dir} its user folder and logs */
  N8nProcess(Path n8n, Path dir) {
    this.n8n = n8n;
    this.dir = dir;
  }

  /**
   * Where {@code bench/n8n/install.sh} installs {@link #VERSION}, unless {@code weft.bench.n8n} names another
   * launcher.
   */
  static Path launcher() {
    String configured = System.getProperty("weft.bench.n8n", "");
    if (!configured.isBlank()) return Path.of(configured);
    String cache = System.getenv("WEFT_CACHE_DIR");
    Path base = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "weft");
    return base.resolve("n8n-" + VERSION).resolve("node_modules").resolve("n8n").resolve("bin").resolve("n8n");
  }

  /** The environment of every n8n command: SQLite in the user folder, 127.0.0.1, nothing phoning home. */
  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("N8N_USER_FOLDER", dir.resolve("home").toString());
    env.put("DB_TYPE", "sqlite");
    env.put("N8N_PORT", String.valueOf(port));
    env.put("N8N_LISTEN_ADDRESS", "127.0.0.1");
    env.put("N8N_HOST", "127.0.0.1");
    env.put("N8N_PROTOCOL", "http");
    env.put("WEBHOOK_URL", "http://127.0.0.1:" + port + "/");
    // The JavaScript task runner (always on in n8n 2; internal mode: a child process of n8n) talks to n8n's
    // broker on this port.
    env.put("N8N_RUNNERS_MODE", "internal");
    env.put("N8N_RUNNERS_BROKER_PORT", String.valueOf(brokerPort));
    env.put("N8N_RUNNERS_BROKER_LISTEN_ADDRESS", "127.0.0.1");
    env.put("N8N_DIAGNOSTICS_ENABLED", "false");
    env.put("N8N_VERSION_NOTIFICATIONS_ENABLED", "false");
    env.put("N8N_TEMPLATES_ENABLED", "false");
    env.put("N8N_PERSONALIZATION_ENABLED", "false");
    env.put("N8N_HIRING_BANNER_ENABLED", "false");
    env.put("N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS", "true");
    env.put("N8N_SECURE_COOKIE", "false");
    env.put("N8N_LOG_LEVEL", "warn");
    env.put("NODE_ENV", "production");
    return env;
  }

  /** Imports the workflows into the SQLite database and publishes each (before {@link #start}). */
  void importAndPublish(List<String> workflows) {
    try {
      Path in = dir.resolve("workflows");
      Files.createDirectories(in);
      List<String> ids = new ArrayList<>();
      for (String w : workflows) {
        String id = Json.MAPPER.readTree(w).get("id").asString();
        Files.writeString(in.resolve(id + ".json"), w);
        ids.add(id);
      }
      cli("import", "import:workflow", "--separate", "--input=" + in);
      for (String id : ids) cli("publish-" + id, "publish:workflow", "--id=" + id);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One n8n CLI command, bounded to three minutes; fails with its log unless it exits 0. */
  private void cli(String name, String... args) {
    List<String> cmd = new ArrayList<>(List.of(n8n.toString()));
    cmd.addAll(List.of(args));
    ManagedProcess p = ManagedProcess.start("n8n-" + name, cmd, env(), dir.resolve("n8n-cli.log"));
    int exit = p.waitFor(180);
    if (exit != 0) throw new IllegalStateException("n8n " + String.join(" ", args) + " exited " + exit + ":\n" + p.tail(40));
  }

  /** Starts {@code n8n start} and waits until it is ready and {@code probe} (a webhook URL) answers 200. */
  N8nProcess start(String probeUrl, String probeBody) {
    process = ManagedProcess.start("n8n", List.of(n8n.toString(), "start"), env(), dir.resolve("n8n.log"));
    // HTTP/1.1 as the benchmark's clients: n8n does not answer an h2c upgrade request on its webhook port.
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    await("n8n " + process + " serving " + probeUrl).atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
        .failFast("n8n exited: " + process.log(), () -> !process.alive())
        .ignoreExceptions()
        .until(() -> http.send(HttpRequest.newBuilder(URI.create(probeUrl)).timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(probeBody)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    children = ProcessHandle.of(process.pid()).map(h -> h.descendants().toList()).orElse(List.of());
    return this;
  }

  String webhookUrl(String path) {
    return "http://127.0.0.1:" + port + "/webhook/" + path;
  }

  /** The resident set of n8n and its task runner(s), in KiB (from /proc), or -1. */
  long rssKiB() {
    if (process == null) return -1;
    long total = 0;
    List<ProcessHandle> all = new ArrayList<>(ProcessHandle.of(process.pid()).map(h -> h.descendants().toList()).orElse(List.of()));
    all.add(ProcessHandle.of(process.pid()).orElse(null));
    for (ProcessHandle h : all) {
      if (h == null) continue;
      try {
        Matcher m = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc", String.valueOf(h.pid()), "status")));
        if (m.find()) total += Long.parseLong(m.group(1));
      } catch (IOException e) {
        // gone in between: not counted
      }
    }
    return total;
  }

  /** SIGTERM (n8n stops its runner), SIGKILL after 30 s; then whatever it started that is still there, by pid. */
  @Override
  public void close() {
    if (process == null) return;
    List<ProcessHandle> started = new ArrayList<>(children);
    ProcessHandle.of(process.pid()).ifPresent(h -> started.addAll(h.descendants().toList()));
    process.stop(30);
    for (ProcessHandle h : started) {
      if (!h.isAlive()) continue;
      h.destroy();
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    }
  }

  /** The n8n workflow id of a benchmark variant ({@code bench<variant>}, as n8n's ids: letters and digits). */
  static String workflowId(String variant) {
    return ("weftbench" + variant + "0000000000000000").substring(0, 16);
  }

  /**
   * The n8n equivalent of {@link WebhookBench#definition}: Webhook (POST {@code path}, answered by a Respond node)
   * → Set (order, qty from the body) → If (qty &gt; 0) → [variant] → Respond to Webhook (the first item as JSON);
   * the false branch answers 422 and is never taken. Variants: {@code set} (a Set node: order, total = qty × 3,
   * ok = true), {@code code} (a JavaScript Code node, once per item, returning the same), {@code set<N>} (N Set
   * nodes in a row: N − 1 passing order and qty on, then the {@code set} variant's one).
   */
  static String workflow(String variant, String path) {
    int sets = WebhookBench.setNodes(variant);
    List<Map<String, Object>> nodes = new ArrayList<>();
    Map<String, Object> connections = new LinkedHashMap<>();
    int x = 0;
    nodes.add(node("Webhook", "n8n-nodes-base.webhook", 2, x, Map.of("httpMethod", "POST", "path", path,
        "responseMode", "responseNode", "options", Map.of()), Map.of("webhookId", java.util.UUID.nameUUIDFromBytes(
            ("weft-bench-" + path).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString())));
    nodes.add(node("Prepare", "n8n-nodes-base.set", 3.4, x += 220, set(assign("order", "={{ $json.body.order }}", "string"),
        assign("qty", "={{ $json.body.qty }}", "number")), Map.of()));
    connect(connections, "Webhook", 0, "Prepare");
    nodes.add(node("Check", "n8n-nodes-base.if", 2.2, x += 220, Map.of("conditions", Map.of(
        "options", Map.of("caseSensitive", true, "leftValue", "", "typeValidation", "strict", "version", 2),
        "conditions", List.of(Map.of("id", "qty-positive", "leftValue", "={{ $json.qty }}", "rightValue", 0,
            "operator", Map.of("type", "number", "operation", "gt"))),
        "combinator", "and"), "options", Map.of()), Map.of()));
    connect(connections, "Prepare", 0, "Check");
    String previous = "Check";
    if (sets == 0) {
      nodes.add(node("Shape", "n8n-nodes-base.code", 2, x += 220, Map.of("mode", "runOnceForEachItem",
          "jsCode", "return {order: $json.order, total: $json.qty * 3, ok: true};"), Map.of()));
      connect(connections, previous, 0, "Shape");
      previous = "Shape";
    } else {
      for (int i = 1; i <= sets; i++) {
        String name = sets == 1 ? "Shape" : "Shape " + i;
        Map<String, Object> params = i < sets
            ? set(assign("order", "={{ $json.order }}", "string"), assign("qty", "={{ $json.qty }}", "number"))
            : set(assign("order", "={{ $json.order }}", "string"), assign("total", "={{ $json.qty * 3 }}", "number"),
                assign("ok", true, "boolean"));
        nodes.add(node(name, "n8n-nodes-base.set", 3.4, x += 220, params, Map.of()));
        connect(connections, previous, 0, name);
        previous = name;
      }
    }
    nodes.add(node("Reject", "n8n-nodes-base.respondToWebhook", 1.1, x, Map.of("respondWith", "json",
        "responseBody", "{\"error\": \"no quantity\"}", "options", Map.of("responseCode", 422)), Map.of()));
    connect(connections, "Check", 1, "Reject");
    nodes.add(node("Answer", "n8n-nodes-base.respondToWebhook", 1.1, x + 220, Map.of("respondWith", "firstIncomingItem",
        "options", Map.of()), Map.of()));
    connect(connections, previous, 0, "Answer");
    Map<String, Object> workflow = new LinkedHashMap<>();
    workflow.put("id", workflowId(variant));
    workflow.put("name", "Bench webhook " + variant);
    workflow.put("active", false);
    workflow.put("nodes", nodes);
    workflow.put("connections", connections);
    workflow.put("settings", Map.of("executionOrder", "v1"));
    workflow.put("pinData", Map.of());
    return Json.MAPPER.writeValueAsString(workflow);
  }

  private static Map<String, Object> node(String name, String type, double version, int x, Map<String, Object> parameters,
      Map<String, Object> extra) {
    Map<String, Object> n = new LinkedHashMap<>();
    n.put("id", java.util.UUID.nameUUIDFromBytes(("weft-bench-node-" + name).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString());
    n.put("name", name);
    n.put("type", type);
    n.put("typeVersion", version == Math.rint(version) ? (Object) (int) version : (Object) version);
    n.put("position", List.of(x, 0));
    n.put("parameters", parameters);
    n.putAll(extra);
    return n;
  }

  @SafeVarargs
  private static Map<String, Object> set(Map<String, Object>... assignments) {
    return Map.of("mode", "manual", "assignments", Map.of("assignments", List.of(assignments)), "options", Map.of());
  }

  private static Map<String, Object> assign(String name, Object value, String type) {
    return Map.of("id", "a-" + name, "name", name, "value", value, "type", type);
  }

  /** {@code from}'s output {@code index} (If: 0 true, 1 false) to {@code to}'s first input. */
  @SuppressWarnings("unchecked")
  private static void connect(Map<String, Object> connections, String from, int index, String to) {
    Map<String, Object> out = (Map<String, Object>) connections.computeIfAbsent(from, k -> new LinkedHashMap<>(Map.of("main", new ArrayList<>())));
    List<List<Map<String, Object>>> main = (List<List<Map<String, Object>>>) out.get("main");
    while (main.size() <= index) main.add(new ArrayList<>());
    main.get(index).add(Map.of("node", to, "type", "main", "index", 0));
  }
}
