package dev.weft.agent.generate;

import dev.weft.definition.Json;
import dev.weft.definition.NodeDef;
import dev.weft.definition.Violation;
import dev.weft.definition.WorkflowDefinition;
import dev.weft.engine.DefinitionSnapshot;
import dev.weft.engine.EngineSettings;
import dev.weft.engine.HumanFailures;
import dev.weft.engine.HumanInput;
import dev.weft.engine.HumanTaskRules;
import dev.weft.engine.InMemoryPayloadStore;
import dev.weft.engine.NodeActivities;
import dev.weft.engine.NodeInvoker;
import dev.weft.engine.NodeState;
import dev.weft.engine.NodeStatus;
import dev.weft.engine.PayloadActivitiesImpl;
import dev.weft.engine.RunEventActivitiesImpl;
import dev.weft.engine.RunEventSink;
import dev.weft.engine.RunInput;
import dev.weft.service.RunLauncher;
import dev.weft.engine.RunState;
import dev.weft.engine.RunStatus;
import dev.weft.engine.RunWorkflow;
import dev.weft.engine.RunWorkflowImpl;
import dev.weft.engine.Updates;
import dev.weft.engine.WeftDataConverter;
import dev.weft.expression.ExpressionEngine;
import dev.weft.node.NodeKind;
import dev.weft.node.NodeRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs a candidate definition once, without side effects, in a fresh in-process Temporal test server
 * with time skipping: the real interpreter ({@link RunWorkflowImpl}), activity nodes answering with their
 * {@code sample}, every branch forced open ({@link SampleRun}), human tasks answered through the
 * {@code decide} Update ({@link HumanAnswers}), events dropped. Time moves only to the next pending
 * timer when nothing else can happen, so delays pass at once while a human task's deadline never comes
 * before the dry run's answer. Nothing touches the service's Temporal or database.
 */
final class DryRun {
  private static final String QUEUE = "weft-dry-run";
  private static final int OUTPUT_PREVIEW = 2_048;
  private static final Pattern EXPRESSION_AT = Pattern.compile("^expression at (/config\\S*) ");

  private final NodeRegistry registry;
  private final ExpressionEngine expressions;
  private final EngineSettings settings;
  private final Duration timeout;

  DryRun(NodeRegistry registry, ExpressionEngine expressions, EngineSettings settings, Duration timeout) {
    this.registry = registry;
    this.expressions = expressions;
    this.settings = settings;
    this.timeout = timeout;
  }

  /** The report ({@code {status, input, nodes, notReached, warnings, error?}}) and what it found wrong. */
  record Result(ObjectNode report, List<Violation> violations) {
    boolean passed() {
      return violations.isEmpty();
    }
  }

