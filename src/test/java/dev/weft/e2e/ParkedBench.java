package dev.weft.e2e;

import dev.weft.definition.Json;
import dev.weft.engine.Actor;
import dev.weft.engine.DefinitionSnapshot;
import dev.weft.engine.EventKind;
import dev.weft.engine.HumanInput;
import dev.weft.engine.RunEvent;
import dev.weft.engine.RunEventSink;
import dev.weft.engine.RunResult;
import dev.weft.engine.RunWorkflow;
import dev.weft.engine.Updates;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * Workload 4 of issue 15: N runs parked on an approval. Per arm, on a fresh Temporal server and a fresh
 * in-process worker ({@link BenchHarness.Arms}): start N runs (bounded in time), wait until each has reached
 * its wait, hold them parked while sampling the worker JVM's heap after a GC and its RSS, then approve
 * parked runs at rising rates (open loop, a few seconds per rate) and measure approval sent → run completed,
 * stopping at the first rate whose p95 passes 1 s. Arm A: Weft's interpreter over {@link #DEFINITION},
 * started through {@code RunLauncher}, approved with the {@code decide} Update through {@link Updates#send},
 * as {@code HumanTaskService.decide} sends it. Arm B: {@link BenchWork.Parked}, an Update then one activity.
 * Writes {@code parked.md} and {@code parked.json}.
 */
final class ParkedBench {
  /** An approval, then a no-op on its {@code approved} port. */
  static final String DEFINITION = """
      {"name": "bench-parked", "nodes": [
        {"id": "approve", "type": "approval", "config": {"title": "Benchmark approval", "approvers": ["approver"]}},
        {"id": "next", "type": "bench.noop", "config": {}}
      ], "edges": [{"from": "approve", "port": "approved", "to": "next"}]}""";
  static final Actor APPROVER = new Actor("approver", List.of(), List.of());
  static final double P95_LIMIT_MS = 1000;
  static final int DEFAULT_RUNS = 10_000;

  /**
   * What to run, from {@code weft.bench.parked*} system properties (see {@link #fromSystemProperties}).
   *
   * @param runs parked runs per arm (0: off)
   * @param rates approvals per second, one step each, in order
   * @param startMinutes the bound on starting the runs: the arm goes on with the runs started by then
   */
  record Settings(int runs, List<String> arms, List<Integer> rates, int stepSeconds, int startThreads, int startMinutes,
      int holdSeconds, int sampleEvery, int warmup, String server, Path outDir) {

    boolean on() {
      return runs > 0 && !arms.isEmpty() && !rates.isEmpty();
    }

    /**
     * {@code weft.bench.parked}: the number of runs, {@code true} for {@value #DEFAULT_RUNS}, absent, empty, 0 or
     * {@code false}: off. The rest: {@code .arms} (A,B), {@code .rates} (5,10,20,40,80,160,320 approvals/s),
     * {@code .step-seconds} (5), {@code .start-threads} (8), {@code .start-minutes} (20), {@code .hold-seconds} (30),
     * {@code .sample-every} (1000 started runs), {@code .warmup} (20 approvals, one at a time, before the ramp; not
     * measured), {@code .server} (tuned).
     */
    static Settings fromSystemProperties(Path defaultOut) {
      return new Settings(runs(System.getProperty("weft.bench.parked", "")), csv(System.getProperty("weft.bench.parked.arms", "A,B")),
          csv(System.getProperty("weft.bench.parked.rates", "5,10,20,40,80,160,320")).stream().map(Integer::valueOf).toList(),
          Integer.getInteger("weft.bench.parked.step-seconds", 5), Integer.getInteger("weft.bench.parked.start-threads", 8),
          Integer.getInteger("weft.bench.parked.start-minutes", 20), Integer.getInteger("weft.bench.parked.hold-seconds", 30),
          Integer.getInteger("weft.bench.parked.sample-every", 1000), Integer.getInteger("weft.bench.parked.warmup", 20),
          System.getProperty("weft.bench.parked.server", "tuned"),
          Path.of(System.getProperty("weft.bench.dir", defaultOut.toString())).toAbsolutePath());
    }

    static int runs(String value) {
      String v = value.trim();
      if (v.isEmpty() || v.equalsIgnoreCase("false")) return 0;
      if (v.equalsIgnoreCase("true")) return DEFAULT_RUNS;
      int n = Integer.parseInt(v);
      if (n < 0) throw new IllegalArgumentException("weft.bench.parked: a number of runs, not " + value);
      return n;
    }

    private static List<String> csv(String value) {
      return value.isBlank() ? List.of() : Arrays.stream(value.split(",")).map(String::trim).toList();
    }
  }

  /** The JVM's heap used right after a full GC, and its RSS, with {@code parked} runs parked. */
  record MemorySample(String phase, int parked, double seconds, long heapBytes, long rssBytes) {}

  /**
   * One approval rate: {@code sent} approvals over {@code seconds}; per completed one, ms from its scheduled
   * time to the Update's answer ({@code updateMs}) and to the run's result ({@code completedMs}).
   */
  record Step(int rate, int sent, List<Double> updateMs, List<Double> completedMs, List<String> errors, double seconds) {
    double p(double q) {
      return percentile(completedMs, q);
    }

    double updateP(double q) {
      return percentile(updateMs, q);
    }

    /** Completed approvals per second of the step (from its first scheduled approval to the last result). */
    double achieved() {
      return seconds <= 0 ? 0 : completedMs.size() / seconds;
    }

    /** Within the goal: every approval completed and p95 at most 1 s. */
    boolean within() {
      return errors.isEmpty() && completedMs.size() == sent && p(0.95) <= P95_LIMIT_MS;
    }
  }

  /** One arm: how its runs started and parked, the memory samples, the approval steps and why the ramp stopped. */
  record ArmReport(String arm, int requested, int started, double startSeconds, int parked, double parkSeconds,
      List<MemorySample> memory, List<Step> steps, String stopped, History history) {
    long heapMax(String phasePrefix) {
      return memory.stream().filter(m -> m.phase().startsWith(phasePrefix)).mapToLong(MemorySample::heapBytes).max().orElse(0);
    }

    long rssMax(String phasePrefix) {
      return memory.stream().filter(m -> m.phase().startsWith(phasePrefix)).mapToLong(MemorySample::rssBytes).max().orElse(0);
    }

    long heapMin(String phasePrefix) {
      return memory.stream().filter(m -> m.phase().startsWith(phasePrefix)).mapToLong(MemorySample::heapBytes).min().orElse(0);
    }
  }

  /**
   * The history of one approved run (the median of a few): its events, the workflow tasks among them, and
   * the events from the Update's acceptance to the run's completion.
   */
  record History(int events, int workflowTasks, int eventsAfterApproval, int workflowTasksAfterApproval) {}

  static double percentile(List<Double> values, double q) {
    if (values.isEmpty()) return Double.NaN;
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** The highest rate of the steps before the first one outside the goal (0 when the first is already outside). */
  static int sustainedRate(List<Step> steps) {
    int best = 0;
    for (Step s : steps) {
      if (!s.within()) break;
      best = Math.max(best, s.rate());
    }
    return best;
  }

  /**
   * Why the ramp stops after {@code last}, or null to go on to {@code next} (null when there is none) with
   * {@code remaining} parked runs left.
   */
  static String stopReason(Step last, Integer next, int remaining, int stepSeconds) {
    if (!last.errors().isEmpty() || last.completedMs().size() < last.sent()) {
      return (last.sent() - last.completedMs().size()) + " of " + last.sent() + " approvals failed at " + last.rate() + "/s";
    }
    if (last.p(0.95) > P95_LIMIT_MS) return "p95 above 1 s at " + last.rate() + "/s";
    if (next == null) return "highest rate of weft.bench.parked.rates reached";
    if (remaining < next * stepSeconds) return "parked runs used up (" + remaining + " left, " + next + "/s needs " + next * stepSeconds + ")";
    return null;
  }

  private final Settings settings;
  private final Path cli;
  private final List<ArmReport> reports = new ArrayList<>();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private double loadStart;

  ParkedBench(Settings settings, Path cli) {
    this.settings = settings;
    this.cli = cli;
  }

  List<ArmReport> reports() {
    return reports;
  }

  /** Runs every arm on its own server and worker, writes the reports and returns the Markdown. */
  String run() throws IOException {
    loadStart = os.getSystemLoadAverage();
    Files.createDirectories(settings.outDir());
    for (String arm : settings.arms()) {
      if (!arm.equals("A") && !arm.equals("B")) throw new IllegalArgumentException("weft.bench.parked.arms: A or B, not " + arm);
      Path dir = settings.outDir().resolve("parked-" + arm);
      BenchHarness.deleteTree(dir);
      Files.createDirectories(dir);
      Set<String> waiting = ConcurrentHashMap.newKeySet();
      // Arm A's run events say when a run reached its wait (node_waiting); the service would write them to its store.
      RunEventSink events = batch -> {
        for (RunEvent e : batch) if (e.kind() == EventKind.NODE_WAITING) waiting.add(e.runId());
      };
      BenchWork.PARKED.set(0);
      try (BenchHarness.Server server = BenchHarness.startServer(settings.server(), cli, dir);
          BenchHarness.Arms arms = new BenchHarness.Arms(server.address(), events)) {
        reports.add(arm.equals("A") ? measure(new ArmA(arms, waiting)) : measure(new ArmB(arms.client)));
      }
      System.gc();
    }
    String md = markdown();
    Files.writeString(settings.outDir().resolve("parked.md"), md);
    Files.writeString(settings.outDir().resolve("parked.json"), Json.MAPPER.writeValueAsString(json()));
    return md;
  }

  /** What differs between the arms: starting a run, how many reached their wait, approving one and awaiting its end. */
  private interface Arm {
    String name();

    String start();

    IntSupplier parked();

    void approve(String id);

    void awaitEnd(String id) throws Exception;

    WorkflowClient client();
  }

  private static final class ArmA implements Arm {
    private final BenchHarness.Arms arms;
    private final Set<String> waiting;
    private final DefinitionSnapshot definition;

    ArmA(BenchHarness.Arms arms, Set<String> waiting) {
      this.arms = arms;
      this.waiting = waiting;
      this.definition = arms.parkedDefinition();
    }

    public String name() {
      return "A";
    }

    public String start() {
      return arms.launcher.launch(definition, Json.parse("{}"), UUID.randomUUID().toString(), "bench", "api").runId();
    }

    public IntSupplier parked() {
      return waiting::size;
    }

    public void approve(String id) {
      RunWorkflow run = arms.client.newWorkflowStub(RunWorkflow.class, id);
      Updates.send(() -> run.decide(new HumanInput("approve", APPROVER, "approve", null, null, null)));
    }

    public void awaitEnd(String id) throws Exception {
      arms.client.newUntypedWorkflowStub(id).getResult(60, TimeUnit.SECONDS, RunResult.class);
    }

    public WorkflowClient client() {
      return arms.client;
    }
  }

  private static final class ArmB implements Arm {
    private final WorkflowClient client;

    ArmB(WorkflowClient client) {
      this.client = client;
    }

    public String name() {
      return "B";
    }

    public String start() {
      String id = "bench-b-parked-" + UUID.randomUUID();
      BenchWork.Parked flow = client.newWorkflowStub(BenchWork.Parked.class,
          WorkflowOptions.newBuilder().setTaskQueue(BenchHarness.QUEUE).setWorkflowId(id).build());
      WorkflowClient.start(flow::run);
      return id;
    }

    public IntSupplier parked() {
      return BenchWork.PARKED::get;
    }

    public void approve(String id) {
      client.newWorkflowStub(BenchWork.Parked.class, id).approve(APPROVER.id());
    }

    public void awaitEnd(String id) throws Exception {
      client.newUntypedWorkflowStub(id).getResult(60, TimeUnit.SECONDS, String.class);
    }

    public WorkflowClient client() {
      return client;
    }
  }

  private ArmReport measure(Arm arm) {
    List<MemorySample> memory = new ArrayList<>();
    long t0 = System.nanoTime();
    memory.add(sample("baseline", 0, t0));
    // Start the runs from a few threads, at most start-minutes long; sample memory every sample-every runs.
    int n = settings.runs();
    String[] ids = new String[n];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger started = new AtomicInteger();
    List<String> startErrors = Collections.synchronizedList(new ArrayList<>());
    long deadline = t0 + TimeUnit.MINUTES.toNanos(settings.startMinutes());
    ExecutorService starters = Executors.newFixedThreadPool(settings.startThreads());
    for (int t = 0; t < settings.startThreads(); t++) {
      starters.submit(() -> {
        for (int i = next.getAndIncrement(); i < n && System.nanoTime() < deadline && startErrors.size() < 10; i = next.getAndIncrement()) {
          try {
            ids[i] = arm.start();
            started.incrementAndGet();
          } catch (RuntimeException e) {
            startErrors.add(e.toString());
          }
        }
      });
    }
    starters.shutdown();
    int nextSample = settings.sampleEvery();
    while (!await(starters, 1)) {
      if (started.get() >= nextSample) {
        memory.add(sample("starting", arm.parked().getAsInt(), t0));
        nextSample += settings.sampleEvery();
      }
    }
    if (!startErrors.isEmpty()) throw new IllegalStateException("arm " + arm.name() + ": starting runs failed: " + startErrors);
    double startSeconds = (System.nanoTime() - t0) / 1e9;
    List<String> runs = new ArrayList<>(Arrays.stream(ids).filter(java.util.Objects::nonNull).toList());
    System.out.printf(Locale.ROOT, "bench parked arm %s: %d of %d runs started in %.1f s%n", arm.name(), runs.size(), n, startSeconds);
    // Every started run reaches its wait, within start-minutes more.
    long parkDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(settings.startMinutes());
    while (arm.parked().getAsInt() < runs.size() && System.nanoTime() < parkDeadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }
    int parked = arm.parked().getAsInt();
    double parkSeconds = (System.nanoTime() - t0) / 1e9;
    if (parked < runs.size()) {
      throw new IllegalStateException("arm " + arm.name() + ": only " + parked + " of " + runs.size() + " runs reached their wait");
    }
    memory.add(sample("parked", parked, t0));
    // Hold them parked: the heap after GC and the RSS should stay flat.
    long holdEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.holdSeconds());
    while (System.nanoTime() < holdEnd) {
      LockSupport.parkNanos(Math.min(TimeUnit.SECONDS.toNanos(5), Math.max(0, holdEnd - System.nanoTime())));
      memory.add(sample("hold", parked, t0));
    }
    // Approve runs in a random order (fixed seed): most were parked long ago and left the worker's cache.
    Collections.shuffle(runs, new Random(15));
    int used = Math.min(settings.warmup(), runs.size());
    for (String id : runs.subList(0, used)) {
      try {
        arm.approve(id);
        arm.awaitEnd(id);
      } catch (Exception e) {
        throw new IllegalStateException("arm " + arm.name() + ": a warm-up approval failed", e);
      }
    }
    List<Step> steps = new ArrayList<>();
    String stopped = null;
    for (int k = 0; k < settings.rates().size() && stopped == null; k++) {
      int rate = settings.rates().get(k);
      int count = rate * settings.stepSeconds();
      if (used + count > runs.size()) {
        stopped = "parked runs used up (" + (runs.size() - used) + " left, " + rate + "/s needs " + count + ")";
        break;
      }
      Step step = step(arm, rate, runs.subList(used, used + count));
      used += count;
      steps.add(step);
      memory.add(sample("approving " + rate + "/s", parked - used, t0));
      System.out.printf(Locale.ROOT, "bench parked arm %s: %d/s: %d/%d completed, update p50 %.1f ms, completed p50 %.1f p95 %.1f p99 %.1f ms, %.1f/s%s%n",
          arm.name(), rate, step.completedMs().size(), step.sent(), step.updateP(0.5), step.p(0.5), step.p(0.95), step.p(0.99),
          step.achieved(), step.errors().isEmpty() ? "" : " errors: " + step.errors().stream().distinct().limit(3).toList());
      Integer nextRate = k + 1 < settings.rates().size() ? settings.rates().get(k + 1) : null;
      stopped = stopReason(step, nextRate, runs.size() - used, settings.stepSeconds());
    }
    if (stopped == null) stopped = "no step ran";
    History history = history(arm.client(), runs.subList(0, Math.min(3, used)));
    return new ArmReport(arm.name(), n, runs.size(), startSeconds, parked, parkSeconds, memory, steps, stopped, history);
  }

  /** The median history of {@code ids} (approved and completed runs). */
  private static History history(WorkflowClient client, List<String> ids) {
    List<History> all = new ArrayList<>();
    for (String id : ids) {
      List<io.temporal.api.history.v1.HistoryEvent> events = client.fetchHistory(id).getEvents();
      int accepted = 0;
      for (int i = 0; i < events.size(); i++) {
        if (events.get(i).hasWorkflowExecutionUpdateAcceptedEventAttributes()) accepted = i;
      }
      List<io.temporal.api.history.v1.HistoryEvent> after = events.subList(accepted, events.size());
      all.add(new History(events.size(), workflowTasks(events), after.size(), workflowTasks(after)));
    }
    if (all.isEmpty()) return new History(0, 0, 0, 0);
    all.sort(java.util.Comparator.comparingInt(History::events));
    return all.get(all.size() / 2);
  }

  private static int workflowTasks(List<io.temporal.api.history.v1.HistoryEvent> events) {
    return (int) events.stream().filter(e -> e.hasWorkflowTaskCompletedEventAttributes()).count();
  }

  /** Approvals of {@code ids} at {@code rate} per second, open loop: each is sent at its scheduled time whatever the others do. */
  private Step step(Arm arm, int rate, List<String> ids) {
    List<Double> updateMs = Collections.synchronizedList(new ArrayList<>());
    List<Double> completedMs = Collections.synchronizedList(new ArrayList<>());
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    long[] end = {t0};
    try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < ids.size(); i++) {
        long at = t0 + i * interval;
        LockSupport.parkNanos(at - System.nanoTime());
        String id = ids.get(i);
        senders.submit(() -> {
          try {
            arm.approve(id);
            updateMs.add((System.nanoTime() - at) / 1e6);
            arm.awaitEnd(id);
            long done = System.nanoTime();
            completedMs.add((done - at) / 1e6);
            synchronized (end) {
              end[0] = Math.max(end[0], done);
            }
          } catch (Exception e) {
            errors.add(e.getClass().getSimpleName() + ": " + e.getMessage());
          }
        });
      }
      // Closing the executor waits for every approval; each is bounded by its result's 60 s.
    }
    return new Step(rate, ids.size(), List.copyOf(updateMs), List.copyOf(completedMs), List.copyOf(errors), (end[0] - t0) / 1e9);
  }

  private static boolean await(ExecutorService pool, int seconds) {
    try {
      return pool.awaitTermination(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static MemorySample sample(String phase, int parked, long t0) {
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    return new MemorySample(phase, parked, (System.nanoTime() - t0) / 1e9, heap, BenchHarness.rss());
  }

  private static String f1(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.0f", bytes / (1024.0 * 1024));
  }

  String markdown() {
    StringBuilder md = new StringBuilder("# Weft benchmark, workload 4: runs parked on an approval\n\n");
    md.append("Load average (1 min, the whole machine): ").append(String.format(Locale.ROOT, "%.2f", loadStart)).append(" at the start, ")
        .append(String.format(Locale.ROOT, "%.2f", os.getSystemLoadAverage())).append(" at the end. Server: ").append(settings.server())
        .append(" (a fresh one per arm). Java ").append(System.getProperty("java.version")).append(", max heap ")
        .append(mib(Runtime.getRuntime().maxMemory())).append(" MiB. Worker: the SDK's default options (workflow cache 600 runs).\n\n");
    md.append("A: Weft's interpreter (approval node, then a no-op node), approved with the `decide` Update. ")
        .append("B: a hand-written workflow waiting for an `approve` Update, then one no-op activity. ")
        .append("Memory: this JVM (worker, client, harness), heap used right after `System.gc()`, RSS from /proc/self/status.\n\n");
    md.append("| arm | runs started | start s | starts/s | all parked after s | heap baseline MiB | heap parked max MiB | heap hold min-max MiB "
        + "| RSS hold max MiB | heap while approving max MiB | approvals/s with p95 <= 1 s | ramp stopped | events/run "
        + "| workflow tasks/run | events, workflow tasks from the Update's acceptance |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|\n");
    for (ArmReport r : reports) {
      md.append("| ").append(r.arm()).append(" | ").append(r.started()).append(" of ").append(r.requested()).append(" | ")
          .append(f1(r.startSeconds())).append(" | ").append(f1(r.started() / r.startSeconds())).append(" | ").append(f1(r.parkSeconds()))
          .append(" | ").append(mib(r.heapMax("baseline"))).append(" | ").append(mib(r.heapMax("parked"))).append(" | ")
          .append(mib(r.heapMin("hold"))).append("-").append(mib(r.heapMax("hold"))).append(" | ").append(mib(r.rssMax("hold")))
          .append(" | ").append(mib(r.heapMax("approving"))).append(" | ").append(sustainedRate(r.steps())).append(" | ").append(r.stopped())
          .append(" | ").append(r.history().events()).append(" | ").append(r.history().workflowTasks()).append(" | ")
          .append(r.history().eventsAfterApproval()).append(", ").append(r.history().workflowTasksAfterApproval()).append(" |\n");
    }
    md.append("\n### Approval sent → run completed (the next node done, and the run closed), per rate\n\n")
        .append("Open loop: approvals are sent at their scheduled times; latencies count from that time. ")
        .append(settings.stepSeconds()).append(" s per rate, after ").append(settings.warmup())
        .append(" warm-up approvals one at a time; update = until the Update answered.\n\n")
        .append("| arm | rate /s | sent | completed | achieved /s | update p50 ms | p50 ms | p95 ms | p99 ms | max ms | errors |\n")
        .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (ArmReport r : reports) {
      for (Step s : r.steps()) {
        md.append("| ").append(r.arm()).append(" | ").append(s.rate()).append(" | ").append(s.sent()).append(" | ")
            .append(s.completedMs().size()).append(" | ").append(f1(s.achieved())).append(" | ").append(f1(s.updateP(0.5))).append(" | ")
            .append(f1(s.p(0.5))).append(" | ").append(f1(s.p(0.95))).append(" | ").append(f1(s.p(0.99))).append(" | ")
            .append(f1(s.p(1))).append(" | ").append(s.errors().isEmpty() ? "" : s.errors().size() + ": " + s.errors().getFirst()
                .replace('|', '/').replace('\n', ' ')).append(" |\n");
      }
    }
    md.append("\n### Memory samples\n\n| arm | phase | parked | at s | heap after GC MiB | RSS MiB |\n|---|---|---:|---:|---:|---:|\n");
    for (ArmReport r : reports) {
      for (MemorySample m : r.memory()) {
        md.append("| ").append(r.arm()).append(" | ").append(m.phase()).append(" | ").append(m.parked()).append(" | ")
            .append(f1(m.seconds())).append(" | ").append(mib(m.heapBytes())).append(" | ").append(mib(m.rssBytes())).append(" |\n");
      }
    }
    return md.toString();
  }

  private Map<String, Object> json() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("workload", "parked");
    out.put("server", settings.server());
    out.put("java", System.getProperty("java.version"));
    out.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
    out.put("loadAverageStart", loadStart);
    out.put("loadAverageEnd", os.getSystemLoadAverage());
    out.put("stepSeconds", settings.stepSeconds());
    out.put("arms", reports.stream().map(r -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("arm", r.arm());
      m.put("requested", r.requested());
      m.put("started", r.started());
      m.put("startSeconds", r.startSeconds());
      m.put("parked", r.parked());
      m.put("allParkedAfterSeconds", r.parkSeconds());
      m.put("sustainedApprovalsPerSecond", sustainedRate(r.steps()));
      m.put("stopped", r.stopped());
      m.put("history", r.history());
      m.put("memory", r.memory());
      m.put("steps", r.steps().stream().map(s -> {
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("rate", s.rate());
        st.put("sent", s.sent());
        st.put("completed", s.completedMs().size());
        st.put("achievedPerSecond", s.achieved());
        st.put("updateP50Ms", s.updateP(0.5));
        st.put("p50Ms", s.p(0.5));
        st.put("p95Ms", s.p(0.95));
        st.put("p99Ms", s.p(0.99));
        st.put("maxMs", s.p(1));
        st.put("errors", s.errors());
        st.put("completedMs", s.completedMs());
        return st;
      }).toList());
      return m;
    }).toList());
    return out;
  }
}
