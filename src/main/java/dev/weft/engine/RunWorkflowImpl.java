package dev.weft.engine;

import dev.weft.definition.EdgeDef;
import dev.weft.definition.Graph;
import dev.weft.definition.Json;
import dev.weft.definition.NodeDef;
import dev.weft.definition.OnError;
import dev.weft.node.HumanTask;
import dev.weft.node.WaitNodeType;
import dev.weft.definition.WorkflowDefinition;
import dev.weft.engine.NodeExecutor.Outcome;
import dev.weft.expression.ExpressionEngine;
import dev.weft.expression.Scope;
import dev.weft.node.NodeKind;
import dev.weft.node.NodeRegistry;
import dev.weft.node.NodeResult;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The interpreter. Ready nodes start in id order; control nodes are evaluated in place, wait nodes run
 * on durable timers, I/O nodes run as activities with the node's own timeout and retry policy, all
 * branches concurrently. A node runs once every incoming edge is resolved and at least one is taken;
 * a node whose incoming edges are all dead is skipped, and so is everything only it leads to.
 *
 * <p>This class is the scheduling loop and the Temporal handlers; each run's bookkeeping lives in
 * helpers this instance creates and owns: {@link NodeExecutor} (how one node execution runs),
 * {@link HumanTasks} (open tasks, decisions, {@code onError: ask}), {@link RunEvents} (the event log),
 * {@link RunVisibility} (search attributes) and {@link RunStateView} (the {@code state} query).
 *
 * <p>Deterministic by construction: no I/O, clocks or randomness here but {@link Workflow}'s own, and
 * every iteration over nodes is in a stable order.
 */
public class RunWorkflowImpl implements RunWorkflow {
  private static final Logger log = Workflow.getLogger(RunWorkflowImpl.class);

  private final NodeInvoker invoker;
  private final ExpressionEngine expressions;
  private final EngineSettings settings;

  private RunInput in;
  private RunStatus status = RunStatus.RUNNING;
  private Instant startedAt;
  private Instant endedAt;
  private JsonNode output;
  private Integer responseStatus;
  private NodeError runError;
  private Graph graph;
  private final Map<String, NodeRun> runs = new LinkedHashMap<>();
  private final Map<EdgeDef, Boolean> edgeTaken = new HashMap<>();
  private boolean paused;
  private int pauses;
  private int resumes;
  /** Set by {@link #resume} to wake the scheduling loop. */
  private boolean wake;
  /** The run's bookkeeping besides scheduling, created and owned by this instance. */
  private final RunEvents events;
  private final HumanTasks tasks;
  private final RunVisibility visibility;
  private final RunStateView view;
  private final NodeExecutor nodes;

  public RunWorkflowImpl(NodeInvoker invoker, ExpressionEngine expressions, EngineSettings settings) {
    this.invoker = invoker;
    this.expressions = expressions;
    this.settings = settings;
    this.events = new RunEvents(settings.statePreviewBytes());
    this.tasks = new HumanTasks(events, this::flush, runs, invoker.registry(), settings);
    this.visibility = new RunVisibility(tasks);
    this.view = new RunStateView(runs, tasks, settings.statePreviewBytes());
    this.nodes = new NodeExecutor(invoker, tasks);
  }

