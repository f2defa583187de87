package dev.weft.engine;

import dev.weft.definition.EdgeDef;
import dev.weft.definition.Json;
import dev.weft.definition.NodeDef;
import dev.weft.definition.OnError;
import dev.weft.node.agent.AgentNodeConfig;
import dev.weft.node.loop.LoopNodeConfig;
import dev.weft.node.HumanTask;
import dev.weft.node.WaitNodeType;
import dev.weft.definition.WorkflowDefinition;
import dev.weft.engine.NodeExecutor.Outcome;
import dev.weft.expression.ExpressionEngine;
import dev.weft.node.NodeKind;
import dev.weft.node.NodeResult;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>This class is the scheduling loop and the Temporal handlers. The loop schedules a {@link Frame}:
 * the run's own graph, or one iteration of a loop body (each in its own workflow thread). Each run's
 * bookkeeping lives in helpers this instance creates and owns: {@link NodeExecutor} (how one node
 * execution runs), {@link Loops} (a loop node's iterations), {@link ChildRuns} (sub-workflows and the
 * error workflow), {@link RunLength} (the history budget and continue-as-new), {@link HumanTasks}
 * (open tasks, decisions, {@code onError: ask}), {@link RunEvents} (the event log),
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
  /** The run's own graph; loop iterations are frames nested in it. */
  private Frame top;
  /** Every node execution of the frames alive now, by key ({@code charge}, {@code charge[3]}): what the state shows. */
  private final Map<String, NodeRun> live = new LinkedHashMap<>();
  private boolean paused;
  private int pauses;
  private int resumes;
  /** Bumped by {@link #pause}, {@link #resume} and a drain to wake every frame's scheduling loop. */
  private int wakes;
  /** Runs recorded before loops, sub-workflows and continue-as-new existed replay without them. */
  private boolean composite;
  /** When the run drains and continues-as-new. */
  private final RunLength length;
  /** The run's bookkeeping besides scheduling, created and owned by this instance. */
  private final RunEvents events;
  private final HumanTasks tasks;
  private final RunVisibility visibility;
  private final RunStateView view;
  private final NodeExecutor nodes;
  private final Loops loops;
  private final ChildRuns children;
  private final AgentLoop agents;

  public RunWorkflowImpl(NodeInvoker invoker, ExpressionEngine expressions, EngineSettings settings) {
    this.invoker = invoker;
    this.expressions = expressions;
    this.settings = settings;
    this.events = new RunEvents(settings.statePreviewBytes());
    this.tasks = new HumanTasks(events, this::flush, live, invoker.registry(), settings);
    this.visibility = new RunVisibility(tasks);
    this.view = new RunStateView(live, tasks, settings.statePreviewBytes());
    this.length = new RunLength(settings);
    this.nodes = new NodeExecutor(invoker, tasks, length, events);
    this.loops = new Loops(this, live, invoker.registry(), expressions, invoker.isSampling(), settings);
    this.children = new ChildRuns(invoker);
    this.agents = new AgentLoop(invoker, expressions, events, tasks, children, length, settings, this::flush);
  }

  @Override
  public RunResult run(RunInput input) {
    this.in = input;
    tasks.start(input);
    RunCarry carry = RunLength.carried(input, loops.payloads());
    this.startedAt = carry == null ? now() : carry.startedAt();
    MDC.put(Mdc.RUN_ID, runId()); // log lines carry the run id, as the activities' do (thread-local: no effect on replay)
    // Runs recorded before each change (the event log, composite nodes, local activities) replay without it.
    events.recording(Workflow.getVersion(TemporalNames.CHANGE_RUN_EVENTS, Workflow.DEFAULT_VERSION, 1) >= 1);
    composite = Workflow.getVersion(TemporalNames.CHANGE_COMPOSITE, Workflow.DEFAULT_VERSION, 1) >= 1;
    events.ordered(composite);
    nodes.localActivities(Workflow.getVersion(TemporalNames.CHANGE_LOCAL_ACTIVITIES, Workflow.DEFAULT_VERSION, 1) >= 1);
    length.start(composite, carry);
    visibility.start();
    WorkflowDefinition def = input.definition().definition();
    top = new Frame(def.nodes(), def.edges(), null, null, null, null, this::newRun);
    top.runs.values().forEach(r -> live.put(r.key, r));
    if (carry == null) {
      events.runStarted(input, startedAt);
    } else {
      resumeFrom(carry);
    }
    FrameEnd end;
    try {
      end = schedule(top);
    } catch (CanceledFailure e) {
      status = RunStatus.CANCELED;
      endedAt = now();
      runEnded(EventKind.RUN_CANCELED);
      throw e;
    }
    if (end.suspended()) continueAsNew(end.carry());
    if (end.failed() != null) {
      NodeRun failed = end.failed();
      status = RunStatus.FAILED;
      runError = new NodeError(failed.error.code(), "node '" + failed.key + "' failed: " + failed.error.message(),
          failed.error.details());
      endedAt = now();
      runEnded(EventKind.RUN_FAILED);
      if (composite) children.startErrorWorkflow(in, failed, runError, startedAt);
      throw ApplicationFailure.newNonRetryableFailure(runError.message(), TemporalNames.RUN_FAILED, runError);
    }
    if (output == null) output = top.terminalOutputs();
    // Updates still answering (a decision the last node took) finish before the run does.
    Workflow.await(Workflow::isEveryHandlerFinished);
    status = RunStatus.COMPLETED;
    endedAt = now();
    runEnded(EventKind.RUN_COMPLETED);
    return new RunResult(output, responseStatus);
  }

  /**
   * Schedules one frame until its nodes all ended, one failed it, or the run drains for a
   * continue-as-new and nothing of it runs any more. Ready nodes start in id order; control nodes are
   * evaluated in place, the others run concurrently. A cancelled run marks the frame's running nodes
   * cancelled and rethrows.
   */
  FrameEnd schedule(Frame f) {
    NodeRun failed = null;
    f.wakeSeen = wakes;
    try {
      while (true) {
        boolean progressed = true;
        // A paused (or draining) run starts nothing new; what runs finishes.
        while (progressed && failed == null && !holding()) {
          progressed = false;
          for (String id : f.order) {
            NodeRun n = f.runs.get(id);
            if (n.status != NodeStatus.PENDING || !f.resolved(id)) continue;
            progressed = true;
            if (!f.graph.incoming(id).isEmpty() && f.graph.incoming(id).stream().noneMatch(f::taken)) {
              skip(f, n);
              continue;
            }
            Promise<Outcome> p = start(f, n);
            if (p == null) {
              if (handle(f, n, nodes.evaluate(n.def, scope(f, n), 0))) {
                failed = n;
                break;
              }
            } else {
              f.running.put(id, p);
            }
          }
        }
        if (failed != null) break;
        if (f.running.isEmpty()) {
          if (!f.anyReady()) break;
          // Nothing of this frame runs, and what is ready waits for the next Temporal run.
          if (length.draining()) return new FrameEnd(null, null, f.carry(), false);
        }
        flush();
        Workflow.await(() -> wakes != f.wakeSeen || f.running.values().stream().anyMatch(Promise::isCompleted));
        f.wakeSeen = wakes;
        for (Iterator<Map.Entry<String, Promise<Outcome>>> it = f.running.entrySet().iterator(); it.hasNext(); ) {
          Map.Entry<String, Promise<Outcome>> e = it.next();
          // Read before remove(): a TreeMap may reuse a removed entry for its successor.
          String id = e.getKey();
          Promise<Outcome> p = e.getValue();
          if (!p.isCompleted()) continue;
          it.remove();
          Outcome o = p.get();
          if (o.suspended() != null) {
            // A loop stopped for the continue-as-new: it starts again, from its progress, in the next run.
            NodeRun n = f.runs.get(id);
            n.status = NodeStatus.PENDING;
            n.loop = o.suspended();
          } else if (handle(f, f.runs.get(id), o) && failed == null) {
            failed = f.runs.get(id);
          }
        }
        // A cancelled run schedules nothing more, even when its nodes absorbed the cancellation.
        if (CancellationScope.current().isCancelRequested()) throw new CanceledFailure("run cancelled");
        checkBudget();
      }
    } catch (CanceledFailure e) {
      // Loops and child runs end first, outside the cancelled scope: their iterations' nodes are marked
      // cancelled and their children are cancelled before the run ends.
      List<Promise<Outcome>> composites = f.running.entrySet().stream()
          .filter(r -> f.runs.get(r.getKey()).kind == NodeKind.COMPOSITE).map(Map.Entry::getValue).toList();
      if (!composites.isEmpty()) {
        Workflow.newDetachedCancellationScope(() -> Workflow.await(() -> composites.stream().allMatch(Promise::isCompleted)))
            .run();
      }
      f.running.keySet().forEach(id -> finish(f, f.runs.get(id), NodeStatus.CANCELED));
      throw e;
    }
    if (failed != null) {
      f.running.keySet().forEach(id -> f.runs.get(id).scope.cancel());
      f.running.forEach((id, p) -> handle(f, f.runs.get(id), p.get()));
      f.running.clear();
      return new FrameEnd(failed, null, null, false);
    }
    return new FrameEnd(null, f.result(), null, false);
  }

  /** A frame's node: bookkeeping, and its place in what the state shows. */
  private NodeRun newRun(NodeDef d) {
    return NodeRun.of(d, invoker.registry(), expressions, null);
  }

  /** The run's input (what {@code input} is in expressions). */
  JsonNode input() {
    return in.input();
  }

  /** Whether new nodes are held back: by a pause, or by a drain before a continue-as-new. */
  boolean holding() {
    return paused || length.draining();
  }

  boolean draining() {
    return length.draining();
  }

  int wakes() {
    return wakes;
  }

  /** Starts draining when the run's history reached its budget (see {@link RunLength}), and wakes every frame. */
  void checkBudget() {
    if (length.check()) wakes++;
  }

  /** The next Temporal run of this run goes on from {@code graph}; events are written and updates answered first. */
  private void continueAsNew(RunCarry.FrameCarry graph) {
    Workflow.await(Workflow::isEveryHandlerFinished);
    flush();
    length.continueAsNew(in, new RunCarry(startedAt, output, responseStatus, paused, pauses, resumes, length.next(), graph),
        loops.payloads());
  }

  private void resumeFrom(RunCarry carry) {
    output = carry.output();
    responseStatus = carry.responseStatus();
    paused = carry.paused();
    pauses = carry.pauses();
    resumes = carry.resumes();
    top.restore(carry.graph());
  }

  /** The status people see (see {@link RunVisibility#effectiveStatus}). */
  private RunStatus effectiveStatus() {
    return visibility.effectiveStatus(status, paused);
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
    // The scheduling loops wake, write the event and hold back new nodes from now on.
    wakes++;
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
    wakes++;
    events.control(EventKind.RUN_RESUMED, ++resumes, c);
    return effectiveStatus();
  }

  private void skip(Frame f, NodeRun n) {
    n.status = NodeStatus.SKIPPED;
    events.node(n, EventKind.NODE_SKIPPED, 0, null, null, null);
    f.graph.outgoing(n.def.id()).forEach(e -> f.edgeTaken.put(e, false));
  }

  /** Starts a node; {@code null} means it is a control node to evaluate in place. */
  private Promise<Outcome> start(Frame f, NodeRun n) {
    // A loop resumed after a continue-as-new goes on: it started in an earlier Temporal run.
    boolean resuming = n.loop != null;
    n.status = NodeStatus.RUNNING;
    if (!resuming) n.startedAt = now();
    NodeScope scope = scope(f, n);
    boolean offload = n.kind == NodeKind.ACTIVITY
        || (n.kind == NodeKind.CONTROL && scope.nodes().values().stream().anyMatch(v -> ClaimCheck.isRef(v.output())));
    n.offloaded = offload;
    if (events.recording() && !resuming) {
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
    n.scope = Workflow.newCancellationScope(() -> holder[0] = Async.function(() -> execute(f, n, scope, offload)));
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
  private Outcome execute(Frame f, NodeRun n, NodeScope scope, boolean offload) {
    NodeDef def = n.def;
    int base = 0;
    while (true) {
      Outcome o = offload ? nodes.runActivity(n, def, scope, base)
          : n.kind == NodeKind.WAIT ? nodes.runWait(n, def, scope, base)
          : n.kind == NodeKind.COMPOSITE ? runComposite(f, n, def, scope, base)
          : nodes.evaluate(def, scope, base);
      if (o.canceled() || o.error() == null || n.def.onErrorMode() != OnError.ASK) return o;
      HumanTask.Decision d;
      // An open question is a wait like an approval: a drain does not cut it.
      length.waitStarted();
      try {
        d = tasks.askOperators(n, o.error(), o.attempts(), def, f.graph.outgoing(n.def.id()));
      } catch (CanceledFailure e) {
        return Outcome.cancelled();
      } finally {
        length.waitEnded();
      }
      switch (d.action()) {
        case HumanTasks.ACTION_RETRY -> {
          base = o.attempts();
          if (d.config() != null) def = def.withConfig(d.config());
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

  /** A loop's iterations, an agent's loop, or a child run. */
  private Outcome runComposite(Frame f, NodeRun n, NodeDef def, NodeScope scope, int base) {
    if (n.composite == null) {
      return Outcome.failed(new NodeError("config.invalid", "the config of " + n.def.type() + " node '" + n.key
          + "' does not bind; save the workflow again to see why", null), base + 1);
    }
    return n.composite instanceof LoopNodeConfig ? loops.run(f, n, scope)
        : n.composite instanceof AgentNodeConfig ? agents.run(n, def, scope, base, in, startedAt)
        : children.run(n, def, scope, base, in, startedAt);
  }

  /** Records how a node ended and resolves its outgoing edges; true when its frame must fail. */
  private boolean handle(Frame f, NodeRun n, Outcome o) {
    n.attempts = Math.max(n.attempts, o.attempts());
    if (o.canceled()) {
      finish(f, n, NodeStatus.CANCELED);
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
      finish(f, n, NodeStatus.COMPLETED);
      return false;
    }
    n.error = o.error();
    log.info("node {} failed: {} {}", n.key, o.error().code(), o.error().message());
    switch (n.def.onErrorMode()) {
      case CONTINUE -> {
        n.output = o.error().toJson();
        n.ports = List.of(EdgeDef.MAIN);
      }
      case BRANCH -> {
        n.output = o.error().toJson();
        n.ports = List.of("error");
      }
      // ask: the operators chose stop; the run fails with the node's error.
      case FAIL, ASK -> n.ports = List.of();
    }
    finish(f, n, NodeStatus.FAILED);
    return n.ports.isEmpty();
  }

  private void finish(Frame f, NodeRun n, NodeStatus s) {
    n.status = s;
    n.endedAt = now();
    switch (s) {
      case COMPLETED -> events.node(n, EventKind.NODE_COMPLETED, n.attempts, null, n.outputLogged() ? null : view.preview(n.output), null);
      case FAILED -> events.node(n, EventKind.NODE_FAILED, n.attempts, null, view.preview(n.output), n.error);
      case CANCELED -> events.node(n, EventKind.NODE_CANCELED, Math.max(1, n.attempts), null, null, null);
      default -> { }
    }
    for (EdgeDef e : f.graph.outgoing(n.def.id())) {
      f.edgeTaken.put(e, s == NodeStatus.COMPLETED || s == NodeStatus.FAILED ? n.ports.contains(e.portOrMain()) : false);
    }
  }

  private NodeScope scope(Frame f, NodeRun n) {
    return f.scope(n, in.input(), runInfo());
  }

  /**
   * Writes this round's events (and publishes a changed status as search attributes); the run waits
   * here while the store is unreachable. Called before any workflow thread blocks.
   */
  void flush() {
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
