package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fuzzes the packaged Weft through its own OpenAPI document with schemathesis (issue 14 part 7): every
 * operation, with valid and invalid data, malformed media types and the stateful links, as the admin.
 * Fails when any answer is a server error or does not match the response schema the document declares.
 * Schemathesis is installed (pinned) into a virtualenv under the build directory, reused by later runs;
 * the seed is fixed so CI fuzzes the same cases every time. Narrow exclusions are in
 * src/test/resources/e2e/schemathesis.toml, each with its reason.
 */
class SchemathesisE2E extends E2ESupport {
  private static final Logger log = LoggerFactory.getLogger(SchemathesisE2E.class);
  static final String VERSION = "4.32.5";
  /** Fixed: the same cases every run. Change it (or -Dweft.e2e.fuzz-seed) to explore. */
  static final String SEED = System.getProperty("weft.e2e.fuzz-seed", "14");
  /** Cases per operation and phase: about a minute on two cores. */
  static final String MAX_EXAMPLES = System.getProperty("weft.e2e.fuzz-max-examples", "10");

  @Test
  void noServerErrorAndEveryAnswerMatchesTheDocument() throws Exception {
    Path st = install();
    Path config = Path.of("src/test/resources/e2e/schemathesis.toml").toAbsolutePath();
    Map<String, Long> before = answered();
    List<String> command = List.of(st.toString(), "--config-file", config.toString(), "--no-color", "run",
        weft.baseUrl() + "/v3/api-docs",
        "-H", "Authorization: Bearer " + E2EConfig.ADMIN_KEY,
        "--checks", "not_a_server_error,response_schema_conformance",
        // One worker: with two, hypothesis parses lambdas' source in two threads at once and Python 3.11's
        // ast module fails now and then ("AST constructor recursion depth mismatch"), a tool error, not Weft's.
        "--max-examples", MAX_EXAMPLES, "--seed", SEED, "--workers", "1", "--request-timeout", "30",
        "--report", "junit", "--report-dir", dir.resolve("schemathesis-report").toString());
    Path output = dir.resolve("schemathesis.log");
    long t0 = System.nanoTime();
    int exit = run(command, output, 8);
    long seconds = (System.nanoTime() - t0) / 1_000_000_000;
    String text = Files.readString(output);
    Map<String, Long> after = answered();
    Map<String, Long> requests = new TreeMap<>();
    after.forEach((outcome, n) -> requests.put(outcome, n - before.getOrDefault(outcome, 0L)));
    long total = requests.values().stream().mapToLong(Long::longValue).sum();
    int summary = text.lastIndexOf("SUMMARY");
    log.info("schemathesis {} (seed {}, max-examples {}): exit {} in {} s; Weft answered {} requests by outcome {}\n{}",
        VERSION, SEED, MAX_EXAMPLES, exit, seconds, total, requests, summary < 0 ? text : text.substring(summary));
    System.out.println("schemathesis: " + total + " requests " + requests + ", exit " + exit + ", " + seconds + " s; log "
        + output);
    assertThat(exit).as("schemathesis failed; its report:\n%s", text).isZero();
    assertThat(total).as("schemathesis sent requests").isGreaterThan(100);
  }

  /** The requests Weft has answered, by outcome (SUCCESS, CLIENT_ERROR, SERVER_ERROR...), from its metrics. */
  private Map<String, Long> answered() {
    Map<String, Long> byOutcome = new TreeMap<>();
    for (String line : rest.get("/actuator/prometheus").text().split("\n")) {
      if (!line.startsWith("http_server_requests_seconds_count{")) continue;
      int at = line.indexOf("outcome=\"");
      String outcome = at < 0 ? "?" : line.substring(at + 9, line.indexOf('"', at + 9));
      long n = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      byOutcome.merge(outcome, n, Long::sum);
    }
    return byOutcome;
  }

  /** The {@code st} of a virtualenv with the pinned schemathesis; created on first use. */
  private static Path install() throws Exception {
    Path venv = E2EConfig.outputDir().resolve("schemathesis-venv-" + VERSION);
    Path st = venv.resolve("bin").resolve("st");
    if (Files.isExecutable(st)) return st;
    Path log = E2EConfig.outputDir().resolve("schemathesis-install.log");
    int made = run(List.of("python3", "-m", "venv", venv.toString()), log, 2);
    if (made != 0) throw new IllegalStateException("python3 -m venv failed (is python3-venv installed?): " + Files.readString(log));
    int installed = run(List.of(venv.resolve("bin").resolve("pip").toString(), "install", "-q", "--disable-pip-version-check",
        "schemathesis==" + VERSION), log, 6);
    if (installed != 0 || !Files.isExecutable(st)) {
      throw new IllegalStateException("pip install schemathesis==" + VERSION + " failed: " + Files.readString(log));
    }
    return st;
  }

  /** Runs a command to its end (at most {@code minutes}), its output appended to {@code log}; its exit code. */
  private static int run(List<String> command, Path log, int minutes) throws InterruptedException {
    try {
      Files.createDirectories(log.getParent());
      Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(command.getFirst() + " did not end within " + minutes + " minutes; see " + log);
      }
      return p.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
