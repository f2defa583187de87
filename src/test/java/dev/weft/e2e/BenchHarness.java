package dev.weft.e2e;

import dev.weft.TestRegistries;
import dev.weft.definition.DefinitionLimits;
import dev.weft.definition.Json;
import dev.weft.engine.DefinitionSnapshot;
import dev.weft.engine.EngineSettings;
import dev.weft.engine.InMemoryPayloadStore;
import dev.weft.engine.NodeActivities;
import dev.weft.engine.NodeInvoker;
import dev.weft.engine.PayloadActivitiesImpl;
import dev.weft.engine.RunEventActivitiesImpl;
import dev.weft.engine.RunEventSink;
import dev.weft.engine.RunResult;
import dev.weft.engine.RunWorkflow;
import dev.weft.engine.RunWorkflowImpl;
import dev.weft.engine.TenantPropagator;
import dev.weft.engine.WeftDataConverter;
import dev.weft.expression.ExpressionEngine;
import dev.weft.node.NodeRegistry;
import dev.weft.node.NodeType;
import dev.weft.service.RunLauncher;
import dev.weft.validate.DefinitionValidator;
import dev.weft.validate.ValidationReport;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * The interpreter benchmark (issue 15, workloads 1 and 2, and 5 and 6): against a Temporal dev server or the
 * PostgreSQL-backed server ({@link PostgresTemporalServer}) on 127.0.0.1, one per server mode,
 * arm A (Weft's interpreter, {@link RunWorkflow} over a definition of N nodes) and arm B (a hand-written
 * Temporal workflow, {@link BenchWork.Flow}) run on the same in-process worker, with the same worker
 * options (the SDK's defaults, which are also Weft's), calling the same activity code ({@link BenchWork#burn}).
 * Runs are sequential, one at a time, the arms alternating. Writes {@code report.md} and {@code report.json}.
 */
final class BenchHarness {
  static final String QUEUE = "weft-bench";

  /** What to run; every field is a system property {@code weft.bench.*} (see {@link #fromSystemProperties}). */
  record Settings(int runs, int warmup, List<Integer> chains, int fanOut, int cpuMs, List<String> servers,
      List<Integer> defaultServerChains, int defaultServerFanOut, Path outDir, Outputs outputs, Loop loop,
      List<Boolean> executions) {

    /** The workloads of issue 15 items 1-2 only (workloads 5 and 6 off), with activities and with local activities. */
    Settings(int runs, int warmup, List<Integer> chains, int fanOut, int cpuMs, List<String> servers,
        List<Integer> defaultServerChains, int defaultServerFanOut, Path outDir) {
      this(runs, warmup, chains, fanOut, cpuMs, servers, defaultServerChains, defaultServerFanOut, outDir,
          new Outputs(List.of(), 20, 0), new Loop(0, 0, 0), List.of(false, true));
    }

    static Settings fromSystemProperties(Path defaultOut) {
      return new Settings(Integer.getInteger("weft.bench.runs", 10), Integer.getInteger("weft.bench.warmup", 2),
          ints(System.getProperty("weft.bench.chains", "10,40,200")), Integer.getInteger("weft.bench.fanout", 100),
          Integer.getInteger("weft.bench.cpu-ms", 10),
          List.of(System.getProperty("weft.bench.servers", "tuned,default").split(",")),
          ints(System.getProperty("weft.bench.default-server.chains", "10,40")),
          Integer.getInteger("weft.bench.default-server.fanout", 100),
          Path.of(System.getProperty("weft.bench.dir", defaultOut.toString())).toAbsolutePath(),
          new Outputs(ints(System.getProperty("weft.bench.outputs", "10,200,1024,3072")),
              Integer.getInteger("weft.bench.outputs.nodes", 20), Integer.getInteger("weft.bench.outputs.runs", 3)),
          new Loop(Integer.getInteger("weft.bench.loop", 5000), Integer.getInteger("weft.bench.loop.runs", 1),
              Integer.getInteger("weft.bench.loop.b-every", 500)),
          executions(System.getProperty("weft.bench.executions", "activity,local")));
    }

    /** {@code activity}, {@code local} or both: how the nodes of workloads 1-2 run, in both arms. */
    static List<Boolean> executions(String csv) {
      List<Boolean> out = new ArrayList<>();
      for (String e : csv.split(",")) {
        switch (e.trim()) {
          case "activity" -> out.add(false);
          case "local" -> out.add(true);
          default -> throw new IllegalArgumentException("weft.bench.executions: activity, local or both, not " + e);
        }
      }
      return out;
    }

    /** Whether any of workloads 1, 2, 5 or 6 is selected. */
    boolean hasWorkloads() {
      boolean defaultServer = servers.stream().anyMatch(BenchHarness::untuned) && (!defaultServerChains.isEmpty() || defaultServerFanOut > 0);
      return !servers.isEmpty() && (!chains.isEmpty() || fanOut > 0 || defaultServer || !outputs.kib().isEmpty() || loop.iterations() > 0);
    }

    private static List<Integer> ints(String csv) {
      return csv.isBlank() ? List.of() : Arrays.stream(csv.split(",")).map(String::trim).map(Integer::valueOf).toList();
    }
  }

  /**
   * Workload 5: chains of {@code nodes} nodes each outputting {@code kib} KiB (empty: off), {@code runs}
   * runs per arm and size, on the first server mode only.
   */
  record Outputs(List<Integer> kib, int nodes, int runs) {}

  /**
   * Workload 6: a {@code repeat} loop of {@code iterations} no-op iterations (0: off), {@code runs} runs per
   * arm, on the first server mode only; arm B continues as new every {@code bEvery} iterations.
   */
  record Loop(int iterations, int runs, int bEvery) {}

  /**
   * One workload: a chain of {@code nodes} nodes, or a fan-out (one node, nodes - 2 in parallel, one);
   * {@code local}: A's nodes have {@code "execution": "local"} and B calls local activities.
   */
  record Workload(String shape, int nodes, int cpuMs, boolean local) {
    String label() {
      return shape + " " + nodes + (cpuMs == 0 ? " no-op" : " cpu " + cpuMs + " ms") + (local ? " local" : "");
    }
  }

  /**
   * One run: wall time, events and history bytes over its continue-as-new chain ({@code temporalRuns}
   * Temporal runs, the largest with {@code maxRunEvents} events), and {@code error} when it failed.
   */
  record Sample(double ms, int events, long historyBytes, long cpuNanos, int temporalRuns, int maxRunEvents, String error,
      double taskWaitMs) {
    Sample(double ms, int events, long historyBytes, long cpuNanos) {
      this(ms, events, historyBytes, cpuNanos, 1, events, null, 0);
    }

    Sample withCpu(long nanos) {
      return new Sample(ms, events, historyBytes, nanos, temporalRuns, maxRunEvents, error, taskWaitMs);
    }

    Sample withError(String e) {
      return new Sample(ms, events, historyBytes, cpuNanos, temporalRuns, maxRunEvents, e, taskWaitMs);
    }
  }

  /**
   * How long the run's workflow and activity tasks waited in the server, from scheduled to started, in ms
   * (the sum over the history; local activities have no such wait).
   */
  static double taskWaitMs(List<io.temporal.api.history.v1.HistoryEvent> events) {
    Map<Long, Long> scheduled = new java.util.HashMap<>();
    double total = 0;
    for (io.temporal.api.history.v1.HistoryEvent e : events) {
      long at = e.getEventTime().getSeconds() * 1_000_000_000L + e.getEventTime().getNanos();
      if (e.hasWorkflowTaskScheduledEventAttributes() || e.hasActivityTaskScheduledEventAttributes()) {
        scheduled.put(e.getEventId(), at);
      } else if (e.hasWorkflowTaskStartedEventAttributes()) {
        Long from = scheduled.get(e.getWorkflowTaskStartedEventAttributes().getScheduledEventId());
        if (from != null) total += (at - from) / 1e6;
      } else if (e.hasActivityTaskStartedEventAttributes()) {
        Long from = scheduled.get(e.getActivityTaskStartedEventAttributes().getScheduledEventId());
        if (from != null) total += (at - from) / 1e6;
      }
    }
    return total;
  }

  /** Workload 5 or 6 for one arm: the runs as measured, failed ones included. */
  record Extra(String workload, String arm, int size, List<Sample> samples) {
    List<Sample> ok() {
      return samples.stream().filter(s -> s.error() == null).toList();
    }

    double p50() {
      double[] sorted = ok().stream().mapToDouble(Sample::ms).sorted().toArray();
      return sorted.length == 0 ? Double.NaN : sorted[(int) Math.ceil(0.5 * sorted.length) - 1];
    }

    /** The median of {@code f} over all runs (failed ones too: their history is measured the same way). */
    double median(java.util.function.ToDoubleFunction<Sample> f) {
      double[] sorted = samples.stream().mapToDouble(f).sorted().toArray();
      return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
    }

    String errors() {
      return samples.stream().map(Sample::error).filter(java.util.Objects::nonNull).distinct().collect(Collectors.joining("; "));
    }
  }

  /** The measured runs of one arm of one workload on one server. */
  record ArmResult(String arm, List<Sample> samples, long heapUsedMaxBytes, long rssMaxBytes) {
    double p(double q) {
      double[] sorted = samples.stream().mapToDouble(Sample::ms).sorted().toArray();
      int i = (int) Math.ceil(q * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    double eventsMedian() {
      int[] sorted = samples.stream().mapToInt(Sample::events).sorted().toArray();
      return sorted[sorted.length / 2];
    }

    double historyBytesMedian() {
      long[] sorted = samples.stream().mapToLong(Sample::historyBytes).sorted().toArray();
      return sorted[sorted.length / 2];
    }

    /** The median over the runs of the time their tasks waited in the server (scheduled to started), in ms. */
    double taskWaitMsMedian() {
      double[] sorted = samples.stream().mapToDouble(Sample::taskWaitMs).sorted().toArray();
      return sorted[sorted.length / 2];
    }

    double cpuMsPerRun() {
      return samples.stream().mapToLong(Sample::cpuNanos).average().orElse(0) / 1e6;
    }
  }

  record WorkloadResult(String server, Workload workload, ArmResult a, ArmResult b) {}

  private final Settings settings;
  private final Path cli;
  private final List<WorkloadResult> results = new ArrayList<>();
  private final List<Extra> extras = new ArrayList<>();
  private double loadStart;
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  BenchHarness(Settings settings, Path cli) {
    this.settings = settings;
    this.cli = cli;
  }

  List<WorkloadResult> results() {
    return results;
  }

  List<Extra> extras() {
    return extras;
  }

  /** Runs every server mode and workload, writes the reports, and returns the summary it printed. */
  String run() throws IOException {
    loadStart = os.getSystemLoadAverage();
    Files.createDirectories(settings.outDir());
    for (String server : settings.servers()) {
      List<Workload> workloads = new ArrayList<>();
      List<Integer> chains = untuned(server) ? settings.defaultServerChains() : settings.chains();
      int fanOut = untuned(server) ? settings.defaultServerFanOut() : settings.fanOut();
      for (boolean local : settings.executions()) {
        for (int n : chains) {
          workloads.add(new Workload("chain", n, 0, local));
          if (settings.cpuMs() > 0) workloads.add(new Workload("chain", n, settings.cpuMs(), local));
        }
        if (fanOut > 0) workloads.add(new Workload("fan-out", fanOut + 2, 0, local));
      }
      Path dir = settings.outDir().resolve("server-" + server);
      deleteTree(dir);
      Files.createDirectories(dir);
      try (Server temporal = startServer(server, cli, dir);
          Arms arms = new Arms(temporal.address())) {
        for (Workload w : workloads) results.add(measure(server, w, arms));
        if (server.equals(settings.servers().getFirst())) {
          for (int kib : settings.outputs().kib()) measureOutputs(kib, arms);
          if (settings.loop().iterations() > 0) measureLoop(arms);
        }
      }
    }
    String md = markdown();
    Files.writeString(settings.outDir().resolve("report.md"), md);
    Files.writeString(settings.outDir().resolve("report.json"), Json.MAPPER.writeValueAsString(json()));
    return md;
  }

  /** Whether a server mode runs without the transfer-queue setting (it gets the smaller default-server workloads). */
  static boolean untuned(String mode) {
    return mode.equals("default") || mode.equals("pg-default");
  }

  /** The heading of a server mode in the report. */
  static String serverTitle(String mode) {
    return switch (mode) {
      case "tuned" -> "Dev server, tuned (history.transferProcessorMaxPollRPS=1000)";
      case "default" -> "Dev server, default settings (transferProcessorMaxPollRPS=20)";
      case "pg-tuned" -> "PostgreSQL-backed server (temporal/postgres-server.sh), tuned (transferProcessorMaxPollRPS=1000)";
      case "pg-default" -> "PostgreSQL-backed server (temporal/postgres-server.sh), default settings (transferProcessorMaxPollRPS=20)";
      case String m when m.startsWith("pg-rps") -> "PostgreSQL-backed server (temporal/postgres-server.sh), transferProcessorMaxPollRPS=" + m.substring(6);
      default -> "Dev server, history.transferProcessorMaxPollRPS=" + mode.substring(3);
    };
  }

  /** A Temporal server the benchmark runs against, stopped by {@link #close}. */
  interface Server extends AutoCloseable {
    String address();

    @Override
    void close();
  }

  /**
   * Starts the server of a mode, its files under {@code dir}: a dev server ({@code tuned}: Weft's
   * {@code transferProcessorMaxPollRPS=1000}; {@code default}: the server's 20; {@code rps<N>}), or a private
   * PostgreSQL with {@code temporal/postgres-server.sh} ({@code pg-tuned}: its shipped dynamic config;
   * {@code pg-default}: the same without {@code transferProcessorMaxPollRPS}).
   */
  static Server startServer(String mode, Path cli, Path dir) {
    if (mode.startsWith("pg-")) return PostgresTemporalServer.start(pgTransferPollRps(mode), cli, dir);
    TemporalDevServer dev = new TemporalDevServer(cli, dir, devServerConfig(mode)).start();
    return new Server() {
      public String address() {
        return dev.address();
      }

      public void close() {
        dev.close();
      }
    };
  }

  /**
   * The {@code transferProcessorMaxPollRPS} of a PostgreSQL mode: null for {@code pg-tuned} (the shipped file),
   * 0 for {@code pg-default} (the key removed), N for {@code pg-rps<N>}.
   */
  static Integer pgTransferPollRps(String mode) {
    return switch (mode) {
      case "pg-tuned" -> null;
      case "pg-default" -> 0;
      default -> {
        if (!mode.matches("pg-rps[1-9][0-9]*")) {
          throw new IllegalArgumentException("weft.bench.servers: pg-tuned, pg-default or pg-rps<N>, not " + mode);
        }
        yield Integer.valueOf(mode.substring(6));
      }
    };
  }

  /** The dynamic config of a dev-server mode. */
  static Map<String, String> devServerConfig(String mode) {
    return switch (mode) {
      case "tuned" -> TemporalDevServer.TUNED;
      case "default" -> Map.of();
      default -> {
        if (!mode.matches("rps[0-9]+")) {
          throw new IllegalArgumentException("weft.bench.servers: tuned, default, rps<N>, pg-tuned or pg-default, not " + mode);
        }
        yield Map.of("history.transferProcessorMaxPollRPS", mode.substring(3));
      }
    };
  }

  private WorkloadResult measure(String server, Workload w, Arms arms) {
    DefinitionSnapshot definition = arms.definition(w);
    for (int i = 0; i < settings.warmup(); i++) {
      arms.runA(definition);
      arms.runB(w);
    }
    System.gc();
    List<Sample> a = new ArrayList<>();
    List<Sample> b = new ArrayList<>();
    long[] heapA = {0}, heapB = {0}, rssA = {0}, rssB = {0};
    for (int i = 0; i < settings.runs(); i++) {
      // Alternate which arm goes first, so neither always runs right after the other's garbage.
      for (int k = 0; k < 2; k++) {
        boolean armA = (i + k) % 2 == 0;
        long cpu0 = os.getProcessCpuTime();
        Sample s = armA ? arms.runA(definition) : arms.runB(w);
        s = s.withCpu(os.getProcessCpuTime() - cpu0);
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long rss = rss();
        if (armA) {
          a.add(s);
          heapA[0] = Math.max(heapA[0], heap);
          rssA[0] = Math.max(rssA[0], rss);
        } else {
          b.add(s);
          heapB[0] = Math.max(heapB[0], heap);
          rssB[0] = Math.max(rssB[0], rss);
        }
      }
    }
    WorkloadResult r = new WorkloadResult(server, w, new ArmResult("A", a, heapA[0], rssA[0]), new ArmResult("B", b, heapB[0], rssB[0]));
    System.out.printf(Locale.ROOT, "bench %-7s %-24s A p50 %8.1f ms  B p50 %8.1f ms  A/B %.2f  events/node A %.2f B %.2f%n",
        server, w.label(), r.a().p(0.5), r.b().p(0.5), r.a().p(0.5) / r.b().p(0.5),
        r.a().eventsMedian() / w.nodes(), r.b().eventsMedian() / w.nodes());
    return r;
  }

  /** Workload 5: warm-up runs, then A and B in turn, one size at a time; failed runs are recorded, not thrown. */
  private void measureOutputs(int kib, Arms arms) {
    Outputs o = settings.outputs();
    DefinitionSnapshot definition = arms.outputsDefinition(o.nodes(), kib * 1024);
    for (int i = 0; i < settings.warmup(); i++) {
      arms.runA(definition, 3);
      arms.runOutputsB(o.nodes(), kib * 1024);
    }
    List<Sample> a = new ArrayList<>();
    List<Sample> b = new ArrayList<>();
    for (int i = 0; i < o.runs(); i++) {
      a.add(arms.runA(definition, 3));
      b.add(arms.runOutputsB(o.nodes(), kib * 1024));
    }
    Extra ea = new Extra("outputs", "A", kib, a);
    Extra eb = new Extra("outputs", "B", kib, b);
    extras.add(ea);
    extras.add(eb);
    for (Extra e : List.of(ea, eb)) {
      System.out.printf(Locale.ROOT, "bench outputs %5d KiB x %d arm %s: %d/%d completed, p50 %.1f ms, history %.1f KiB/node, events/node %.2f %s%n",
          kib, o.nodes(), e.arm(), e.ok().size(), e.samples().size(), e.p50(), e.median(Sample::historyBytes) / 1024 / o.nodes(),
          e.median(Sample::events) / o.nodes(), e.errors());
    }
  }

  /** Workload 6: arm A then arm B, {@code runs} times. */
  private void measureLoop(Arms arms) {
    Loop l = settings.loop();
    DefinitionSnapshot definition = arms.loopDefinition(l.iterations());
    List<Sample> a = new ArrayList<>();
    List<Sample> b = new ArrayList<>();
    for (int i = 0; i < l.runs(); i++) {
      a.add(arms.runA(definition, 30));
      b.add(arms.runLoopB(l.iterations(), l.bEvery()));
    }
    Extra ea = new Extra("loop", "A", l.iterations(), a);
    Extra eb = new Extra("loop", "B", l.iterations(), b);
    extras.add(ea);
    extras.add(eb);
    for (Extra e : List.of(ea, eb)) {
      System.out.printf(Locale.ROOT, "bench loop %d arm %s: %d/%d completed, p50 %.1f ms (%.2f ms/iteration), runs %.0f, max events/run %.0f, events %.0f %s%n",
          l.iterations(), e.arm(), e.ok().size(), e.samples().size(), e.p50(), e.p50() / l.iterations(),
          e.median(Sample::temporalRuns), e.median(Sample::maxRunEvents), e.median(Sample::events), e.errors());
    }
  }

  /** The worker both arms run on, and the clients that start their runs. */
  static final class Arms implements AutoCloseable {
    private final WorkflowServiceStubs service;
    final WorkflowClient client;
    private final WorkerFactory factory;
    final RunLauncher launcher;
    private final DefinitionValidator validator;

    Arms(String address) {
      this(address, RunEventSink.NONE);
    }

    /** @param events where arm A's run events go (the service writes them to its store; here they are dropped or counted) */
    Arms(String address, RunEventSink events) {
      service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
      client = WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder().setNamespace("default")
          .setDataConverter(WeftDataConverter.create()).setContextPropagators(List.of(TenantPropagator.INSTANCE)).build());
      NodeRegistry registry = TestRegistries.registry(BenchNodes.all().toArray(NodeType<?>[]::new));
      ExpressionEngine expressions = new ExpressionEngine();
      validator = new DefinitionValidator(registry, expressions, DefinitionLimits.DEFAULTS);
      NodeInvoker invoker = new NodeInvoker(registry, expressions);
      InMemoryPayloadStore store = new InMemoryPayloadStore();
      factory = WorkerFactory.newInstance(client);
      // The SDK's default worker options: Weft's too when no weft.temporal.worker.* is set.
      Worker worker = factory.newWorker(QUEUE);
      worker.registerWorkflowImplementationFactory(RunWorkflow.class,
          () -> new RunWorkflowImpl(invoker, expressions, EngineSettings.DEFAULTS));
      worker.registerWorkflowImplementationTypes(BenchWork.FlowImpl.class, BenchWork.LocalFlowImpl.class, BenchWork.OutputsImpl.class,
          BenchWork.LoopImpl.class, BenchWork.ParkedImpl.class);
      worker.registerActivitiesImplementations(new NodeActivities(invoker, store, EngineSettings.DEFAULTS, events),
          new RunEventActivitiesImpl(events), new PayloadActivitiesImpl(expressions, store), new BenchWork.ActivitiesImpl());
      factory.start();
      launcher = new RunLauncher(client, QUEUE, true);
    }

    DefinitionSnapshot definition(Workload w) {
      String execution = ", \"execution\": \"" + (w.local() ? "local" : "activity") + "\"";
      String work = (w.cpuMs() == 0 ? "\"type\": \"bench.noop\", \"config\": {}"
          : "\"type\": \"bench.cpu\", \"config\": {\"ms\": " + w.cpuMs() + "}") + execution;
      String noop = "\"type\": \"bench.noop\", \"config\": {}" + execution;
      List<String> nodes = new ArrayList<>();
      List<String> edges = new ArrayList<>();
      if (w.shape().equals("chain")) {
        for (int i = 1; i <= w.nodes(); i++) {
          nodes.add("{\"id\": \"n" + i + "\", " + work + "}");
          if (i > 1) edges.add("{\"from\": \"n" + (i - 1) + "\", \"to\": \"n" + i + "\"}");
        }
      } else {
        nodes.add("{\"id\": \"first\", " + noop + "}");
        nodes.add("{\"id\": \"last\", " + noop + "}");
        for (int i = 1; i <= w.nodes() - 2; i++) {
          nodes.add("{\"id\": \"b" + i + "\", " + work + "}");
          edges.add("{\"from\": \"first\", \"to\": \"b" + i + "\"}");
          edges.add("{\"from\": \"b" + i + "\", \"to\": \"last\"}");
        }
      }
      String json = "{\"name\": \"bench-" + w.shape() + "-" + w.nodes() + "\", \"nodes\": [" + String.join(", ", nodes)
          + "], \"edges\": [" + String.join(", ", edges) + "]}";
      ValidationReport report = validator.validate(json);
      if (!report.valid()) throw new IllegalStateException("invalid benchmark definition: " + report.errors());
      String id = "bench-" + w.shape() + "-" + w.nodes() + "-" + w.cpuMs() + (w.local() ? "-local" : "");
      return new DefinitionSnapshot(id, 1, RunLauncher.contentHash(report.definition()), report.definition().withId(id));
    }

    /** Workload 5's definition: a chain of {@code nodes} {@code bench.blob} nodes. */
    DefinitionSnapshot outputsDefinition(int nodes, int bytes) {
      List<String> ns = new ArrayList<>();
      List<String> edges = new ArrayList<>();
      for (int i = 1; i <= nodes; i++) {
        ns.add("{\"id\": \"n" + i + "\", \"type\": \"bench.blob\", \"config\": {\"bytes\": " + bytes + "}}");
        if (i > 1) edges.add("{\"from\": \"n" + (i - 1) + "\", \"to\": \"n" + i + "\"}");
      }
      return snapshot("bench-outputs-" + nodes + "-" + bytes, "{\"name\": \"bench-outputs\", \"nodes\": [" + String.join(", ", ns)
          + "], \"edges\": [" + String.join(", ", edges) + "]}");
    }

    /** Workload 6's definition: one {@code repeat} loop of {@code iterations} around a {@code bench.noop}. */
    DefinitionSnapshot loopDefinition(int iterations) {
      return snapshot("bench-loop-" + iterations, """
          {"name": "bench-loop", "nodes": [{"id": "loop", "type": "loop", "config": {"mode": "repeat",
            "until": "false", "maxIterations": %d,
            "body": {"nodes": [{"id": "work", "type": "bench.noop", "config": {}}]}}}]}""".formatted(iterations));
    }

    /** Workload 4's definition: an approval node, then a {@code bench.noop} on its {@code approved} port. */
    DefinitionSnapshot parkedDefinition() {
      return snapshot("bench-parked", ParkedBench.DEFINITION);
    }

    DefinitionSnapshot snapshot(String id, String json) {
      ValidationReport report = validator.validate(json);
      if (!report.valid()) throw new IllegalStateException("invalid benchmark definition: " + report.errors());
      return new DefinitionSnapshot(id, 1, RunLauncher.contentHash(report.definition()), report.definition().withId(id));
    }

    /** Arm A, recording a failure (or no result within {@code minutes}) in the sample instead of throwing. */
    Sample runA(DefinitionSnapshot definition, int minutes) {
      long t0 = System.nanoTime();
      RunLauncher.Launched run = launcher.launch(definition, Json.parse("{}"), UUID.randomUUID().toString(), "bench", "api");
      String error = outcome(run.stub(), RunResult.class, minutes);
      return failed(sample(t0, run.runId(), run.temporalRunId()), error);
    }

    Sample runOutputsB(int nodes, int bytes) {
      String id = "bench-b-outputs-" + UUID.randomUUID();
      BenchWork.Outputs flow = client.newWorkflowStub(BenchWork.Outputs.class,
          WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(id).build());
      long t0 = System.nanoTime();
      WorkflowExecution execution = WorkflowClient.start(flow::run, nodes, bytes);
      String error = outcome(WorkflowStub.fromTyped(flow), Integer.class, 3);
      return failed(sample(t0, id, execution.getRunId()), error);
    }

    Sample runLoopB(int iterations, int every) {
      String id = "bench-b-loop-" + UUID.randomUUID();
      BenchWork.Loop flow = client.newWorkflowStub(BenchWork.Loop.class,
          WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(id).build());
      long t0 = System.nanoTime();
      WorkflowExecution execution = WorkflowClient.start(flow::run, iterations, every, 0);
      String error = outcome(WorkflowStub.fromTyped(flow), Integer.class, 30);
      return failed(sample(t0, id, execution.getRunId()), error);
    }

    /** Null when the run completed; else what failed it (a run still going after {@code minutes} is terminated). */
    private static String outcome(WorkflowStub stub, Class<?> type, int minutes) {
      try {
        stub.getResult(minutes, TimeUnit.MINUTES, type);
        return null;
      } catch (java.util.concurrent.TimeoutException e) {
        stub.terminate("benchmark: no result in " + minutes + " minutes");
        return "no result in " + minutes + " min (terminated)";
      } catch (RuntimeException e) {
        // The chain's classes (they say where: activity, workflow task, ...) and the innermost message.
        List<String> chain = new ArrayList<>();
        Throwable root = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
          chain.add(t.getClass().getSimpleName());
          root = t;
        }
        String m = String.valueOf(root.getMessage());
        return (String.join(" <- ", chain) + ": " + (m.length() > 200 ? m.substring(0, 200) + "..." : m)).replace('|', '/').replace('\n', ' ');
      }
    }

    private static Sample failed(Sample s, String error) {
      return s.withError(error);
    }

    Sample runA(DefinitionSnapshot definition) {
      JsonNode input = Json.parse("{}");
      long t0 = System.nanoTime();
      RunLauncher.Launched run = launcher.launch(definition, input, UUID.randomUUID().toString(), "bench", "api");
      result(run.stub(), RunResult.class);
      return sample(t0, run.runId(), run.temporalRunId());
    }

    Sample runB(Workload w) {
      String id = "bench-b-" + UUID.randomUUID();
      WorkflowStub stub = client.newUntypedWorkflowStub(w.local() ? "BenchHandWrittenLocal" : "BenchHandWritten",
          WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(id).build());
      long t0 = System.nanoTime();
      WorkflowExecution execution = stub.start(w.nodes(), w.cpuMs(), w.shape().equals("fan-out"));
      result(stub, Long.class);
      return sample(t0, id, execution.getRunId());
    }

    /** A run's result, at most 5 minutes away. */
    private static <T> T result(WorkflowStub stub, Class<T> type) {
      try {
        return stub.getResult(5, TimeUnit.MINUTES, type);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("run " + stub.getExecution().getWorkflowId() + " did not finish in 5 minutes", e);
      }
    }

    /** The wall time since {@code t0}, and the events and bytes of the run's histories (continued-as-new included). */
    private Sample sample(long t0, String workflowId, String runId) {
      double ms = (System.nanoTime() - t0) / 1e6;
      int events = 0;
      long bytes = 0;
      int runs = 0;
      int maxRunEvents = 0;
      double wait = 0;
      while (runId != null) {
        WorkflowExecutionHistory h = client.fetchHistory(workflowId, runId);
        runs++;
        maxRunEvents = Math.max(maxRunEvents, h.getEvents().size());
        events += h.getEvents().size();
        wait += taskWaitMs(h.getEvents());
        bytes += h.getHistory().getSerializedSize();
        var last = h.getLastEvent();
        runId = last.hasWorkflowExecutionContinuedAsNewEventAttributes()
            ? last.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId() : null;
      }
      return new Sample(ms, events, bytes, 0, runs, maxRunEvents, null, wait);
    }

    @Override
    public void close() {
      factory.shutdown();
      factory.awaitTermination(20, TimeUnit.SECONDS);
      service.shutdown();
      service.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** This process's resident set (Linux; 0 elsewhere). */
  static long rss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  private static String f1(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String f2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String mib(long bytes) {
    return String.valueOf(bytes / (1024 * 1024));
  }

  String markdown() {
    StringBuilder md = new StringBuilder("# Weft benchmark: interpreter (A) vs hand-written Temporal workflow (B)\n\n");
    md.append("Load average (1 min, the whole machine): ").append(f2(loadStart)).append(" at the start, ")
        .append(f2(os.getSystemLoadAverage())).append(" at the end.\n");
    md.append("Workloads 1-2, runs per arm: ").append(settings.runs()).append(" measured after ").append(settings.warmup())
        .append(" warm-up; sequential, one run at a time, arms alternating. Wall time = start request to result.\n")
        .append("Java ").append(System.getProperty("java.version")).append(", ").append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs, max heap ").append(mib(Runtime.getRuntime().maxMemory())).append(" MiB.\n");
    for (String server : settings.servers()) {
      List<WorkloadResult> rs = results.stream().filter(r -> r.server().equals(server)).toList();
      md.append("\n## ").append(serverTitle(server)).append("\n\n");
      md.append("| workload | A p50 ms | A p95 | A p99 | B p50 ms | B p95 | B p99 | A/B p50 | A/B p95 | A ms/node | B ms/node |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (WorkloadResult r : rs) {
        int n = r.workload().nodes();
        md.append("| ").append(r.workload().label()).append(" | ").append(f1(r.a().p(0.5))).append(" | ").append(f1(r.a().p(0.95)))
            .append(" | ").append(f1(r.a().p(0.99))).append(" | ").append(f1(r.b().p(0.5))).append(" | ").append(f1(r.b().p(0.95)))
            .append(" | ").append(f1(r.b().p(0.99))).append(" | ").append(f2(r.a().p(0.5) / r.b().p(0.5)))
            .append(" | ").append(f2(r.a().p(0.95) / r.b().p(0.95))).append(" | ").append(f2(r.a().p(0.5) / n))
            .append(" | ").append(f2(r.b().p(0.5) / n)).append(" |\n");
      }
      md.append("\n| workload | A events/run | B events/run | A events/node | B events/node | A history KiB | B history KiB "
          + "| A CPU ms/run | B CPU ms/run | A heap max MiB | B heap max MiB | RSS max MiB | A task wait ms/node | B task wait ms/node |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (WorkloadResult r : rs) {
        int n = r.workload().nodes();
        md.append("| ").append(r.workload().label()).append(" | ").append((int) r.a().eventsMedian()).append(" | ")
            .append((int) r.b().eventsMedian()).append(" | ").append(f2(r.a().eventsMedian() / n)).append(" | ")
            .append(f2(r.b().eventsMedian() / n)).append(" | ").append(f1(r.a().historyBytesMedian() / 1024)).append(" | ")
            .append(f1(r.b().historyBytesMedian() / 1024)).append(" | ").append(f1(r.a().cpuMsPerRun())).append(" | ")
            .append(f1(r.b().cpuMsPerRun())).append(" | ").append(mib(r.a().heapUsedMaxBytes())).append(" | ")
            .append(mib(r.b().heapUsedMaxBytes())).append(" | ").append(mib(Math.max(r.a().rssMaxBytes(), r.b().rssMaxBytes())))
            .append(" | ").append(f2(r.a().taskWaitMsMedian() / n)).append(" | ").append(f2(r.b().taskWaitMsMedian() / n)).append(" |\n");
      }
    }
    for (String prefix : List.of("", "pg-")) {
      if (!settings.servers().contains(prefix + "default") || !settings.servers().contains(prefix + "tuned")) continue;
      md.append("\n## ").append(prefix.isEmpty() ? "Dev server" : "PostgreSQL-backed server")
          .append(" default vs tuned (p50 ms per node)\n\n| workload | A default | A tuned | B default | B tuned |\n|---|---:|---:|---:|---:|\n");
      for (WorkloadResult d : results.stream().filter(r -> r.server().equals(prefix + "default")).toList()) {
        results.stream().filter(r -> r.server().equals(prefix + "tuned") && r.workload().equals(d.workload())).findFirst().ifPresent(t -> {
          int n = d.workload().nodes();
          md.append("| ").append(d.workload().label()).append(" | ").append(f2(d.a().p(0.5) / n)).append(" | ")
              .append(f2(t.a().p(0.5) / n)).append(" | ").append(f2(d.b().p(0.5) / n)).append(" | ").append(f2(t.b().p(0.5) / n))
              .append(" |\n");
        });
      }
    }
    md.append("""

        A/B > 1: the interpreter is slower. ms/node = p50 wall time / nodes (for cpu workloads it includes the
        burned CPU). CPU ms/run: this JVM's CPU time (worker, client, harness) per run, not the server's.
        Heap: used heap after a run, the max over the arm's runs; RSS: the whole JVM (both arms share it).
        Task wait: the median over runs of the time the run's workflow and activity tasks waited in the server
        (history event times, scheduled to started), divided by the nodes.
        """);
    String first = settings.servers().getFirst();
    List<Extra> outputs = extras.stream().filter(e -> e.workload().equals("outputs")).toList();
    if (!outputs.isEmpty()) {
      int n = settings.outputs().nodes();
      md.append("\n## Workload 5: large node outputs, chain of ").append(n).append(" nodes (server ").append(first).append(")\n\n")
          .append("Each node outputs a string of the given size. A: Weft claim-checks outputs above ")
          .append(EngineSettings.DEFAULTS.claimCheckBytes() / 1024).append(" KiB into a PayloadStore (here the in-memory one, ")
          .append("InMemoryPayloadStore, in the worker's JVM). B: the activity returns the string; one attempt per activity in both arms. ")
          .append(settings.outputs().runs()).append(" runs per arm and size after ").append(settings.warmup()).append(" warm-up.\n\n")
          .append("| output KiB | arm | completed | p50 ms | history KiB/node | events/node | failure |\n|---:|---|---:|---:|---:|---:|---|\n");
      for (Extra e : outputs) {
        md.append("| ").append(e.size()).append(" | ").append(e.arm()).append(" | ").append(e.ok().size()).append("/").append(e.samples().size())
            .append(" | ").append(f1(e.p50())).append(" | ").append(f1(e.median(Sample::historyBytes) / 1024 / n)).append(" | ")
            .append(f2(e.median(Sample::events) / n)).append(" | ").append(e.errors().isEmpty() ? "" : e.errors()).append(" |\n");
      }
      md.append("\nhistory and events: the median over all runs, failed ones included (up to where they failed).\n");
    }
    List<Extra> loops = extras.stream().filter(e -> e.workload().equals("loop")).toList();
    if (!loops.isEmpty()) {
      int it = settings.loop().iterations();
      md.append("\n## Workload 6: a ").append(it).append("-iteration loop (server ").append(first).append(")\n\n")
          .append("A: a `repeat` loop node around one `bench.noop`, history budget ").append(EngineSettings.DEFAULTS.historyBudget())
          .append(" events (weft.engine.history-budget's default). B: ").append(it).append(" sequential no-op activities, continuing as new every ")
          .append(settings.loop().bEvery()).append(" iterations.\n\n")
          .append("| arm | completed | wall ms (p50) | ms/iteration | Temporal runs | max events/run | events total | events/iteration | history KiB | failure |\n")
          .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
      for (Extra e : loops) {
        md.append("| ").append(e.arm()).append(" | ").append(e.ok().size()).append("/").append(e.samples().size()).append(" | ")
            .append(f1(e.p50())).append(" | ").append(f2(e.p50() / it)).append(" | ").append((int) e.median(Sample::temporalRuns))
            .append(" | ").append((int) e.median(Sample::maxRunEvents)).append(" | ").append((int) e.median(Sample::events)).append(" | ")
            .append(f2(e.median(Sample::events) / it)).append(" | ").append(f1(e.median(Sample::historyBytes) / 1024)).append(" | ")
            .append(e.errors()).append(" |\n");
      }
    }
    return md.toString();
  }

  private Map<String, Object> json() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("runs", settings.runs());
    out.put("warmup", settings.warmup());
    out.put("java", System.getProperty("java.version"));
    out.put("cpus", Runtime.getRuntime().availableProcessors());
    out.put("loadAverageStart", loadStart);
    out.put("loadAverageEnd", os.getSystemLoadAverage());
    out.put("results", results.stream().map(r -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("server", r.server());
      m.put("shape", r.workload().shape());
      m.put("nodes", r.workload().nodes());
      m.put("cpuMs", r.workload().cpuMs());
      m.put("ratioP50", r.a().p(0.5) / r.b().p(0.5));
      m.put("ratioP95", r.a().p(0.95) / r.b().p(0.95));
      for (ArmResult arm : List.of(r.a(), r.b())) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("p50Ms", arm.p(0.5));
        a.put("p95Ms", arm.p(0.95));
        a.put("p99Ms", arm.p(0.99));
        a.put("msPerNode", arm.p(0.5) / r.workload().nodes());
        a.put("eventsPerRun", arm.eventsMedian());
        a.put("eventsPerNode", arm.eventsMedian() / r.workload().nodes());
        a.put("historyBytesPerRun", arm.historyBytesMedian());
        a.put("cpuMsPerRun", arm.cpuMsPerRun());
        a.put("taskWaitMsPerRun", arm.taskWaitMsMedian());
        a.put("heapUsedMaxBytes", arm.heapUsedMaxBytes());
        a.put("rssMaxBytes", arm.rssMaxBytes());
        a.put("wallMs", arm.samples().stream().map(Sample::ms).collect(Collectors.toList()));
        m.put(arm.arm(), a);
      }
      return m;
    }).toList());
    out.put("extras", extras.stream().map(e -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("workload", e.workload());
      m.put("arm", e.arm());
      m.put(e.workload().equals("outputs") ? "outputKib" : "iterations", e.size());
      m.put("completed", e.ok().size());
      m.put("runs", e.samples().size());
      m.put("p50Ms", e.p50());
      m.put("eventsPerRun", e.median(Sample::events));
      m.put("historyBytesPerRun", e.median(Sample::historyBytes));
      m.put("temporalRuns", e.median(Sample::temporalRuns));
      m.put("maxEventsPerTemporalRun", e.median(Sample::maxRunEvents));
      m.put("wallMs", e.samples().stream().map(Sample::ms).toList());
      m.put("errors", e.samples().stream().map(Sample::error).toList());
      return m;
    }).toList());
    return out;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