  @Override
  public RunResult run(RunInput input) {
    this.in = input;
    tasks.start(input);
    this.startedAt = now();
    // The workflow's own log lines carry the run id like the activities' (MDC is thread-local: no effect on replay).
    MDC.put(Mdc.RUN_ID, runId());
    // Runs recorded before the event log existed replay without it.
    events.recording(Workflow.getVersion(TemporalNames.CHANGE_RUN_EVENTS, Workflow.DEFAULT_VERSION, 1) >= 1);
    visibility.start();
    events.runStarted(input, startedAt);
    WorkflowDefinition def = input.definition().definition();
    this.graph = new Graph(def);
    NodeRegistry registry = invoker.registry();
    for (NodeDef n : def.nodes()) runs.put(n.id(), NodeRun.of(n, registry, expressions));
    List<String> order = runs.keySet().stream().sorted().toList();
    Map<String, Promise<Outcome>> running = new TreeMap<>();
    NodeRun failed = null;
    try {
      while (true) {
        boolean progressed = true;
        // A paused run starts nothing new; what runs finishes.
        while (progressed && failed == null && !paused) {
          progressed = false;
          for (String id : order) {
            NodeRun n = runs.get(id);
            if (n.status != NodeStatus.PENDING || !resolved(id)) continue;
            progressed = true;
            if (!graph.incoming(id).isEmpty() && graph.incoming(id).stream().noneMatch(this::taken)) {
              skip(n);
              continue;
            }
            Promise<Outcome> p = start(n);
            if (p == null) {
              if (handle(n, evaluateInline(n))) {
                failed = n;
                break;
              }
            } else {
              running.put(id, p);
            }
          }
        }
        if (failed != null || (running.isEmpty() && (!paused || !anyReady()))) break;
        flush();
        Workflow.await(() -> wake || running.values().stream().anyMatch(Promise::isCompleted));
        wake = false;
        for (Iterator<Map.Entry<String, Promise<Outcome>>> it = running.entrySet().iterator(); it.hasNext(); ) {
          Map.Entry<String, Promise<Outcome>> e = it.next();
          // Read before remove(): a TreeMap may reuse a removed entry for its successor.
          String id = e.getKey();
          Promise<Outcome> p = e.getValue();
          if (!p.isCompleted()) continue;
          it.remove();
          if (handle(runs.get(id), p.get()) && failed == null) failed = runs.get(id);
        }
        // A cancelled run schedules nothing more, even when its nodes absorbed the cancellation.
        if (CancellationScope.current().isCancelRequested()) throw new CanceledFailure("run cancelled");
      }
    } catch (CanceledFailure e) {
      status = RunStatus.CANCELED;
      endedAt = now();
      running.keySet().forEach(id -> finish(runs.get(id), NodeStatus.CANCELED));
      runEnded(EventKind.RUN_CANCELED);
      throw e;
    }
    if (failed != null) {
      running.keySet().forEach(id -> runs.get(id).scope.cancel());
      running.forEach((id, p) -> handle(runs.get(id), p.get()));
      status = RunStatus.FAILED;
      runError = new NodeError(failed.error.code(), "node '" + failed.def.id() + "' failed: " + failed.error.message(),
          failed.error.details());
      endedAt = now();
      runEnded(EventKind.RUN_FAILED);
      throw ApplicationFailure.newNonRetryableFailure(runError.message(), TemporalNames.RUN_FAILED, runError);
    }
    if (output == null) output = terminalOutputs();
    // Updates still answering (a decision the last node took) finish before the run does.
    Workflow.await(Workflow::isEveryHandlerFinished);
    status = RunStatus.COMPLETED;
    endedAt = now();
    runEnded(EventKind.RUN_COMPLETED);
    return new RunResult(output, responseStatus);
  }

  /** The status people see (see {@link RunVisibility#effectiveStatus}). */
  private RunStatus effectiveStatus() {
    return visibility.effectiveStatus(status, paused);
  }

  /** Whether some node could start now (it is held back by a pause). */
  private boolean anyReady() {
    return runs.entrySet().stream().anyMatch(e -> e.getValue().status == NodeStatus.PENDING && resolved(e.getKey()));
  }

  @Override
  public void validateDecide(HumanInput h) {
    tasks.validateDecide(h);
  }

  @Override
  public JsonNode decide(HumanInput h) {
    return tasks.decide(h);
  }

  @Override
  public void validatePause(ControlInput c) {
    if (in == null) throw HumanFailures.of(HumanFailures.RUN_NOT_RUNNING, "the run has not started");
    HumanTaskRules.checkPause(effectiveStatus(), true);
  }

  @Override
  public RunStatus pause(ControlInput c) {
    paused = true;
    // The scheduling loop wakes, writes the event and holds back new nodes from now on.
    wake = true;
    events.control(EventKind.RUN_PAUSED, ++pauses, c);
    return effectiveStatus();
  }

  @Override
  public void validateResume(ControlInput c) {
    if (in == null) throw HumanFailures.of(HumanFailures.RUN_NOT_RUNNING, "the run has not started");
    HumanTaskRules.checkPause(effectiveStatus(), false);
  }

  @Override
  public RunStatus resume(ControlInput c) {
    paused = false;
    wake = true;
    events.control(EventKind.RUN_RESUMED, ++resumes, c);
    return effectiveStatus();
  }

