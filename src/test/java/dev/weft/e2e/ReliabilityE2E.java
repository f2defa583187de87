package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The reliability campaign of issue 15 (docs/testing.md, "Reliability campaign"). Runs of a 5-node
 * workflow with side effects ({@code a}, {@code b}, {@code d}: http POSTs to the stub, which answers after
 * {@link #CALL_LATENCY} and journals each call with its {@code Idempotency-Key} and when it arrived and
 * was answered; {@code s}: set; {@code c}: if) are started over REST by concurrent clients, in batches,
 * and a random moment after each batch but the last began to call out (drawn from {@code new Random(seed + n)}):
 * <ol>
 *   <li>the packaged Weft is killed with -9 and started again;
 *   <li>the Temporal dev server is stopped and started again on its SQLite file;
 *   <li>PostgreSQL is stopped (fast or immediate shutdown) and started again on its data directory and
 *       port;
 * </ol>
 * then a bounded load test without faults: many runs at many concurrent clients, with Weft's resident
 * memory sampled against a ceiling. For every run: it completed; every side effect happened; a call
 * repeated with the same key is counted as "interrupted mid-call" only when a fault that can cut an
 * activity between its call and the recording of its result (Weft killed, Temporal restarted; see
 * {@link Fault}) began while the earlier call was in flight or within {@link #GRACE} after the stub
 * answered it, and any other repeat fails the test; the durable event log has exactly one
 * {@code run_started}, one {@code run_completed}, and one {@code node_started} (attempt 1) and one
 * {@code node_completed} per node, no row twice, and strictly increasing {@code seq} (a global sequence,
 * so not contiguous per run). The results are one table, printed and written to
 * {@code target/e2e/ReliabilityE2E/reliability.md}; every fault moment is logged and written to
 * {@code faults.log} beside it.
 *
 * <p>Sizes are settings ({@code -Dweft.e2e.reliability.*}, see the constants); the defaults fit CI's e2e
 * budget on two cores, and the load test's 200 runs are a tenth of the 2,000
 * ({@code -Dweft.e2e.reliability.load-runs=2000}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilityE2E extends E2ESupport {
  private static final Logger log = LoggerFactory.getLogger(ReliabilityE2E.class);

  static final long SEED = Long.getLong("weft.e2e.reliability.seed", 15);
  /** Runs of each fault scenario. */
  static final int RUNS = Integer.getInteger("weft.e2e.reliability.runs", 100);
  static final int KILLS = Integer.getInteger("weft.e2e.reliability.kills", 3);
  static final int TEMPORAL_RESTARTS = Integer.getInteger("weft.e2e.reliability.temporal-restarts", 4);
  static final int POSTGRES_RESTARTS = Integer.getInteger("weft.e2e.reliability.postgres-restarts", 4);
  /** Concurrent REST clients starting the fault scenarios' runs. */
  static final int CLIENTS = Integer.getInteger("weft.e2e.reliability.clients", 8);
  static final int LOAD_RUNS = Integer.getInteger("weft.e2e.reliability.load-runs", 200);
  static final int LOAD_CLIENTS = Integer.getInteger("weft.e2e.reliability.load-clients", 16);
  /** The ceiling of Weft's resident set (VmHWM, the kernel's peak) at the end of the load test. */
  static final long RSS_CEILING_MIB = Long.getLong("weft.e2e.reliability.rss-ceiling-mib", 1024);
  /** A fault this long after the stub answered a call may still have lost the call's result. */
  static final Duration GRACE = Duration.ofMillis(Long.getLong("weft.e2e.reliability.grace-ms", 2000));
  /** How long the stub takes to answer a call of the fault scenarios, as a remote API would (0 in the load test). */
  static final Duration CALL_LATENCY = Duration.ofMillis(Long.getLong("weft.e2e.reliability.call-latency-ms", 200));
  /** A fault comes this many milliseconds (drawn uniformly) after the first call of its batch's runs reached the stub. */
  static final int FAULT_MIN_MS = 0;
  static final int FAULT_MAX_MS = 3000;
  static final List<String> NODES = List.of("a", "s", "c", "b", "d");
  static final List<String> CALLING_NODES = List.of("a", "b", "d");

  private final List<Row> rows = Collections.synchronizedList(new ArrayList<>());
  private final List<String> faultLog = Collections.synchronizedList(new ArrayList<>());
  private long t0;

  /**
   * A fault: it began at {@code fromNanos} and the faulty part was back at {@code toNanos}. It {@code
   * interruptsCalls} when it can cut an activity between its call and the recording of its result: the
   * worker dies, or Temporal cannot take the result. PostgreSQL cannot: neither the call nor the result's
   * report needs it (NodeActivities writes attempt events best effort, promising that "a store outage never
   * fails an attempt and never repeats a node's side effects").
   */
  record Fault(String what, long fromNanos, long toNanos, boolean interruptsCalls) {}

  /** One line of the table. */
  record Row(String scenario, int runs, String faults, int completed, int repeatsInterrupted, int repeatsTimedOut, int repeatsOther,
      int eventsLost, int eventsDuplicated, Duration wall, String notes) {}

  /** Injects fault number {@code n} (from 0) of a scenario. */
  interface Injector {
    Fault inject(int n, Random random);
  }

  // ---------------------------------------------------------------------------------------------- scenarios

  @Test
  @Order(1)
  void runsSurviveWeftKilledWithSigkill() {
    scenario("kill -9 of Weft", "kill", 1, RUNS, KILLS, true, (n, random) -> {
      long pid = weft.pid();
      long from = System.nanoTime();
      weft.kill();
      weft.start(rest);
      return new Fault("kill -9 of Weft pid " + pid + ", new pid " + weft.pid(), from, System.nanoTime(), true);
    });
  }

  @Test
  @Order(2)
  void runsSurviveTemporalServerRestarts() {
    scenario("Temporal server restarted", "temporal", 2, RUNS, TEMPORAL_RESTARTS, true, (n, random) -> {
      long from = System.nanoTime();
      temporal.stop();
      temporal.start();
      return new Fault("Temporal dev server stopped (SIGTERM) and started on its SQLite file", from, System.nanoTime(), true);
    });
  }

  @Test
  @Order(3)
  void runsSurvivePostgresRestarts() {
    PostmasterControl postmaster = new PostmasterControl(dir.resolve("postgres"), dir.resolve("postgres-restarts.log"));
    // Strict about timed-out attempts: NodeActivities promises that a store outage never repeats a side effect.
    scenario("PostgreSQL restarted", "postgres", 3, RUNS, POSTGRES_RESTARTS, false, (n, random) -> {
      // The e2e PostgreSQL starts with synchronous_commit=off, where a crash loses the last commits by
      // design: the first stop is a clean one, and from then on it runs with synchronous_commit=on, so an
      // immediate shutdown (a crash) must not lose an acknowledged commit.
      PostmasterControl.Stop mode = n == 0 || random.nextBoolean() ? PostmasterControl.Stop.FAST : PostmasterControl.Stop.IMMEDIATE;
      int downMs = random.nextInt(0, 2000);
      long pid = postmaster.pid();
      long from = System.nanoTime();
      postmaster.stop(mode);
      pause(downMs);
      postmaster.start(Map.of("synchronous_commit", "on"));
      return new Fault("PostgreSQL pid " + pid + " stopped (" + mode.name().toLowerCase(Locale.ROOT) + "), down " + downMs
          + " ms, started again as pid " + postmaster.pid(), from, System.nanoTime(), false);
    });
  }

  @Test
  @Order(4)
  void boundedLoad() {
    String name = "load";
    String prefix = "/rel/" + name + "/";
    stub.keepJournal(prefix);
    String wf = create(definition(name, prefix));
    long pid = weft.pid();
    AtomicLong maxRssKib = new AtomicLong();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(() -> maxRssKib.accumulateAndGet(procStatusKib(pid, "VmRSS"), Math::max), 0, 200, TimeUnit.MILLISECONDS);
    ExecutorService clients = Executors.newFixedThreadPool(LOAD_CLIENTS);
    String[] runIds = new String[LOAD_RUNS];
    long[] latencyNanos = new long[LOAD_RUNS];
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int c = 0; c < LOAD_CLIENTS; c++) {
        workers.add(clients.submit(() -> {
          for (int i = next.getAndIncrement(); i < LOAD_RUNS; i = next.getAndIncrement()) {
            long sent = System.nanoTime();
            try {
              Rest.Response r = rest.post("/api/workflows/" + wf + "/runs?wait=PT60S", "{\"input\": {\"i\": " + i + "}}",
                  Map.of("Idempotency-Key", "rel-" + name + "-" + i));
              if (r.status() != 200 && r.status() != 202) {
                errors.add("run " + i + ": HTTP " + r.status() + " " + r.text());
                continue;
              }
              runIds[i] = r.json().get("runId").stringValue();
              if (r.status() == 200) latencyNanos[i] = System.nanoTime() - sent;
            } catch (RuntimeException e) {
              errors.add("run " + i + ": " + e);
            }
          }
        }));
      }
      for (Future<?> w : workers) get(w, Duration.ofMinutes(10));
      long startedAll = System.nanoTime();
      List<String> started = java.util.Arrays.stream(runIds).filter(java.util.Objects::nonNull).toList();
      Map<String, String> statuses = awaitEnded(wf, started.size(), Duration.ofMinutes(3));
      Duration wall = Duration.ofNanos(System.nanoTime() - start);
      long hwmKib = procStatusKib(pid, "VmHWM");
      sampler.shutdownNow();
      Verdict v = verify(started, prefix, List.of(), true, clients);
      double perSecond = started.size() / ((startedAll - start) / 1e9);
      long[] latencies = java.util.Arrays.stream(latencyNanos).filter(l -> l > 0).sorted().toArray();
      String notes = String.format(Locale.ROOT, "%d clients, each starting a run and waiting for its end (`?wait=PT60S`); "
              + "%.1f runs/s, start-to-end p50 %d ms, p95 %d ms, max %d ms (%d answered within the wait); Weft RSS max %d MiB sampled every 200 ms, "
              + "peak (VmHWM) %d MiB, ceiling %d MiB (`-Xmx512m`); %d start errors", LOAD_CLIENTS, perSecond,
          percentileMs(latencies, 50), percentileMs(latencies, 95), percentileMs(latencies, 100), latencies.length, maxRssKib.get() / 1024,
          hwmKib / 1024, RSS_CEILING_MIB, errors.size());
      rows.add(new Row("bounded load, no faults", LOAD_RUNS, "0", v.completed, v.interrupted, v.timedOut, v.other, v.lost, v.duplicated, wall,
          notes + v.notes()));
      log.info("load: {} runs in {} ms; {}; statuses {}", LOAD_RUNS, wall.toMillis(), notes, count(statuses));
      assertThat(errors).as("start errors").isEmpty();
      assertThat(hwmKib / 1024).as("Weft's peak RSS (MiB)").isLessThanOrEqualTo(RSS_CEILING_MIB);
      v.assertClean(LOAD_RUNS);
    } finally {
      sampler.shutdownNow();
      clients.shutdownNow();
    }
  }

  // ----------------------------------------------------------------------------------------------- the driver

  /**
   * Starts {@code runs} runs in {@code faults + 1} batches, each batch by {@link #CLIENTS} concurrent
   * clients that retry a refused or failed start with the same {@code Idempotency-Key}; a random moment
   * after each batch but the last began to call the stub, injects a fault (and begins to start the next
   * batch) and waits until the faulty part is back. Then waits for every run to end and checks them.
   */
  private void scenario(String title, String name, int seedOffset, int runs, int faults, boolean timeoutRepeatsAllowed,
      Injector injector) {
    long seed = SEED + seedOffset;
    Random random = new Random(seed);
    String prefix = "/rel/" + name + "/";
    stub.keepJournal(prefix);
    stub.latency(prefix, CALL_LATENCY);
    String wf = create(definition(name, prefix));
    long refusedBefore = refusedResults();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    ScheduledExecutorService faulter = Executors.newScheduledThreadPool(2);
    List<Fault> injected = new ArrayList<>();
    AtomicInteger retriedStarts = new AtomicInteger();
    java.util.concurrent.atomic.AtomicReferenceArray<String> runIds = new java.util.concurrent.atomic.AtomicReferenceArray<>(runs);
    note("%s: seed %d (new Random(%d)), %d runs in %d batches, %d faults", title, SEED, seed, runs, faults + 1, faults);
    long start = System.nanoTime();
    try {
      List<Future<?>> starts = Collections.synchronizedList(new ArrayList<>());
      java.util.function.IntConsumer startBatch = batch -> {
        for (int i = runs * batch / (faults + 1); i < runs * (batch + 1) / (faults + 1); i++) {
          int run = i;
          starts.add(clients.submit(() -> runIds.set(run, startRetrying(wf, "rel-" + name + "-" + run, run, retriedStarts))));
        }
      };
      startBatch.accept(0);
      for (int batch = 0; batch < faults; batch++) {
        // The fault comes a random moment after the batch's runs began to call out: right after a start
        // (a restarted Weft is cold) nothing may be in flight yet, and a kill there proves little. The next
        // batch begins to start at the same moment, so its starts meet the fault.
        awaitFirstCall(prefix, runIds, runs * batch / (faults + 1), runs * (batch + 1) / (faults + 1));
        int delayMs = random.nextInt(FAULT_MIN_MS, FAULT_MAX_MS);
        int n = batch;
        var fault = faulter.schedule(() -> injector.inject(n, random), delayMs, TimeUnit.MILLISECONDS);
        faulter.schedule(() -> startBatch.accept(n + 1), delayMs, TimeUnit.MILLISECONDS);
        Fault f = get(fault, Duration.ofMinutes(4));
        injected.add(f);
        long inFlight = stub.journal(prefix).stream()
            .filter(c -> c.arrivedNanos <= f.fromNanos() && (!c.answered() || c.answeredNanos >= f.fromNanos())).count();
        note("%s: fault %d at +%.3f s (%d ms after batch %d's first call; %d calls in flight), back after %d ms: %s", title, n + 1,
            secondsSinceStart(f.fromNanos()), delayMs, batch + 1, inFlight, (f.toNanos() - f.fromNanos()) / 1_000_000, f.what());
      }
      await("every start submitted").atMost(Duration.ofMinutes(1)).until(() -> starts.size() == runs);
      for (Future<?> s : List.copyOf(starts)) get(s, Duration.ofMinutes(4));
      List<String> ids = java.util.stream.IntStream.range(0, runs).mapToObj(runIds::get).toList();
      Map<String, String> statuses = awaitEnded(wf, runs, Duration.ofMinutes(4));
      Duration wall = Duration.ofNanos(System.nanoTime() - start);
      Verdict v = verify(ids, prefix, injected, timeoutRepeatsAllowed, clients);
      String notes = retriedStarts.get() + " start requests retried (same Idempotency-Key); " + (refusedResults() - refusedBefore)
          + " activity results refused by Temporal (the attempt had timed out, Weft's log)" + v.notes();
      rows.add(new Row(title, runs, faults + " × " + name, v.completed, v.interrupted, v.timedOut, v.other, v.lost, v.duplicated, wall, notes));
      log.info("{}: {} in {} ms; statuses {}", title, v, wall.toMillis(), count(statuses));
      v.assertClean(runs);
    } finally {
      faulter.shutdownNow();
      clients.shutdownNow();
    }
  }

  /** Waits (bounded) until a run of {@code runIds[from..to)} has called the stub. */
  private void awaitFirstCall(String prefix, java.util.concurrent.atomic.AtomicReferenceArray<String> runIds, int from, int to) {
    await("a call of runs " + from + ".." + (to - 1)).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20)).until(() -> {
      java.util.Set<String> batch = new java.util.HashSet<>();
      for (int i = from; i < to; i++) if (runIds.get(i) != null) batch.add(runIds.get(i));
      return stub.journal(prefix).stream().anyMatch(c -> c.idempotencyKey != null
          && batch.contains(c.idempotencyKey.substring(0, Math.max(0, c.idempotencyKey.lastIndexOf('/')))));
    });
  }

  /** Starts run {@code i}, retrying (bounded) while Weft refuses or fails: the same key never starts two runs. */
  private String startRetrying(String wf, String key, int i, AtomicInteger retried) {
    String[] runId = new String[1];
    int[] tries = new int[1];
    await("start of " + key).atMost(Duration.ofMinutes(3)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250)).until(() -> {
      if (tries[0]++ > 0) retried.incrementAndGet();
      try {
        Rest.Response r = rest.post("/api/workflows/" + wf + "/runs", "{\"input\": {\"i\": " + i + "}}", Map.of("Idempotency-Key", key));
        if (r.status() == 200 || r.status() == 202) {
          runId[0] = r.json().get("runId").stringValue();
          return true;
        }
        if (r.status() < 500) throw new AssertionError("start of " + key + " refused: HTTP " + r.status() + " " + r.text());
        return false;
      } catch (UncheckedIOException | IllegalStateException e) {
        return false;
      }
    });
    return runId[0];
  }

  /** Waits until the run index shows {@code runs} runs of {@code wf}, none of them open; their statuses by run id. */
  private Map<String, String> awaitEnded(String wf, int runs, Duration atMost) {
    Map<String, String> last = new HashMap<>();
    await("the runs of " + wf + " end").atMost(atMost).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
      Map<String, String> s = statuses(wf);
      last.clear();
      last.putAll(s);
      return s.size() >= runs && s.values().stream().noneMatch(st -> st.equals("RUNNING") || st.equals("WAITING") || st.equals("PAUSED"));
    });
    return last;
  }

  private Map<String, String> statuses(String wf) {
    Map<String, String> out = new HashMap<>();
    String cursor = null;
    do {
      JsonNode page = rest.get("/api/runs?workflowId=" + wf + "&limit=500" + (cursor == null ? "" : "&cursor=" + cursor)).expect(200).json();
      for (JsonNode r : page.get("runs")) out.put(r.get("runId").stringValue(), r.get("status").stringValue());
      cursor = page.hasNonNull("nextCursor") ? java.net.URLEncoder.encode(page.get("nextCursor").stringValue(), java.nio.charset.StandardCharsets.UTF_8) : null;
    } while (cursor != null);
    return out;
  }

  // ------------------------------------------------------------------------------------------------- checks

  /** What the checks found over a scenario's runs. */
  static final class Verdict {
    int completed;
    int interrupted;
    int timedOut;
    int other;
    int lost;
    int duplicated;
    int missingSideEffects;
    int attemptEventsMissing;
    int unanswered;
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());

    synchronized void add(Verdict v) {
      completed += v.completed;
      interrupted += v.interrupted;
      timedOut += v.timedOut;
      other += v.other;
      lost += v.lost;
      duplicated += v.duplicated;
      missingSideEffects += v.missingSideEffects;
      attemptEventsMissing += v.attemptEventsMissing;
      unanswered += v.unanswered;
      problems.addAll(v.problems);
    }

    String notes() {
      return "; " + unanswered + " calls unanswered (caller gone); " + attemptEventsMissing
          + " attempt events missing (best effort by design); " + missingSideEffects + " side effects missing";
    }

    void assertClean(int runs) {
      String detail = String.join("\n", problems.subList(0, Math.min(40, problems.size())));
      assertThat(completed).as("runs completed\n" + detail).isEqualTo(runs);
      assertThat(missingSideEffects).as("side effects never done\n" + detail).isZero();
      assertThat(other).as("completed side effects repeated without a fault or a timed-out attempt\n" + detail).isZero();
      assertThat(lost).as("durable events lost\n" + detail).isZero();
      assertThat(duplicated).as("events duplicated\n" + detail).isZero();
      assertThat(problems).as("problems").isEmpty();
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d completed, side effects repeated %d interrupted / %d timed out / %d other, events lost %d / "
          + "duplicated %d%s", completed, interrupted, timedOut, other, lost, duplicated, notes());
    }
  }

  /** Checks every run (state, events, side effects) on {@code clients}. */
  private Verdict verify(List<String> runIds, String prefix, List<Fault> faults, boolean timeoutRepeatsAllowed, ExecutorService clients) {
    java.util.Set<String> timedOutRuns = runsWithTimedOutAttempts();
    Map<String, List<StubHttpServer.Call>> callsByKey = stub.journal(prefix).stream()
        .collect(Collectors.groupingBy(c -> String.valueOf(c.idempotencyKey), LinkedHashMap::new, Collectors.toList()));
    Verdict total = new Verdict();
    List<Future<Verdict>> checks = new ArrayList<>();
    for (String runId : runIds) checks.add(clients.submit(() -> verifyRun(runId, prefix, callsByKey, faults, timedOutRuns,
        timeoutRepeatsAllowed)));
    for (Future<Verdict> c : checks) total.add(get(c, Duration.ofMinutes(3)));
    Map<String, List<StubHttpServer.Call>> strangers = new HashMap<>(callsByKey);
    runIds.forEach(id -> CALLING_NODES.forEach(n -> strangers.remove(id + "/" + n)));
    if (!strangers.isEmpty()) total.problems.add("calls under " + prefix + " with keys of no run of the scenario: " + strangers.keySet());
    return total;
  }

  private Verdict verifyRun(String runId, String prefix, Map<String, List<StubHttpServer.Call>> callsByKey, List<Fault> faults,
      java.util.Set<String> timedOutRuns, boolean timeoutRepeatsAllowed) {
    Verdict v = new Verdict();
    JsonNode state = state(runId);
    String status = state.get("status").stringValue();
    if (status.equals("COMPLETED")) v.completed++;
    else v.problems.add(runId + " ended " + status + ": " + state);
    for (String node : NODES) {
      if (!"COMPLETED".equals(state.at("/nodes/" + node + "/status").stringValue(null))) v.problems.add(runId + " node " + node + " not completed");
    }

    List<JsonNode> events = events(runId);
    Map<String, Integer> rows = new HashMap<>();
    long lastSeq = Long.MIN_VALUE;
    for (JsonNode e : events) {
      long seq = e.get("seq").asLong();
      if (seq <= lastSeq) v.problems.add(runId + " seq not increasing: " + seq + " after " + lastSeq);
      lastSeq = seq;
      rows.merge(e.path("nodeId").stringValue("") + "|" + e.path("attempt").asInt(0) + "|" + e.get("kind").stringValue(), 1, Integer::sum);
    }
    rows.forEach((row, n) -> {
      if (n > 1) {
        v.duplicated += n - 1;
        v.problems.add(runId + " event row " + row + " " + n + " times");
      }
    });
    expectOnce(v, runId, events, "", "run_started");
    expectOnce(v, runId, events, "", "run_completed");
    for (String node : NODES) {
      expectOnce(v, runId, events.stream().filter(e -> e.path("attempt").asInt() == 1).toList(), node, "node_started");
      expectOnce(v, runId, events, node, "node_completed");
    }
    if (!events.isEmpty() && (!events.getFirst().get("kind").stringValue().equals("run_started")
        || !events.getLast().get("kind").stringValue().equals("run_completed"))) {
      v.problems.add(runId + " events do not begin with run_started and end with run_completed");
    }

    for (String node : CALLING_NODES) {
      int attempts = state.at("/nodes/" + node + "/attempts").asInt();
      boolean recorded = events.stream().anyMatch(e -> node.equals(e.path("nodeId").stringValue(null))
          && e.get("kind").stringValue().equals("node_attempt_completed") && e.get("attempt").asInt() == attempts);
      if (!recorded) v.attemptEventsMissing++;
      List<StubHttpServer.Call> calls = callsByKey.getOrDefault(runId + "/" + node, List.of());
      v.unanswered += (int) calls.stream().filter(c -> !c.answered()).count();
      if (calls.isEmpty()) {
        v.missingSideEffects++;
        v.problems.add(runId + " node " + node + " completed without calling " + prefix + node);
      }
      for (int i = 1; i < calls.size(); i++) {
        StubHttpServer.Call earlier = calls.get(i - 1);
        long until = (earlier.answered() ? earlier.answeredNanos : calls.get(i).arrivedNanos) + GRACE.toNanos();
        boolean explained = faults.stream()
            .anyMatch(f -> f.interruptsCalls() && f.fromNanos() <= until && f.toNanos() >= earlier.arrivedNanos);
        String what = String.format(Locale.ROOT, "%s/%s repeated, no fault cut its call: call at +%.3f s (answered: %s), again at +%.3f s; "
                + "node attempts %d", runId, node, secondsSinceStart(earlier.arrivedNanos), earlier.answered()
                ? String.format(Locale.ROOT, "+%.3f s", secondsSinceStart(earlier.answeredNanos)) : "no",
            secondsSinceStart(calls.get(i).arrivedNanos), attempts);
        if (explained) {
          v.interrupted++;
        } else if (timedOutRuns.contains(runId)) {
          // Temporal refused an attempt's result of this run as timed out: the documented at-least-once case
          // (definition-format.md, "Idempotency key"), counted apart.
          v.timedOut++;
          if (!timeoutRepeatsAllowed) v.problems.add(what + " (an attempt of the run timed out)");
        } else {
          v.other++;
          v.problems.add(what);
        }
      }
    }
    return v;
  }

  private static void expectOnce(Verdict v, String runId, List<JsonNode> events, String node, String kind) {
    long n = events.stream().filter(e -> node.equals(e.path("nodeId").stringValue("")) && kind.equals(e.get("kind").stringValue())).count();
    if (n == 0) {
      v.lost++;
      v.problems.add(runId + " has no " + kind + (node.isEmpty() ? "" : " of " + node));
    } else if (n > 1) {
      v.duplicated += (int) n - 1;
      v.problems.add(runId + " has " + n + " " + kind + (node.isEmpty() ? "" : " of " + node));
    }
  }

  private List<JsonNode> events(String runId) {
    List<JsonNode> all = new ArrayList<>();
    long after = 0;
    while (true) {
      JsonNode page = rest.get("/api/runs/" + runId + "/events?limit=500&after=" + after).expect(200).json();
      page.get("events").forEach(all::add);
      if (!page.hasNonNull("nextAfter")) return all;
      after = page.get("nextAfter").asLong();
    }
  }

  // ------------------------------------------------------------------------------------------------ helpers

  /**
   * The campaign's workflow: {@code a} (POST) → {@code s} (set) → {@code c} (if, true) → {@code b} (POST) →
   * {@code d} (POST), the calls to {@code <prefix><node>}, each with a 5 s timeout per attempt and up to 20
   * attempts, so that they ride out a fault.
   */
  private String definition(String name, String prefix) {
    String retry = "\"timeout\": \"5s\", \"retry\": {\"maxAttempts\": 20, \"initialInterval\": \"500ms\", \"backoffCoefficient\": 1.5, "
        + "\"maxInterval\": \"5s\"}";
    return """
        {"id": "%s", "name": "Reliability %s",
         "nodes": [
           {"id": "a", "type": "http", "config": {"method": "POST", "url": "%s", "body": {"run": "{{ input.i }}", "node": "a"}}, %s},
           {"id": "s", "type": "set", "config": {"values": {"go": true, "a": "{{ nodes.a.output.body.call }}"}}},
           {"id": "c", "type": "if", "config": {"condition": "nodes.s.output.go"}},
           {"id": "b", "type": "http", "config": {"method": "POST", "url": "%s", "body": {"run": "{{ input.i }}", "node": "b"}}, %s},
           {"id": "d", "type": "http", "config": {"method": "POST", "url": "%s", "body": {"run": "{{ input.i }}", "node": "d"}}, %s}
         ],
         "edges": [{"from": "a", "to": "s"}, {"from": "s", "to": "c"}, {"from": "c", "to": "b", "port": "true"},
                   {"from": "b", "to": "d"}]}""".formatted(uniqueId("rel-" + name), name, stub.url(prefix + "a"), retry,
        stub.url(prefix + "b"), retry, stub.url(prefix + "d"), retry);
  }

  @BeforeAll
  void startClock() {
    t0 = System.nanoTime();
  }

  private double secondsSinceStart(long nanos) {
    return (nanos - t0) / 1e9;
  }

  private void note(String format, Object... args) {
    String line = String.format(Locale.ROOT, "%s %s", Instant.now(), String.format(Locale.ROOT, format, args));
    faultLog.add(line);
    log.info(line);
  }

  private static long percentileMs(long[] sortedNanos, int p) {
    if (sortedNanos.length == 0) return 0;
    int i = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
    return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, i))] / 1_000_000;
  }

  private static Map<String, Long> count(Map<String, String> statuses) {
    return statuses.values().stream().collect(Collectors.groupingBy(s -> s, java.util.TreeMap::new, Collectors.counting()));
  }

  private static final String REFUSED = "Failure during reporting of activity result to the server.";
  private static final String TIMED_OUT = "NOT_FOUND: invalid activityID or activity already timed out";

  /** The runs one of whose activity results Temporal refused as timed out, from Weft's logs (every process). */
  private java.util.Set<String> runsWithTimedOutAttempts() {
    String logs = weft.logs();
    java.util.Set<String> runs = new java.util.HashSet<>();
    for (int i = logs.indexOf(REFUSED); i >= 0; i = logs.indexOf(REFUSED, i + 1)) {
      int w = logs.indexOf("WorkflowId=", i);
      int lineEnd = logs.indexOf('\n', i);
      if (w < 0 || lineEnd < 0 || w > lineEnd) continue;
      int end = logs.indexOf(',', w);
      String cause = logs.substring(lineEnd, Math.min(logs.length(), lineEnd + 300));
      if (end > w && end < lineEnd && cause.contains(TIMED_OUT)) runs.add(logs.substring(w + "WorkflowId=".length(), end).strip());
    }
    return runs;
  }

  /** How often Weft's processes logged that Temporal refused an activity's result (NOT_FOUND: the attempt had timed out). */
  private long refusedResults() {
    String logs = weft.logs();
    long n = 0;
    for (int i = logs.indexOf(TIMED_OUT); i >= 0; i = logs.indexOf(TIMED_OUT, i + 1)) {
      n++;
    }
    return n;
  }

  /** kB of a {@code /proc/<pid>/status} line ({@code VmRSS}, {@code VmHWM}); 0 when the process is gone. */
  private static long procStatusKib(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("\\D", ""));
      }
      return 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** A deliberate wait that is part of the fault (a server's downtime), not a wait for a condition. */
  private static void pause(int ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static <T> T get(Future<T> f, Duration atMost) {
    try {
      return f.get(atMost.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      if (e.getCause() instanceof Error err) throw err;
      throw new IllegalStateException(e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      f.cancel(true);
      throw new AssertionError("not done within " + atMost, e);
    }
  }

  // ------------------------------------------------------------------------------------------------- report

  @AfterAll
  void writeTable() throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("| Scenario | Runs | Faults injected | Runs completed | Side effects repeated (interrupted mid-call / attempt timed out / other) "
        + "| Events lost / duplicated | Wall time |\n|---|---:|---|---:|---|---|---:|\n");
    List<Row> done;
    synchronized (rows) {
      done = List.copyOf(rows);
    }
    for (Row r : done) {
      md.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %d / %d / %d | %d / %d | %.1f s |%n", r.scenario(), r.runs(), r.faults(),
          r.completed(), r.repeatsInterrupted(), r.repeatsTimedOut(), r.repeatsOther(), r.eventsLost(), r.eventsDuplicated(), r.wall().toMillis() / 1000.0));
    }
    md.append("\nSeed ").append(SEED).append(" (scenario n draws its fault moments from `new Random(seed + n)`); grace after an answer ")
        .append(GRACE.toMillis()).append(" ms. Notes:\n\n");
    for (Row r : done) md.append("- ").append(r.scenario()).append(": ").append(r.notes()).append('\n');
    String table = md.toString();
    System.out.println("\n=== Reliability campaign\n" + table);
    log.info("reliability campaign:\n{}", table);
    Files.writeString(dir.resolve("reliability.md"), table);
    Files.write(dir.resolve("faults.log"), List.copyOf(faultLog));
  }
}
