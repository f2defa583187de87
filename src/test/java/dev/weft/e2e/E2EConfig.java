package dev.weft.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/** Where the e2e tier finds its pieces; each can be overridden by a system property or variable. */
final class E2EConfig {
  /** The admin key Weft is started with and every request carries (API keys arrive with the security work). */
  static final String ADMIN_KEY = "e2e-admin-key-0123456789abcdef";
  static final String CLI_VERSION = "v1.9.1";
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private E2EConfig() {}

  /**
   * The Temporal CLI: {@code -Dweft.e2e.temporal-cli}, else {@code WEFT_TEMPORAL_CLI}, else where
   * {@code temporal/install.sh} puts it: {@code ${WEFT_CACHE_DIR:-$HOME/.cache/weft}/temporal/cli-v1.9.1/temporal}.
   */
  static Path temporalCli() {
    String configured = setting("weft.e2e.temporal-cli", "WEFT_TEMPORAL_CLI");
    Path cli;
    if (configured != null) {
      cli = Path.of(configured);
    } else {
      String cache = System.getenv("WEFT_CACHE_DIR");
      Path base = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "weft");
      cli = base.resolve("temporal").resolve("cli-" + CLI_VERSION).resolve("temporal");
    }
    if (!Files.isExecutable(cli)) {
      throw new IllegalStateException("no Temporal CLI at " + cli + ": run temporal/install.sh --cli-only (or .ci/run), or set "
          + "-Dweft.e2e.temporal-cli / WEFT_TEMPORAL_CLI to a temporal binary");
    }
    return cli;
  }

  /** The packaged application: {@code -Dweft.e2e.jar}, else the one {@code weft-*.jar} in the build directory. */
  static Path jar() {
    String configured = setting("weft.e2e.jar", "WEFT_E2E_JAR");
    if (configured != null) return Path.of(configured);
    Path dir = Path.of(System.getProperty("weft.e2e.build-dir", "target"));
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().matches("weft-.*\\.jar")).findFirst()
          .orElseThrow(() -> new IllegalStateException("no weft-*.jar in " + dir.toAbsolutePath() + ": run ./mvnw -Pe2e verify"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Logs, databases and screenshots: {@code -Dweft.e2e.dir}, default {@code target/e2e}. */
  static Path outputDir() {
    return Path.of(System.getProperty("weft.e2e.dir", "target/e2e")).toAbsolutePath();
  }

  /** The JVM that runs the tests also runs Weft. */
  static String java() {
    return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** The kernel's ephemeral port range (Linux), or the IANA one elsewhere. */
  private static int[] ephemeralRange() {
    try {
      String[] parts = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
      return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    } catch (IOException | RuntimeException e) {
      return new int[] {49_152, 65_535};
    }
  }

  /**
   * A free TCP port on 127.0.0.1, never the same one twice in this JVM, taken below the kernel's ephemeral
   * range: a port from {@code new ServerSocket(0)} lies inside it, and an outgoing connection of any process
   * (Weft to PostgreSQL, the CLI to Temporal) could take it before the server that was handed it binds it.
   */
  static synchronized int freePort() {
    int[] range = ephemeralRange();
    int low = 20_000;
    int high = Math.min(range[0], 32_768) - 1;
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int i = 0; i < 200; i++) {
      // With no room below the ephemeral range, let the kernel choose (the old way).
      int port = high - low < 1_000 ? 0 : random.nextInt(low, high);
      if (HANDED_OUT.contains(port)) continue;
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        if (HANDED_OUT.add(s.getLocalPort())) return s.getLocalPort();
      } catch (IOException e) {
        // Taken: try another.
      }
    }
    throw new IllegalStateException("no free port");
  }

  private static String setting(String property, String env) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) v = System.getenv(env);
    return v == null || v.isBlank() ? null : v;
  }
}
