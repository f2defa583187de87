package dev.weft.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process of the test JVM with its output in a log file. Stopped by its own pid only: gracefully
 * (SIGTERM, then SIGKILL after a bound) or killed outright (SIGKILL) where a crash is the point.
 */
final class ManagedProcess {
  private final String name;
  private final Process process;
  private final Path log;

  private ManagedProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path log) {
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      b.environment().putAll(env);
      Files.writeString(log, "\n=== " + name + ": " + String.join(" ", command) + "\n",
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      Process p = b.start();
      // Should the test JVM itself be stopped before @AfterAll runs, its children go with it.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        if (p.isAlive()) p.destroyForcibly();
      }, "e2e-stop-" + name + "-" + p.pid()));
      return new ManagedProcess(name, p, log);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name + ": " + command, e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** SIGKILL, as a crash: no shutdown hooks, no graceful worker shutdown. */
  void kill() {
    process.destroyForcibly();
    awaitExit(30);
  }

  /** SIGTERM, then SIGKILL if it has not exited within {@code seconds}. */
  void stop(int seconds) {
    if (!process.isAlive()) return;
    process.destroy();
    if (!awaitExit(seconds)) {
      process.destroyForcibly();
      awaitExit(30);
    }
  }

  /** Waits up to {@code seconds} for a command to end: its exit code, or -1 (killed) if it had not ended. */
  int waitFor(int seconds) {
    if (awaitExit(seconds)) return process.exitValue();
    process.destroyForcibly();
    awaitExit(30);
    return -1;
  }

  private boolean awaitExit(int seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The last lines of the log, for failure messages. */
  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ", log " + log + ")";
  }
}
