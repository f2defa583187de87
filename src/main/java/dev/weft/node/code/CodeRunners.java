package dev.weft.node.code;

import dev.weft.node.NodeFailure;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The worker's pools of code runner processes ({@link CodeRunnerMain}), one pool per language. A script
 * borrows a runner for its execution; a runner that overran its deadline is killed, one whose heap ran
 * out exits by itself, and the pool starts fresh ones as needed, so a script never takes the worker down.
 * Thread-safe.
 */
public class CodeRunners implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CodeRunners.class);
  /** What a runner gets beyond a script's own deadline to answer before it is killed. */
  static final Duration GRACE = Duration.ofSeconds(2);
  /** How long a check (save-time parse) may take, a cold Python runner included. */
  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(60);

  private final CodeSettings settings;
  private final Map<CodeLanguage, Pool> pools = new EnumMap<>(CodeLanguage.class);
  private final ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "weft-code-killer");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean closed = new AtomicBoolean();

  /** One runner's answer: {@code status} ok | failed | syntax, with the fields of {@link RunnerProtocol}. */
  public record Answer(JsonNode json) {
    public String status() {
      return json.path("status").asString("");
    }

    public String code() {
      return json.path("code").asString("code.error");
    }

    public String message() {
      return json.path("message").asString("");
    }

    public Integer line() {
      return json.hasNonNull("line") ? json.get("line").asInt() : null;
    }

    public Integer column() {
      return json.hasNonNull("column") ? json.get("column").asInt() : null;
    }

    public List<String> logs() {
      List<String> out = new ArrayList<>();
      json.path("logs").forEach(l -> out.add(l.asString()));
      return out;
    }
  }

  public CodeRunners(CodeSettings settings) {
    this.settings = settings;
    for (CodeLanguage l : CodeLanguage.values()) pools.put(l, new Pool(l));
  }

  public CodeSettings settings() {
    return settings;
  }

  /** Starts the first runner of each prewarmed language in the background. */
  public void prewarm() {
    for (String name : settings.prewarm()) {
      for (CodeLanguage l : CodeLanguage.values()) {
        if (l.wire().equalsIgnoreCase(name)) {
          Thread.ofPlatform().daemon().name("weft-code-prewarm-" + l.wire()).start(() -> {
            try {
              Pool p = pools.get(l);
              p.release(p.acquire(System.nanoTime() + CHECK_TIMEOUT.toNanos()));
            } catch (RuntimeException e) {
              log.warn("could not prewarm a {} code runner: {}", l.wire(), e.getMessage());
            }
          });
        }
      }
    }
  }

  /**
   * Runs a script.
   *
   * @param bindings the JSON text of what it sees
   * @param timeout its deadline, waiting for a free runner included
   * @throws NodeFailure when no runner could serve it ({@code code.busy}, {@code code.runner_failed}, or
   *     {@code code.timeout} / {@code code.memory} when the runner had to be killed or died)
   */
  public Answer run(CodeLanguage language, String source, String bindings, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    ObjectNode req = RunnerProtocol.JSON.createObjectNode().put("op", "run").put("source", source).put("bindings", bindings);
    return pools.get(language).call(req, deadline, timeout);
  }

  /** Parses a script without running it: an answer with status {@code syntax} when it does not parse. */
  public Answer check(CodeLanguage language, String source) {
    ObjectNode req = RunnerProtocol.JSON.createObjectNode().put("op", "check").put("source", source);
    return pools.get(language).call(req, System.nanoTime() + CHECK_TIMEOUT.toNanos(), CHECK_TIMEOUT);
  }

  /** Runner processes alive now, per language (for tests and metrics). */
  public int alive(CodeLanguage language) {
    return pools.get(language).count.get();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    pools.values().forEach(Pool::close);
    killer.shutdownNow();
  }

  private final class Pool {
    final CodeLanguage language;
    final BlockingQueue<Runner> idle = new LinkedBlockingQueue<>();
    final AtomicInteger count = new AtomicInteger();
    final List<Runner> all = java.util.Collections.synchronizedList(new ArrayList<>());

    Pool(CodeLanguage language) {
      this.language = language;
    }

    Answer call(ObjectNode request, long deadlineNanos, Duration timeout) {
      Runner r = acquire(deadlineNanos);
      long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
      request.put("timeoutMs", remainingMs);
      AtomicBoolean killed = new AtomicBoolean();
      ScheduledFuture<?> kill = killer.schedule(() -> {
        killed.set(true);
        r.process.destroyForcibly();
      }, remainingMs + GRACE.toMillis(), TimeUnit.MILLISECONDS);
      try {
        RunnerProtocol.write(r.out, request);
        JsonNode answer = RunnerProtocol.read(r.in);
        if (answer == null) throw new IOException("the runner closed its output");
        kill.cancel(false);
        if (answer.path("code").asString("").equals("code.memory")) {
          discard(r); // It exits after answering: its heap may be in any state.
        } else {
          release(r);
        }
        return new Answer(answer);
      } catch (IOException e) {
        kill.cancel(false);
        discard(r);
        if (killed.get()) {
          throw new NodeFailure("code.timeout", "the script ran longer than its timeout of " + timeout.toMillis()
              + " ms and its runner was stopped", false);
        }
        int exit = exitCode(r);
        if (exit == 3) throw new NodeFailure("code.memory", "the script ran out of memory", false);
        throw new NodeFailure("code.runner_failed", "the " + language.wire() + " code runner failed (exit " + exit + "): "
            + e.getMessage(), true);
      }
    }

    Runner acquire(long deadlineNanos) {
      if (closed.get()) throw new NodeFailure("code.runner_failed", "code runners are shut down", true);
      Runner r = idle.poll();
      while (true) {
        if (r != null && r.process.isAlive()) return r;
        if (r != null) discard(r);
        int n = count.get();
        if (n < settings.runners(language) && count.compareAndSet(n, n + 1)) {
          try {
            return start();
          } catch (IOException | RuntimeException e) {
            count.decrementAndGet();
            throw new NodeFailure("code.runner_failed", "could not start a " + language.wire() + " code runner: " + e.getMessage(), true);
          }
        }
        long wait = deadlineNanos - System.nanoTime();
        if (wait <= 0) {
          throw new NodeFailure("code.busy", "every " + language.wire() + " code runner stayed busy until the node's timeout", true);
        }
        try {
          r = idle.poll(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new NodeFailure("code.busy", "interrupted while waiting for a code runner", true);
        }
      }
    }

    void release(Runner r) {
      if (closed.get() || !r.process.isAlive()) {
        discard(r);
      } else {
        idle.add(r);
      }
    }

    void discard(Runner r) {
      if (r.discarded.compareAndSet(false, true)) {
        count.decrementAndGet();
        all.remove(r);
        r.process.destroyForcibly();
      }
    }

    Runner start() throws IOException {
      List<String> cmd = command(language);
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().clear(); // Nothing of the worker's environment (keys, URLs) reaches the runner.
      Process p = pb.start();
      Runner r = new Runner(p);
      all.add(r);
      // A platform thread: a read of a pipe blocks it for the runner's whole life, which on a virtual thread
      // would hold one of the few carrier threads every virtual thread of the worker shares.
      Thread.ofPlatform().daemon().name("weft-code-stderr-" + p.pid()).start(() -> drain(p));
      log.info("started a {} code runner (pid {})", language.wire(), p.pid());
      return r;
    }

    void close() {
      List<Runner> copy;
      synchronized (all) {
        copy = new ArrayList<>(all);
      }
      copy.forEach(this::discard);
      idle.clear();
    }
  }

  private static int exitCode(Runner r) {
    try {
      return r.process.waitFor(2, TimeUnit.SECONDS) ? r.process.exitValue() : -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static void drain(Process p) {
    try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = err.readLine()) != null) log.debug("code runner {}: {}", p.pid(), line);
    } catch (IOException ignored) {
      // The runner is gone.
    }
  }

  /** The runner's command line: this JVM's java, the runner's heap, and this application's classes. */
  List<String> command(CodeLanguage language) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + settings.heap(language).toMegabytes() + "m");
    cmd.add("-Xss4m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Dpolyglot.engine.WarnInterpreterOnly=false");
    cmd.add("--enable-native-access=ALL-UNNAMED");
    if (Runtime.version().feature() >= 24) cmd.add("--sun-misc-unsafe-memory-access=allow");
    cmd.addAll(settings.jvmOptions());
    cmd.addAll(classpath());
    cmd.add(language.graalId());
    cmd.add(Long.toString(settings.statementLimit()));
    cmd.add(Integer.toString(settings.maxOutputChars()));
    cmd.add(Integer.toString(settings.maxLogLines()));
    cmd.add(Integer.toString(settings.maxLogLineChars()));
    cmd.add(Integer.toString(settings.pythonContextReuse()));
    return cmd;
  }

  /**
   * From a Spring Boot jar, the runner starts through the jar's {@code PropertiesLauncher} with the runner
   * as its main class; otherwise (tests, an IDE) with this JVM's class path.
   */
  private static List<String> classpath() {
    String location = CodeRunners.class.getProtectionDomain().getCodeSource().getLocation().toString();
    if (location.startsWith("jar:nested:") || location.contains("!/BOOT-INF/") || location.startsWith("nested:")) {
      String jar = location.replaceFirst("^jar:", "").replaceFirst("^nested:", "");
      int bang = jar.indexOf("/!BOOT-INF");
      if (bang < 0) bang = jar.indexOf("!/BOOT-INF");
      if (bang >= 0) jar = jar.substring(0, bang);
      try {
        jar = new File(new java.net.URI("file:" + jar).getPath()).getPath();
      } catch (URISyntaxException | IllegalArgumentException e) {
        // A plain path already.
      }
      return List.of("-cp", jar, "-Dloader.main=" + CodeRunnerMain.class.getName(),
          "org.springframework.boot.loader.launch.PropertiesLauncher");
    }
    return List.of("-cp", System.getProperty("java.class.path"), CodeRunnerMain.class.getName());
  }

  private static final class Runner {
    final Process process;
    final DataOutputStream out;
    final DataInputStream in;
    final AtomicBoolean discarded = new AtomicBoolean();

    Runner(Process process) {
      this.process = process;
      this.out = new DataOutputStream(new BufferedOutputStream(process.getOutputStream()));
      this.in = new DataInputStream(new BufferedInputStream(process.getInputStream()));
    }
  }
}
