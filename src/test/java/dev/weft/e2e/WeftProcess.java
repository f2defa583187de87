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

  WeftProcess(Path dir, String temporalAddress, String jdbcUrl, String dbUser, String dbPassword) {
    this.dir = dir;
    this.env = Map.of(
        "TEMPORAL_ADDRESS", temporalAddress,
        "TEMPORAL_NAMESPACE", "default",
        "SPRING_DATASOURCE_URL", jdbcUrl,
        "SPRING_DATASOURCE_USERNAME", dbUser,
        "SPRING_DATASOURCE_PASSWORD", dbPassword,
        "SERVER_PORT", String.valueOf(port),
        "SERVER_ADDRESS", "127.0.0.1",
        "WEFT_ADMIN_KEY", E2EConfig.ADMIN_KEY);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** Starts a new process on the same port and waits until its health is UP. */
  void start(Rest rest) {
    starts++;
    process = ManagedProcess.start("weft", List.of(E2EConfig.java(), "-Xmx512m", "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC", "-jar", E2EConfig.jar().toAbsolutePath().toString()), env, dir.resolve("weft-" + starts + ".log"));
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

  String tail() {
    return process == null ? "" : process.tail(60);
  }
}
