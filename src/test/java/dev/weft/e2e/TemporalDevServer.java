package dev.weft.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code temporal server start-dev} as a child process: frontend, UI and HTTP on free ports of
 * 127.0.0.1, state in a SQLite file so it survives a restart on the same ports, and Weft's search
 * attributes registered.
 */
final class TemporalDevServer implements AutoCloseable {
  static final List<String> SEARCH_ATTRIBUTES = List.of("WeftWorkflowId=Keyword", "WeftWorkflowVersion=Int",
      "WeftStatus=Keyword", "WeftWaitingNodes=KeywordList", "WeftTenant=Keyword");

  /**
   * Dynamic config every start passes, as temporal/dev-server.sh does: the transfer queue read 1000
   * times a second instead of 20, which removes a ~50 ms wait from every workflow task (docs/performance.md).
   */
  static final Map<String, String> TUNED = Map.of("history.transferProcessorMaxPollRPS", "1000");

  private final Path cli;
  private final Path dir;
  private final Map<String, String> dynamicConfig;
  final int port = E2EConfig.freePort();
  final int uiPort = E2EConfig.freePort();
  final int httpPort = E2EConfig.freePort();
  final int metricsPort = E2EConfig.freePort();
  private ManagedProcess process;
  private int starts;

  TemporalDevServer(Path cli, Path dir) {
    this(cli, dir, TUNED);
  }

  /** @param dynamicConfig {@code --dynamic-config-value} pairs (the benchmark also starts it with none) */
  TemporalDevServer(Path cli, Path dir, Map<String, String> dynamicConfig) {
    this.cli = cli;
    this.dir = dir;
    this.dynamicConfig = Map.copyOf(dynamicConfig);
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  String uiUrl() {
    return "http://127.0.0.1:" + uiPort;
  }

  Path dbFile() {
    return dir.resolve("temporal.db");
  }

  /** Starts the server (again, on the same ports and database file) and waits until it answers. */
  TemporalDevServer start() {
    List<String> cmd = new ArrayList<>(List.of(cli.toString(), "server", "start-dev",
        "--ip", "127.0.0.1", "--port", String.valueOf(port), "--ui-port", String.valueOf(uiPort),
        "--http-port", String.valueOf(httpPort), "--metrics-port", String.valueOf(metricsPort),
        "--db-filename", dbFile().toString(), "--namespace", "default", "--log-level", "warn"));
    for (String sa : SEARCH_ATTRIBUTES) {
      cmd.add("--search-attribute");
      cmd.add(sa);
    }
    new java.util.TreeMap<>(dynamicConfig).forEach((key, value) -> {
      cmd.add("--dynamic-config-value");
      cmd.add(key + "=" + value);
    });
    starts++;
    process = ManagedProcess.start("temporal", cmd, Map.of(), dir.resolve("temporal-" + starts + ".log"));
    await("Temporal dev server at " + address()).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
        .failFast("the Temporal dev server exited: " + process.log(), () -> !process.alive())
        .until(() -> cli("operator", "namespace", "describe", "--namespace", "default").exit() == 0);
    return this;
  }

  /** Graceful stop (SIGTERM): SQLite is flushed and the next start finds every run. */
  void stop() {
    if (process != null) process.stop(30);
  }

  /** A CLI command against this server; bounded to a minute. */
  Cli cli(String... args) {
    List<String> cmd = new ArrayList<>(List.of(cli.toString()));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--address", address(), "--namespace", "default"));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out;
      try (var in = p.getInputStream()) {
        out = in.readAllBytes();
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Cli(-1, new String(out, StandardCharsets.UTF_8));
      }
      return new Cli(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A finished CLI command: its exit code and its combined output. */
  record Cli(int exit, String output) {
    Cli ok() {
      if (exit != 0) throw new AssertionError("temporal CLI exited " + exit + ":\n" + output);
      return this;
    }
  }

  String tail() {
    return process == null ? "" : process.tail(40);
  }

  @Override
  public void close() {
    stop();
  }

  static void writeNote(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