  Result run(WorkflowDefinition def, JsonNode input) {
    SampleRun sampling = new SampleRun(def, registry);
    NodeInvoker invoker = NodeInvoker.sampling(registry, expressions, sampling);
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        // The caller's tenant reaches the sampled nodes, as in a real run.
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(WeftDataConverter.create())
            .setContextPropagators(java.util.List.of(dev.weft.engine.TenantPropagator.INSTANCE)).build())
        .build())) {
      Worker worker = env.newWorker(QUEUE);
      worker.registerWorkflowImplementationFactory(RunWorkflow.class, () -> new RunWorkflowImpl(invoker, expressions, settings));
      InMemoryPayloadStore payloads = new InMemoryPayloadStore();
      worker.registerActivitiesImplementations(new NodeActivities(invoker, payloads, settings),
          new RunEventActivitiesImpl(RunEventSink.NONE), new PayloadActivitiesImpl(expressions, payloads));
      env.start();
      return drive(env, def, input, sampling);
    }
  }

  private Result drive(TestWorkflowEnvironment env, WorkflowDefinition def, JsonNode input, SampleRun sampling) {
    WorkflowClient client = env.getWorkflowClient();
    String workflowId = def.id() == null ? "generated" : def.id();
    RunWorkflow run = client.newWorkflowStub(RunWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(QUEUE).setWorkflowId(workflowId + "-dry-run").build());
    DefinitionSnapshot snapshot = new DefinitionSnapshot(workflowId, 0, RunLauncher.contentHash(def), def);
    WorkflowClient.start(run::run, new RunInput(snapshot, input, HumanAnswers.STARTER, "dry-run"));
    long deadline = System.nanoTime() + timeout.toNanos();
    Violation problem = null;
    RunState state;
    while (true) {
      state = run.state();
      if (ended(state.status())) break;
      if (System.nanoTime() > deadline) {
        problem = Violation.of("", "dryrun.stuck", "the dry run did not finish within " + timeout.toSeconds() + "s; waiting: "
            + state.waiting());
        break;
      }
      Optional<Violation> refused = answerTasks(run, def, state);
      if (refused.isPresent()) {
        problem = refused.get();
        break;
      }
      if (state.waiting().isEmpty()) advance(env, run, workflowId + "-dry-run", state);
    }
    return report(def, input, state, sampling, problem);
  }

  /** Answers every open task; a refusal (other than a race with the task closing) ends the dry run. */
  private Optional<Violation> answerTasks(RunWorkflow run, WorkflowDefinition def, RunState state) {
    for (String nodeId : state.waiting()) {
      NodeState node = state.nodes().get(nodeId);
      HumanInput answer = node == null || node.task() == null ? null : HumanAnswers.answer(nodeId, node.task());
      if (answer == null) continue;
      try {
        // The API's own check first, as it does before sending: a refusal then names its reason.
        HumanTaskRules.check(nodeId, HumanTaskRules.of(node), answer, state.startedBy(), registry, settings.claimCheckBytes());
        decide(run, answer);
      } catch (RuntimeException e) {
        Optional<HumanFailures.Refusal> r = HumanFailures.refusal(e);
        if (r.isPresent() && HumanFailures.NOT_WAITING.equals(r.get().code())) continue;
        String code = r.map(HumanFailures.Refusal::code).orElse("decision.error");
        return Optional.of(Violation.of(path(def, nodeId), "dryrun." + code, "the dry run's " + answer.action()
            + " on '" + nodeId + "' was refused: " + r.map(HumanFailures.Refusal::message).orElse(rootCause(e))));
      }
    }
    return Optional.empty();
  }

  /**
   * Sends the decision. The in-process server sometimes loses an update it has just taken and answers
   * NOT_FOUND (see {@link Updates}); the rules passed, so asking again is safe.
   */
  private static void decide(RunWorkflow run, HumanInput answer) {
    for (int attempt = 1; ; attempt++) {
      try {
        Updates.send(() -> run.decide(answer));
        return;
      } catch (RuntimeException e) {
        if (attempt >= 5 || !rootCause(e).startsWith("StatusRuntimeException: NOT_FOUND: update ")) throw e;
      }
    }
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) t = t.getCause();
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  /**
   * Moves time on to the next pending timer (a delay), exactly and no further, else waits a moment for
   * running work. Time never skips freely: a human task that opens meanwhile would see its deadline pass
   * before the dry run's answer.
   */
  private void advance(TestWorkflowEnvironment env, RunWorkflow run, String workflowId, RunState state) {
    if (onlyTimersPending(state)) {
      Optional<Long> next = nextTimer(env.getWorkflowClient().fetchHistory(workflowId));
      // Queried after the history: a timer of a human task opened meanwhile shows up as a waiting node here.
      if (next.isPresent() && onlyTimersPending(run.state())) {
        env.sleep(Duration.ofMillis(Math.max(1, next.get() - env.currentTimeMillis())));
        return;
      }
    }
    LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
  }

  /** No task is open and every running node waits on time: nothing can happen until a timer fires. */
  private boolean onlyTimersPending(RunState state) {
    if (!state.waiting().isEmpty() || state.nodes().isEmpty()) return false;
    return state.nodes().values().stream().filter(n -> n.status() == NodeStatus.RUNNING || n.status() == NodeStatus.WAITING)
        .allMatch(n -> n.status() == NodeStatus.RUNNING && registry.get(n.type()).type().kind() == NodeKind.WAIT);
  }

  /** When the earliest timer still pending fires (epoch millis of the server's clock). */
  static Optional<Long> nextTimer(WorkflowExecutionHistory history) {
    Map<String, Long> pending = new HashMap<>();
    for (HistoryEvent e : history.getEvents()) {
      if (e.hasTimerStartedEventAttributes()) {
        var a = e.getTimerStartedEventAttributes();
        pending.put(a.getTimerId(), Timestamps.toMillis(e.getEventTime()) + Durations.toMillis(a.getStartToFireTimeout()));
      } else if (e.hasTimerFiredEventAttributes()) {
        pending.remove(e.getTimerFiredEventAttributes().getTimerId());
      } else if (e.hasTimerCanceledEventAttributes()) {
        pending.remove(e.getTimerCanceledEventAttributes().getTimerId());
      }
    }
    return pending.values().stream().min(Long::compare);
  }

  private static boolean ended(RunStatus s) {
    return s != null && s.ordinal() >= RunStatus.COMPLETED.ordinal();
  }

  private Result report(WorkflowDefinition def, JsonNode input, RunState state, SampleRun sampling, Violation problem) {
    List<Violation> v = new ArrayList<>();
    ObjectNode report = Json.object();
    String status = problem != null ? "stuck" : state.status() == RunStatus.COMPLETED ? "completed" : "failed";
    report.put("status", status);
    report.set("input", input);
    ArrayNode nodes = report.putArray("nodes");
    ArrayNode notReached = report.putArray("notReached");
    ArrayNode warnings = report.putArray("warnings");
    Map<String, SampleRun.Tolerated> tolerated = sampling.tolerated();
    for (NodeDef n : def.nodes()) {
      NodeState s = state.nodes().get(n.id());
      NodeStatus st = s == null ? NodeStatus.PENDING : s.status();
      if (st == NodeStatus.PENDING || st == NodeStatus.SKIPPED) {
        notReached.add(n.id());
        continue;
      }
      ObjectNode o = nodes.addObject();
      o.put("id", n.id());
      o.put("type", n.type());
      o.put("reached", sampling.naturallyReached(n.id()) ? "natural" : "forced");
      SampleRun.Tolerated t = tolerated.get(n.id());
      if (t != null) {
        o.put("status", NodeStatus.FAILED.name());
        o.set("error", error(t.code(), t.message()));
        ObjectNode w = warnings.addObject();
        w.put("nodeId", n.id());
        w.put("code", t.code());
        w.put("message", (t.forced() ? "fails on a branch the dry run forced open (its condition did not hold): "
            : "fails, and its onError lets the run go on: ") + t.message());
        continue;
      }
      o.put("status", st.name());
      if (s.output() != null && !s.output().isNull()) o.set("output", dev.weft.engine.Previews.of(s.output(), OUTPUT_PREVIEW));
      if (s.error() != null) {
        o.set("error", error(s.error().code(), s.error().message()));
        if (st == NodeStatus.FAILED) v.add(Violation.of(path(def, n.id()) + configPointer(s.error().message()),
            "dryrun." + s.error().code(), "node '" + n.id() + "' failed in the dry run: " + s.error().message()));
      }
    }
    if (problem != null) {
      v.add(problem);
      report.set("error", error(problem.code(), problem.message()));
    } else if (state.status() != RunStatus.COMPLETED) {
      if (v.isEmpty()) v.add(Violation.of("", "dryrun.failed", "the dry run ended " + state.status()));
      report.set("error", state.error() == null ? error("dryrun.failed", "the run ended " + state.status())
          : error(state.error().code(), state.error().message()));
    } else {
      // After a failure onError tolerated, the paths it did not take are not a fault of the definition.
      boolean failedOnPurpose = tolerated.values().stream().anyMatch(t -> !t.forced());
      for (JsonNode id : notReached) {
        String message = "node '" + id.stringValue() + "' never ran: no port its predecessors offer leads to it";
        if (failedOnPurpose) warnings.addObject().put("nodeId", id.stringValue()).put("code", "dryrun.not_reached").put("message", message);
        else v.add(Violation.of(path(def, id.stringValue()), "dryrun.not_reached", message));
      }
    }
    return new Result(report, v);
  }

  private static ObjectNode error(String code, String message) {
    ObjectNode e = Json.object();
    e.put("code", code);
    e.put("message", message);
    return e;
  }

  private static String path(WorkflowDefinition def, String nodeId) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < def.nodes().size(); i++) index.putIfAbsent(def.nodes().get(i).id(), i);
    Integer i = index.get(nodeId);
    return i == null ? "" : "/nodes/" + i;
  }

  /** The config pointer an expression error names ({@code expression at /config/values/x `...`}), if any. */
  private static String configPointer(String message) {
    Matcher m = EXPRESSION_AT.matcher(message == null ? "" : message);
    return m.find() ? m.group(1) : "";
  }
}