  private boolean resolved(String id) {
    return graph.incoming(id).stream().allMatch(edgeTaken::containsKey);
  }

  private boolean taken(EdgeDef e) {
    return Boolean.TRUE.equals(edgeTaken.get(e));
  }

  private void skip(NodeRun n) {
    n.status = NodeStatus.SKIPPED;
    events.node(n, EventKind.NODE_SKIPPED, 0, null, null, null);
    graph.outgoing(n.def.id()).forEach(e -> edgeTaken.put(e, false));
  }

  /** Starts a node; {@code null} means it is a control node to evaluate in place. */
  private Promise<Outcome> start(NodeRun n) {
    n.status = NodeStatus.RUNNING;
    n.startedAt = now();
    NodeScope scope = scope(n);
    boolean offload = n.kind == NodeKind.ACTIVITY
        || (n.kind == NodeKind.CONTROL && scope.nodes().values().stream().anyMatch(v -> ClaimCheck.isRef(v.output())));
    n.offloaded = offload;
    if (events.recording()) {
      n.inputPreview = Previews.of(Json.MAPPER.valueToTree(scope), settings.eventInputBytes());
      // A node that asks people says it waits when its task opens, with the task.
      if (n.kind != NodeKind.WAIT) {
        events.node(n, EventKind.NODE_STARTED, 1, n.inputPreview, null, null);
      } else if (!asksPeople(n)) {
        events.node(n, EventKind.NODE_WAITING, ++n.waits, n.inputPreview, null, null);
      }
    }
    boolean asks = n.def.onErrorMode() == OnError.ASK;
    if (n.kind == NodeKind.CONTROL && !offload && !asks) return null;
    @SuppressWarnings("unchecked")
    Promise<Outcome>[] holder = new Promise[1];
    n.scope = Workflow.newCancellationScope(() -> holder[0] = Async.function(() -> execute(n, scope, offload)));
    n.scope.run();
    return holder[0];
  }

  private boolean asksPeople(NodeRun n) {
    return invoker.registry().get(n.def.type()).type() instanceof WaitNodeType<?> w && w.asksPeople();
  }

  /**
   * Runs a node (again, with an edited config, when an operator asks for a retry after
   * {@code onError: ask}) until it completes, fails for good or is cancelled.
   */
  private Outcome execute(NodeRun n, NodeScope scope, boolean offload) {
    NodeDef def = n.def;
    int base = 0;
    while (true) {
      Outcome o = offload ? nodes.runActivity(n, def, scope, base)
          : n.kind == NodeKind.WAIT ? nodes.runWait(n, def, scope, base)
          : nodes.evaluate(def, scope, base);
      if (o.canceled() || o.error() == null || n.def.onErrorMode() != OnError.ASK) return o;
      HumanTask.Decision d;
      try {
        d = tasks.askOperators(n, o.error(), o.attempts(), def, graph.outgoing(n.def.id()));
      } catch (CanceledFailure e) {
        return Outcome.cancelled();
      }
      switch (d.action()) {
        case HumanTasks.ACTION_RETRY -> {
          base = o.attempts();
          if (d.config() != null) def = new NodeDef(def.id(), def.type(), def.name(), d.config(), def.timeout(), def.retry(), def.onError());
          n.attempts = base;
          n.error = null;
          n.status = NodeStatus.RUNNING;
          events.node(n, EventKind.NODE_STARTED, base + 1, d.config() == null ? null : d.config(), null, null);
        }
        case HumanTasks.ACTION_SKIP -> {
          return Outcome.ok(NodeResult.of(d.values() == null ? Json.MAPPER.nullNode() : d.values()), o.attempts());
        }
        default -> {
          return o;
        }
      }
    }
  }

  private Outcome evaluateInline(NodeRun n) {
    return nodes.evaluate(n.def, scope(n), 0);
  }

