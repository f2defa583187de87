package dev.weft.e2e;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL-backed Temporal server as the benchmark's target: a private PostgreSQL (zonky's 17, as
 * {@link WebhookBench} starts it: {@code synchronous_commit=on}, {@code fsync=on}) and
 * {@code temporal/postgres-server.sh start} on free ports of 127.0.0.1, every file under one directory.
 * Tuned: the script's shipped dynamic config ({@code temporal/dynamicconfig/development-sql.yaml}, with
 * {@code history.transferProcessorMaxPollRPS: 1000}); default: a copy of it without that key, through the
 * script's {@code WEFT_TEMPORAL_DYNAMIC_CONFIG}. {@link #close} runs the script's {@code stop}, then stops
 * PostgreSQL.
 */
final class PostgresTemporalServer implements BenchHarness.Server {
  static final String TUNED_KEY = "history.transferProcessorMaxPollRPS";
  private static final Path SCRIPTS = Path.of("temporal").toAbsolutePath();

  private final EmbeddedPostgres postgres;
  private final Map<String, String> env;
  private final Path dir;
  private final int port;
  private Thread hook;

  private PostgresTemporalServer(EmbeddedPostgres postgres, Map<String, String> env, Path dir, int port) {
    this.postgres = postgres;
    this.env = env;
    this.dir = dir;
    this.port = port;
  }

  /**
   * @param transferPollRps {@code history.transferProcessorMaxPollRPS}: null = the shipped file as it is (1000),
   *     0 = the file without the key (the server's default, 20), else that value
   */
  static PostgresTemporalServer start(Integer transferPollRps, Path cli, Path dir) {
    EmbeddedPostgres postgres = null;
    try {
      Path pgDir = dir.resolve("postgres");
      Files.createDirectories(pgDir);
      // Temporal's four services each keep their own pools (up to 20 + 10 connections): more than zonky's 100.
      postgres = EmbeddedPostgres.builder().setDataDirectory(pgDir).setCleanDataDirectory(true).setPort(0)
          .setServerConfig("max_connections", "300").setServerConfig("synchronous_commit", "on").setServerConfig("fsync", "on")
          .setServerConfig("listen_addresses", "127.0.0.1").setLocaleConfig("locale", "C")
          .setPGStartupWait(Duration.ofSeconds(60)).start();
      Path dynamicConfig = SCRIPTS.resolve("dynamicconfig/development-sql.yaml");
      if (transferPollRps != null) {
        String without = withoutKey(Files.readString(dynamicConfig), TUNED_KEY);
        dynamicConfig = dir.resolve("dynamicconfig-rps" + transferPollRps + ".yaml");
        Files.writeString(dynamicConfig, transferPollRps == 0 ? without
            : without + "\n" + TUNED_KEY + ":\n  - value: " + transferPollRps + "\n    constraints: {}\n");
      }
      int port = E2EConfig.freePort();
      Map<String, String> env = new LinkedHashMap<>();
      env.put("WEFT_PG_HOST", "127.0.0.1");
      env.put("WEFT_PG_PORT", String.valueOf(postgres.getPort()));
      env.put("WEFT_PG_USER", "postgres");
      env.put("WEFT_PG_PASSWORD", "postgres");
      env.put("WEFT_TEMPORAL_PORT", String.valueOf(port));
      env.put("WEFT_TEMPORAL_HTTP_PORT", String.valueOf(E2EConfig.freePort()));
      env.put("WEFT_TEMPORAL_METRICS_PORT", String.valueOf(E2EConfig.freePort()));
      env.put("WEFT_TEMPORAL_PORT_BASE", String.valueOf(portBase()));
      env.put("WEFT_TEMPORAL_STATE_DIR", dir.resolve("temporal").toString());
      env.put("WEFT_TEMPORAL_DYNAMIC_CONFIG", dynamicConfig.toString());
      env.put("TEMPORAL_CLI", cli.toString());
      PostgresTemporalServer server = new PostgresTemporalServer(postgres, env, dir, port);
      server.script("start", 300);
      server.guard();
      return server;
    } catch (IOException | RuntimeException e) {
      if (postgres != null) {
        stopScript(env(postgres, dir), dir);
        closePostgres(postgres);
      }
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /** For the clean-up of a failed start: enough of the environment for {@code stop} (it needs only the state dir). */
  private static Map<String, String> env(EmbeddedPostgres postgres, Path dir) {
    return Map.of("WEFT_TEMPORAL_STATE_DIR", dir.resolve("temporal").toString(), "WEFT_PG_PORT", String.valueOf(postgres.getPort()));
  }

  private static void stopScript(Map<String, String> env, Path dir) {
    try {
      run(List.of(SCRIPTS.resolve("postgres-server.sh").toString(), "stop"), env, dir.resolve("postgres-server-stop.log"), 60);
    } catch (RuntimeException e) {
      // The start failed already; that failure is the one to report.
    }
  }

  /**
   * The script's internal ports: membership base..base+3 and gRPC base+10..base+12, all free now (the ports
   * after a random free one, tried until a whole block is free).
   */
  static int portBase() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = E2EConfig.freePort();
      if (base > 65_000) continue;
      if (List.of(1, 2, 3, 10, 11, 12).stream().allMatch(d -> free(base + d))) return base;
    }
    throw new IllegalStateException("no free block of ports for Temporal's internal services");
  }

  private static boolean free(int port) {
    try (var s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A dynamic-config YAML without one key (its line and the indented lines of its values), comments kept. */
  static String withoutKey(String yaml, String key) {
    List<String> kept = new ArrayList<>();
    boolean skipping = false;
    for (String line : yaml.split("\n", -1)) {
      if (line.startsWith(key + ":")) {
        skipping = true;
      } else if (!(skipping && (line.startsWith(" ") || line.startsWith("\t")))) {
        skipping = false;
        kept.add(line);
      }
    }
    return String.join("\n", kept);
  }

  @Override
  public String address() {
    return "127.0.0.1:" + port;
  }

  private void script(String command, int seconds) {
    run(List.of(SCRIPTS.resolve("postgres-server.sh").toString(), command), env, dir.resolve("postgres-server-" + command + ".log"), seconds);
  }

  private static void run(List<String> cmd, Map<String, String> env, Path log, int seconds) {
    try {
      ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      b.environment().putAll(env);
      Process p = b.start();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " did not end in " + seconds + " s: " + Files.readString(log));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + Files.readString(log, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void closePostgres(EmbeddedPostgres postgres) {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The script starts the server detached ({@code setsid}): should this JVM end before {@link #close}, a
   * shutdown hook kills it by the pid the script recorded.
   */
  private void guard() throws IOException {
    long pid = Long.parseLong(Files.readString(dir.resolve("temporal").resolve("temporal-server.pid")).trim());
    hook = new Thread(() -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly), "bench-stop-temporal-server-" + pid);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  @Override
  public void close() {
    if (hook != null) Runtime.getRuntime().removeShutdownHook(hook);
    List<RuntimeException> failures = new ArrayList<>();
    try {
      script("stop", 60);
    } catch (RuntimeException e) {
      failures.add(e);
    }
    try {
      closePostgres(postgres);
    } catch (RuntimeException e) {
      failures.add(e);
    }
    if (!failures.isEmpty()) throw failures.getFirst();
  }
}
