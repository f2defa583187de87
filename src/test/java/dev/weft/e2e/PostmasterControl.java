package dev.weft.e2e;

import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stops and starts again the e2e tier's PostgreSQL (zonky's postmaster, see {@link E2ESupport}) on the same
 * data directory and port. zonky has no restart: its {@code close()} deletes a clean data directory. So the
 * postmaster is stopped by a signal to the pid in {@code postmaster.pid} ({@link Stop}), and started again
 * with zonky's own {@code pg_ctl} and the options the first start recorded in {@code postmaster.opts}
 * (as root through {@code unshare -U}, as zonky does, since PostgreSQL refuses to run as root). zonky's
 * {@code close()} still stops whatever postmaster then runs in the directory ({@code pg_ctl stop}); should
 * the test JVM end before that, a shutdown hook stops the last postmaster started here by its pid.
 */
final class PostmasterControl {
  /** How PostgreSQL is stopped: the signal and its meaning in PostgreSQL. */
  enum Stop {
    /** SIGINT: fast shutdown, active transactions rolled back, clients disconnected, a checkpoint. */
    FAST("INT"),
    /** SIGQUIT: immediate shutdown, as a crash: no checkpoint, crash recovery at the next start. */
    IMMEDIATE("QUIT");

    final String signal;

    Stop(String signal) {
      this.signal = signal;
    }
  }

  private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
  private final Path dataDir;
  private final Path log;
  private final Path pgCtl;
  /** The postmaster's options after {@code -D <dir>}: port, {@code -F}, {@code -c name=value}... */
  private final List<String> options;
  private volatile long lastStartedPid;

  PostmasterControl(Path dataDir, Path log) {
    this.dataDir = dataDir;
    this.log = log;
    try {
      String opts = Files.readString(dataDir.resolve("postmaster.opts")).strip();
      Path postgres = Path.of(opts.substring(0, opts.indexOf(' ')));
      List<String> args = new ArrayList<>();
      Matcher m = QUOTED.matcher(opts.substring(opts.indexOf(' ') + 1));
      while (m.find()) args.add(m.group(1));
      if (args.size() < 2 || !args.get(0).equals("-D")) throw new IllegalStateException("unexpected postmaster.opts: " + opts);
      this.pgCtl = postgres.resolveSibling("pg_ctl");
      this.options = List.copyOf(args.subList(2, args.size()));
    } catch (IOException e) {
      throw new UncheckedIOException("no postmaster.opts in " + dataDir, e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (lastStartedPid != 0) ProcessHandle.of(lastStartedPid).ifPresent(ProcessHandle::destroy);
    }, "e2e-stop-postmaster"));
  }

  /** The running postmaster's pid, from {@code postmaster.pid}. */
  long pid() {
    try {
      return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).getFirst().strip());
    } catch (IOException e) {
      throw new UncheckedIOException("no postmaster.pid in " + dataDir, e);
    }
  }

  /** Stops the postmaster ({@code mode}) and waits, at most a minute, until it has exited. */
  void stop(Stop mode) {
    long pid = pid();
    ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no postmaster " + pid));
    run(List.of("kill", "-s", mode.signal, String.valueOf(pid)));
    try {
      postmaster.onExit().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("PostgreSQL (pid " + pid + ") did not stop within a minute", e);
    }
  }

  /**
   * Starts the postmaster again on the same data directory, port and options, but with {@code settings}
   * ({@code -c name=value}) replacing or adding to the recorded ones, and waits (at most a minute) until it
   * accepts connections.
   */
  void start(Map<String, String> settings) {
    List<String> opts = new ArrayList<>();
    for (int i = 0; i < options.size(); i++) {
      String o = options.get(i);
      if (o.equals("-c") && i + 1 < options.size() && settings.containsKey(options.get(i + 1).split("=", 2)[0])) {
        i++;
        continue;
      }
      opts.add(o);
    }
    new java.util.TreeMap<>(settings).forEach((k, v) -> opts.addAll(List.of("-c", k + "=" + v)));
    List<String> cmd = new ArrayList<>();
    if (LinuxUtils.isUnshareAvailable()) cmd.addAll(List.of("unshare", "-U"));
    cmd.addAll(List.of(pgCtl.toString(), "start", "-D", dataDir.toString(), "-w", "-t", "60", "-l", log.toString(),
        "-o", String.join(" ", opts)));
    run(cmd);
    lastStartedPid = pid();
  }

  private static void run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out;
      try (var in = p.getInputStream()) {
        out = in.readAllBytes();
      }
      if (!p.waitFor(Duration.ofSeconds(90).toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + cmd);
      }
      if (p.exitValue() != 0) throw new IllegalStateException(cmd + " exited " + p.exitValue() + ": " + new String(out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
