package dev.weft.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The shell scripts under temporal/ and docker/ parse, and pass shellcheck where it is installed. */
class ShellScriptsTest {

  static List<Path> scripts() throws IOException {
    List<Path> all = new ArrayList<>();
    for (String dir : List.of("temporal", "docker")) {
      try (Stream<Path> s = Files.list(Path.of(dir))) {
        s.filter(p -> p.toString().endsWith(".sh")).sorted().forEach(all::add);
      }
    }
    return all;
  }

  @Test
  void everyScriptParses() throws Exception {
    List<Path> scripts = scripts();
    assertThat(scripts).extracting(p -> p.getFileName().toString())
        .contains("install.sh", "dev-server.sh", "postgres-server.sh", "common.sh", "postgres-init.sh");
    for (Path script : scripts) {
      Result r = run("bash", "-n", script.toString());
      assertThat(r.exit()).as("bash -n %s: %s", script, r.output()).isZero();
    }
  }

  @Test
  void everyRunnableScriptIsExecutable() throws IOException {
    for (Path script : scripts()) {
      if (!script.getFileName().toString().equals("common.sh")) assertThat(Files.isExecutable(script)).as(script.toString()).isTrue();
    }
  }

  @Test
  void shellcheckFindsNothing() throws Exception {
    assumeTrue(onPath("shellcheck"), "shellcheck is not installed (apt-get install shellcheck)");
    List<String> command = new ArrayList<>(List.of("shellcheck", "-x"));
    for (Path p : scripts()) command.add(p.toString());
    Result r = run(command.toArray(String[]::new));
    assertThat(r.exit()).as(r.output()).isZero();
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) return true;
    }
    return false;
  }

  record Result(int exit, String output) {}

  private static Result run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }
}
