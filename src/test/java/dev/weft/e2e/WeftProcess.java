package dev.weft.e2e;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The packaged Weft jar as a separate process ({@code java -jar}), pointed at a real Temporal and PostgreSQL. */
final class WeftProcess {
  private final Path dir;
  private final Map<String, String> env;
  final int port = E2EConfig.freePort();
  private ManagedProcess process;
  private int starts;
  /** The JVM's options: a small heap and C1 only, for a quick start-up (the benchmark may set others). */
  static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
  private List<String> jvmOptions = JVM_OPTIONS;

  /** The API key of the e2e model profile: it must never show up in logs, events or answers. */
  static final String LLM_KEY = "sk-e2e-secret-4f1c9a7d2b";
  /** A rate limit no e2e test reaches, per principal and per tenant. */
  private static final String HIGH = "{\"principal\": 100000, \"tenant\": 100000}";

  /** @param modelBaseUrl an OpenAI-compatible endpoint (up to /v1) for the {@code default} model profile */
  WeftProcess(Path dir, String temporalAddress, String jdbcUrl, String dbUser, String dbPassword, String modelBaseUrl) {
    this(dir, temporalAddress, jdbcUrl, dbUser, dbPassword, modelBaseUrl, Map.of());
  }

  /** @param extraEnv more environment for the process (settings of one test class) */
  WeftProcess(Path dir, String temporalAddress, String jdbcUrl, String dbUser, String dbPassword, String modelBaseUrl,
      Map<String, String> extraEnv) {
    this.dir = dir;
    this.env = new java.util.HashMap<>(extraEnv);
    this.env.putAll(Map.ofEntries(
        // The profile as JSON, as a container platform would pass it; the key only by the name of its variable.
        // The rate limits of the default tier far out of reach: SchemathesisE2E fires thousands of requests with one key.
        Map.entry("SPRING_APPLICATION_JSON", """
            {"weft": {"ai": {"models": {"default": {"provider": "openai", "base-url": "%s", "model": "e2e-model",
              "api-key-env": "E2E_LLM_KEY", "input-price-per1k": 1, "output-price-per1k": 2}}},
             "limits": {"tiers": {"enterprise": {"save": %s, "run-starts": %s, "webhook": %s, "sse": %s, "generation": %s,
              "agent-messages": %s, "test-node": %s, "open-streams": 1000}}}}}"""
            .formatted(modelBaseUrl, HIGH, HIGH, HIGH, HIGH, HIGH, HIGH, HIGH)),
        Map.entry("E2E_LLM_KEY", LLM_KEY),
        Map.entry("TEMPORAL_ADDRESS", temporalAddress),
        Map.entry("TEMPORAL_NAMESPACE", "default"),
        Map.entry("SPRING_DATASOURCE_URL", jdbcUrl),
        Map.entry("SPRING_DATASOURCE_USERNAME", dbUser),
        Map.entry("SPRING_DATASOURCE_PASSWORD", dbPassword),
        Map.entry("SERVER_PORT", String.valueOf(port)),
        Map.entry("SERVER_ADDRESS", "127.0.0.1"),
        Map.entry("WEFT_ADMIN_KEY", E2EConfig.ADMIN_KEY),
        // The http node's outbound guard refuses loopback by default; the harness's stubs listen on 127.0.0.1.
        Map.entry("WEFT_OUTBOUND_ALLOW", "127.0.0.1/32")));
  }

  /**
   * Sets ({@code value} non-null) or removes a variable of the environment the next {@link #start} uses: a
   * restart with other settings, on the same port and database.
   */
  void env(String name, String value) {
    if (value == null) env.remove(name);
    else env.put(name, value);
  }

  /** The JVM options of the next {@link #start}. */
  void jvmOptions(List<String> options) {
    jvmOptions = List.copyOf(options);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** Starts a new process on the same port and waits until its health is UP. */
  void start(Rest rest) {
    starts++;
    List<String> cmd = new java.util.ArrayList<>(List.of(E2EConfig.java()));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-jar", E2EConfig.jar().toAbsolutePath().toString()));
    process = ManagedProcess.start("weft", cmd, env, dir.resolve("weft-" + starts + ".log"));
    await("Weft " + process + " healthy").atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500))
        .failFast("Weft exited: " + process.log(), () -> !process.alive())
        .ignoreExceptions()
        .until(() -> rest.get("/actuator/health").status() == 200);
  }

  long pid() {
    return process.pid();
  }

  /** kill -9: the crash under test. */
  void kill() {
    if (process != null) process.kill();
  }

  void stop() {
    if (process != null) process.stop(30);
  }

  /** Every log line this Weft wrote, all starts. */
  String logs() {
    try (var files = java.nio.file.Files.list(dir)) {
      StringBuilder all = new StringBuilder();
      for (Path p : files.filter(f -> f.getFileName().toString().startsWith("weft-")).sorted().toList()) {
        all.append(java.nio.file.Files.readString(p));
      }
      return all.toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  String tail() {
    return process == null ? "" : process.tail(60);
  }
}