  /** Records how a node ended and resolves its outgoing edges; true when the run must fail. */
  private boolean handle(NodeRun n, Outcome o) {
    n.attempts = Math.max(n.attempts, o.attempts());
    if (o.canceled()) {
      finish(n, NodeStatus.CANCELED);
      return false;
    }
    if (o.error() == null) {
      NodeResult r = o.result();
      n.output = r.output();
      n.ports = r.ports();
      if (r.isResponse() && output == null) {
        output = r.output();
        responseStatus = r.responseStatus();
      }
      finish(n, NodeStatus.COMPLETED);
      return false;
    }
    n.error = o.error();
    log.info("node {} failed: {} {}", n.def.id(), o.error().code(), o.error().message());
    switch (n.def.onErrorMode()) {
      case CONTINUE -> {
        n.output = errorObject(o.error());
        n.ports = List.of(EdgeDef.MAIN);
      }
      case BRANCH -> {
        n.output = errorObject(o.error());
        n.ports = List.of("error");
      }
      // ask: the operators chose stop; the run fails with the node's error.
      case FAIL, ASK -> n.ports = List.of();
    }
    finish(n, NodeStatus.FAILED);
    return n.ports.isEmpty();
  }

  private void finish(NodeRun n, NodeStatus s) {
    n.status = s;
    n.endedAt = now();
    switch (s) {
      case COMPLETED -> events.node(n, EventKind.NODE_COMPLETED, n.attempts, null, n.offloaded ? null : view.preview(n.output), null);
      case FAILED -> events.node(n, EventKind.NODE_FAILED, n.attempts, null, view.preview(n.output), n.error);
      case CANCELED -> events.node(n, EventKind.NODE_CANCELED, Math.max(1, n.attempts), null, null, null);
      default -> { }
    }
    for (EdgeDef e : graph.outgoing(n.def.id())) {
      edgeTaken.put(e, s == NodeStatus.COMPLETED || s == NodeStatus.FAILED ? n.ports.contains(e.portOrMain()) : false);
    }
  }

  static JsonNode errorObject(NodeError e) {
    ObjectNode o = Json.object();
    o.put("code", e.code());
    o.put("message", e.message());
    if (e.details() != null) o.set("details", e.details());
    return o;
  }

  /**
   * The scope of a node: only what it reads (the nodes its expressions reference, the sources of its
   * taken edges, the input when used). Sent to activities, it keeps history small; and a control node
   * runs as an activity only when something it reads is claim-checked.
   */
  private NodeScope scope(NodeRun n) {
    List<String> taken = new ArrayList<>();
    for (EdgeDef e : graph.incoming(n.def.id())) {
      if (taken(e) && !taken.contains(e.from())) taken.add(e.from());
    }
    Map<String, Scope.NodeView> nodes = new LinkedHashMap<>();
    for (NodeRun r : runs.values()) {
      boolean needed = n.refs.contains(r.def.id()) || taken.contains(r.def.id());
      if (needed && r.status.done()) nodes.put(r.def.id(), new Scope.NodeView(r.status.name(), r.output));
    }
    boolean withInput = n.readsInput || taken.isEmpty();
    return new NodeScope(withInput ? in.input() : null, nodes, runInfo(), taken);
  }

  /**
   * Writes this round's events (and publishes a changed status as search attributes); the run waits
   * here while the store is unreachable. Called before any workflow thread blocks.
   */
  private void flush() {
    visibility.publish(effectiveStatus());
    events.flush();
  }

  /** The run's last event carries its final state, without node outputs. */
  private void runEnded(EventKind kind) {
    tasks.clear();
    if (!events.recording()) return;
    events.runEnded(kind, startedAt, endedAt, runError, state());
    // A cancelled run still writes its last events: outside the cancelled scope.
    Workflow.newDetachedCancellationScope(this::flush).run();
  }

  private JsonNode runInfo() {
    ObjectNode o = Json.object();
    o.put("id", runId());
    o.put("workflowId", in.definition().workflowId());
    o.put("version", in.definition().version());
    o.put("startedAt", startedAt.toString());
    return o;
  }

  private JsonNode terminalOutputs() {
    ObjectNode o = Json.object();
    for (NodeRun r : runs.values()) {
      if (graph.outgoing(r.def.id()).isEmpty() && r.output != null
          && (r.status == NodeStatus.COMPLETED || r.status == NodeStatus.FAILED)) {
        o.set(r.def.id(), r.output);
      }
    }
    return o;
  }

  private String runId() {
    return Workflow.getInfo().getWorkflowId();
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }

  @Override
  public RunState state() {
    return view.state(in, effectiveStatus(), startedAt, endedAt, output, runError);
  }
}
