package dev.weft.engine;

import dev.weft.definition.Durations;
import dev.weft.definition.EdgeDef;
import dev.weft.definition.Graph;
import dev.weft.definition.Json;
import dev.weft.definition.NodeDef;
import dev.weft.definition.OnError;
import dev.weft.node.HumanTask;
import dev.weft.node.WaitNodeType;
import dev.weft.definition.RetryDef;
import dev.weft.definition.WorkflowDefinition;
import dev.weft.expression.ExpressionEngine;
import dev.weft.expression.ExpressionException;
import dev.weft.expression.Scope;
import dev.weft.node.ConfigShape;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeKind;
import dev.weft.node.NodeRegistry;
import dev.weft.node.NodeResult;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.ActivityStub;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
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
  /** Events of the current scheduling round, written in one local activity before the run blocks. */
  private final List<RunEvent> pending = new ArrayList<>();
  private boolean recordEvents;
  /** Set when the run was started with Weft's search attributes: status changes are then published too. */
  private boolean searchAttributes;
  private String publishedStatus;
  private List<String> publishedWaiting = List.of();
  private boolean paused;
  private int pauses;
  private int resumes;
  /** Set by {@link #resume} to wake the scheduling loop. */
  private boolean wake;
  /** Open human tasks by node id. */
  private final Map<String, Task> tasks = new TreeMap<>();
  private final RunEventActivities eventWriter = Workflow.newLocalActivityStub(RunEventActivities.class,
      LocalActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          // While the store is unreachable the run waits here, with backoff, rather than lose events.
          // (A local activity with neither a schedule-to-close timeout nor an attempt limit is not
          // retried at all, so "until the store is back" is spelled as a very large attempt limit.)
          .setRetryOptions(RetryOptions.newBuilder()
              .setInitialInterval(Duration.ofSeconds(1))
              .setBackoffCoefficient(2.0)
              .setMaximumInterval(Duration.ofMinutes(1))
              .setMaximumAttempts(Integer.MAX_VALUE)
              .build())
          .build());

  /** Mutable bookkeeping of one node in this run. */
  private static final class NodeRun {
    final NodeDef def;
    final NodeKind kind;
    final Set<String> refs;
    final boolean readsInput;
    NodeStatus status = NodeStatus.PENDING;
    int attempts;
    Instant startedAt;
    Instant endedAt;
    List<String> ports = List.of();
    JsonNode output;
    NodeError error;
    CancellationScope scope;
    /** Ran as an activity, which logged its output itself: the workflow's events do not repeat it. */
    boolean offloaded;
    /** What the node read, as its events show it. */
    JsonNode inputPreview;
    /** Counters of the node's repeatable events: {@code node_waiting}, decisions, reminders. */
    int waits;
    int decisions;
    int reminders;

    NodeRun(NodeDef def, NodeKind kind, Set<String> refs, boolean readsInput) {
      this.def = def;
      this.kind = kind;
      this.refs = refs;
      this.readsInput = readsInput;
    }
  }

  /** How one node execution ended. */
  private record Outcome(NodeResult result, int attempts, NodeError error, boolean canceled) {
    static Outcome ok(NodeResult r, int attempts) {
      return new Outcome(r, attempts, null, false);
    }

    static Outcome failed(NodeError e, int attempts) {
      return new Outcome(null, attempts, e, false);
    }

    static Outcome cancelled() {
      return new Outcome(null, 0, null, true);
    }
  }

  public RunWorkflowImpl(NodeInvoker invoker, ExpressionEngine expressions, EngineSettings settings) {
    this.invoker = invoker;
    this.expressions = expressions;
    this.settings = settings;
  }

  @Override
  public RunResult run(RunInput input) {
    this.in = input;
    this.startedAt = now();
    // The workflow's own log lines carry the run id like the activities' (MDC is thread-local: no effect on replay).
    MDC.put(Mdc.RUN_ID, runId());
    // Runs recorded before the event log existed replay without it.
    this.recordEvents = Workflow.getVersion(TemporalNames.CHANGE_RUN_EVENTS, Workflow.DEFAULT_VERSION, 1) >= 1;
    this.searchAttributes = Workflow.getTypedSearchAttributes().containsKey(WeftSearchAttributes.STATUS);
    ObjectNode started = Json.object();
    started.put("workflowId", input.definition().workflowId());
    started.put("version", input.definition().version());
    started.put("contentHash", input.definition().contentHash());
    started.put("temporalRunId", Workflow.getInfo().getRunId());
    if (input.trigger() != null) started.put("trigger", input.trigger());
    if (input.startedBy() != null) started.put("startedBy", input.startedBy());
    emit(new RunEvent(runId(), RunEvent.RUN, null, 0, EventKind.RUN_STARTED, startedAt, null, preview(input.input()), null, null, started));
    WorkflowDefinition def = input.definition().definition();
    this.graph = new Graph(def);
    NodeRegistry registry = invoker.registry();
    for (NodeDef n : def.nodes()) {
      NodeRegistry.Entry entry = registry.get(n.type());
      Set<String> refs = new LinkedHashSet<>();
      boolean readsInput = false;
      for (ConfigShape.Found f : entry.shape().expressionsIn(n.config())) {
        if (f.error() != null) continue;
        try {
          ExpressionEngine.Compiled c = expressions.compile(f.expression(), f.perItem());
          refs.addAll(c.referencedNodes());
          readsInput |= c.readsInput();
        } catch (ExpressionException e) {
          // Reported when the node runs, with its path.
        }
      }
      // Only code nodes read nodes outside expressions; recorded histories have none, so this replays unchanged.
      refs.addAll(entry.type().reads(n.config()));
      runs.put(n.id(), new NodeRun(n, entry.type().kind(), refs, readsInput));
    }
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

  /** Updates {@code WeftStatus} and {@code WeftWaitingNodes} when they changed. */
  private void publish() {
    if (!searchAttributes) return;
    String s = effectiveStatus().name();
    List<String> waiting = waitingNodes();
    if (s.equals(publishedStatus) && waiting.equals(publishedWaiting)) return;
    publishedStatus = s;
    publishedWaiting = waiting;
    Workflow.upsertTypedSearchAttributes(WeftSearchAttributes.STATUS.valueSet(s),
        waiting.isEmpty() ? WeftSearchAttributes.WAITING_NODES.valueUnset() : WeftSearchAttributes.WAITING_NODES.valueSet(waiting));
  }

  /** The status people see: a running run is PAUSED while paused, WAITING while a node waits for people. */
  private RunStatus effectiveStatus() {
    if (status != RunStatus.RUNNING) return status;
    if (paused) return RunStatus.PAUSED;
    return tasks.isEmpty() ? RunStatus.RUNNING : RunStatus.WAITING;
  }

  private List<String> waitingNodes() {
    return List.copyOf(tasks.keySet());
  }

  /** Whether some node could start now (it is held back by a pause). */
  private boolean anyReady() {
    return runs.entrySet().stream().anyMatch(e -> e.getValue().status == NodeStatus.PENDING && resolved(e.getKey()));
  }

  // ---- human tasks ------------------------------------------------------------------------------

  /** An open human task of one node; decisions queue here until the node takes them. */
  private final class Task implements HumanTask {
    final NodeRun node;
    final Spec spec;
    final int ordinal;
    final Instant openedAt = now();
    List<String> assignees;
    Instant due;
    final List<Decision> received = new ArrayList<>();
    final Map<Integer, JsonNode> answers = new HashMap<>();
    int taken;
    boolean closed;

    Task(NodeRun node, Spec spec, int ordinal) {
      this.node = node;
      this.spec = spec;
      this.ordinal = ordinal;
      this.assignees = spec.assignees();
      this.due = spec.due();
    }

    @Override
    public Optional<Decision> next(Instant until) {
      flush();
      Supplier<Boolean> arrived = () -> taken < received.size();
      if (until == null) {
        Workflow.await(arrived);
      } else {
        Duration left = Duration.between(now(), until);
        if (left.isPositive()) Workflow.await(left, arrived);
      }
      if (taken >= received.size()) return Optional.empty();
      Decision d = received.get(taken++);
      ObjectNode data = Json.object();
      data.put("principal", d.principal());
      data.put("action", d.action());
      if (d.comment() != null) data.put("comment", d.comment());
      data.put("task", ordinal);
      emit(new RunEvent(runId(), node.def.id(), node.def.type(), d.ordinal(), EventKind.NODE_DECISION, d.at(), null,
          d.config(), preview(d.values()), null, data));
      return Optional.of(d);
    }

    @Override
    public void answer(Decision d, JsonNode outcome) {
      answers.put(d.ordinal(), outcome);
    }

    @Override
    public void reassign(List<String> newAssignees, Instant newDue) {
      assignees = List.copyOf(newAssignees);
      due = newDue;
      ObjectNode data = Json.object();
      data.set("assignees", Json.MAPPER.valueToTree(assignees));
      if (due != null) data.put("due", due.toString());
      data.put("task", ordinal);
      emit(new RunEvent(runId(), node.def.id(), node.def.type(), ordinal, EventKind.NODE_ESCALATED, now(), null, null, null,
          null, data));
    }

    @Override
    public void remind(JsonNode details) {
      ObjectNode data = details instanceof ObjectNode o ? o.deepCopy() : Json.object();
      data.set("assignees", Json.MAPPER.valueToTree(assignees));
      if (due != null) data.put("due", due.toString());
      data.put("task", ordinal);
      emit(new RunEvent(runId(), node.def.id(), node.def.type(), ++node.reminders, EventKind.NODE_REMINDER, now(), null, null,
          null, null, data));
    }

    @Override
    public List<String> assignees() {
      return assignees;
    }

    List<String> decidedBy() {
      return received.stream().map(Decision::principal).toList();
    }

    JsonNode view() {
      ObjectNode o = Json.object();
      o.put("kind", spec.kind().wire());
      o.put("title", spec.title());
      if (spec.description() != null) o.put("description", spec.description());
      o.set("assignees", Json.MAPPER.valueToTree(assignees));
      o.set("actions", Json.MAPPER.valueToTree(spec.actions()));
      o.put("allowSelf", spec.allowSelf());
      o.put("since", openedAt.toString());
      if (due != null) o.put("due", due.toString());
      if (spec.schema() != null) o.set("schema", spec.schema());
      if (spec.details() != null) o.set("details", spec.details());
      o.put("task", ordinal);
      o.set("decidedBy", Json.MAPPER.valueToTree(decidedBy()));
      o.set("decisions", Json.MAPPER.valueToTree(received.subList(0, taken).stream()
          .map(d -> Map.of("principal", d.principal(), "action", d.action(), "at", d.at().toString())).toList()));
      return o;
    }
  }

  private Task openTask(NodeRun n, HumanTask.Spec spec) {
    Task t = new Task(n, spec, ++n.waits);
    tasks.put(n.def.id(), t);
    n.status = NodeStatus.WAITING;
    ObjectNode data = (ObjectNode) t.view();
    data.remove("decisions");
    if (startedBy() != null) data.put("startedBy", startedBy());
    data.put("workflowId", in.definition().workflowId());
    emit(new RunEvent(runId(), n.def.id(), n.def.type(), t.ordinal, EventKind.NODE_WAITING, now(), null, n.inputPreview, null,
        null, data));
    return t;
  }

  private void close(Task t) {
    t.closed = true;
    tasks.remove(t.node.def.id(), t);
    if (t.node.status == NodeStatus.WAITING) t.node.status = NodeStatus.RUNNING;
  }

  private String startedBy() {
    return in == null ? null : in.startedBy();
  }

  @Override
  public void validateDecide(HumanInput h) {
    NodeRun n = h.nodeId() == null ? null : runs.get(h.nodeId());
    HumanTaskRules.Snapshot snapshot = null;
    if (n != null) {
      Task t = tasks.get(h.nodeId());
      snapshot = t == null || t.closed
          ? new HumanTaskRules.Snapshot(n.def.type(), n.status, List.of(), List.of(), false, null, List.of(), false)
          : new HumanTaskRules.Snapshot(n.def.type(), n.status, t.assignees, t.spec.actions(), t.spec.allowSelf(),
              t.spec.schema(), t.decidedBy(), true);
    }
    HumanTaskRules.check(h.nodeId(), snapshot, h, startedBy(), invoker.registry(), settings.claimCheckBytes());
  }

  @Override
  public JsonNode decide(HumanInput h) {
    Task t = tasks.get(h.nodeId());
    if (t == null || t.closed) {
      throw HumanFailures.of(HumanFailures.NOT_WAITING, "node '" + h.nodeId() + "' is not waiting for a decision");
    }
    HumanTask.Decision d = new HumanTask.Decision(++t.node.decisions, h.principal().id(), h.action(), h.comment(), h.values(),
        h.config(), now());
    t.received.add(d);
    Workflow.await(() -> t.answers.containsKey(d.ordinal()) || t.closed);
    JsonNode answer = t.answers.get(d.ordinal());
    if (answer == null) {
      throw HumanFailures.of(HumanFailures.NOT_WAITING, "node '" + h.nodeId() + "' stopped waiting before this decision was taken");
    }
    return answer;
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
    emit(controlEvent(EventKind.RUN_PAUSED, ++pauses, c));
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
    emit(controlEvent(EventKind.RUN_RESUMED, ++resumes, c));
    return effectiveStatus();
  }

  private RunEvent controlEvent(EventKind kind, int ordinal, ControlInput c) {
    ObjectNode data = Json.object();
    data.put("principal", c.principal() == null ? null : c.principal().id());
    if (c.reason() != null) data.put("reason", c.reason());
    return new RunEvent(runId(), RunEvent.RUN, null, ordinal, kind, now(), null, null, null, null, data);
  }

  private boolean resolved(String id) {
    return graph.incoming(id).stream().allMatch(edgeTaken::containsKey);
  }

  private boolean taken(EdgeDef e) {
    return Boolean.TRUE.equals(edgeTaken.get(e));
  }

  private void skip(NodeRun n) {
    n.status = NodeStatus.SKIPPED;
    emit(nodeEvent(n, EventKind.NODE_SKIPPED, 0, null, null, null));
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
    if (recordEvents) {
      n.inputPreview = Previews.of(Json.MAPPER.valueToTree(scope), settings.eventInputBytes());
      // A node that asks people says it waits when its task opens, with the task.
      if (n.kind != NodeKind.WAIT) {
        emit(nodeEvent(n, EventKind.NODE_STARTED, 1, n.inputPreview, null, null));
      } else if (!asksPeople(n)) {
        emit(nodeEvent(n, EventKind.NODE_WAITING, ++n.waits, n.inputPreview, null, null));
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
      Outcome o = offload ? runActivity(n, def, scope, base)
          : n.kind == NodeKind.WAIT ? runWait(n, def, scope, base)
          : evaluate(def, scope, base);
      if (o.canceled() || o.error() == null || n.def.onErrorMode() != OnError.ASK) return o;
      HumanTask.Decision d;
      try {
        d = askOperators(n, o, def);
      } catch (CanceledFailure e) {
        return Outcome.cancelled();
      }
      switch (d.action()) {
        case ACTION_RETRY -> {
          base = o.attempts();
          if (d.config() != null) def = new NodeDef(def.id(), def.type(), def.name(), d.config(), def.timeout(), def.retry(), def.onError());
          n.attempts = base;
          n.error = null;
          n.status = NodeStatus.RUNNING;
          emit(nodeEvent(n, EventKind.NODE_STARTED, base + 1, d.config() == null ? null : d.config(), null, null));
        }
        case ACTION_SKIP -> {
          return Outcome.ok(NodeResult.of(d.values() == null ? Json.MAPPER.nullNode() : d.values()), o.attempts());
        }
        default -> {
          return o;
        }
      }
    }
  }

  static final String ACTION_RETRY = "retry";
  static final String ACTION_SKIP = "skip";
  static final String ACTION_STOP = "stop";

  /** After a node's retries are exhausted: its operators choose retry, skip or stop. */
  private HumanTask.Decision askOperators(NodeRun n, Outcome failed, NodeDef current) {
    n.error = failed.error();
    n.attempts = Math.max(n.attempts, failed.attempts());
    ObjectNode details = Json.object();
    details.set("error", errorObject(failed.error()));
    details.put("attempts", failed.attempts());
    details.set("config", current.config());
    // A skipped node continues on its main port: offered only when its edges leave from there.
    boolean skippable = graph.outgoing(n.def.id()).stream().allMatch(e -> EdgeDef.MAIN.equals(e.portOrMain()));
    List<String> actions = skippable ? List.of(ACTION_RETRY, ACTION_SKIP, ACTION_STOP) : List.of(ACTION_RETRY, ACTION_STOP);
    Task t = openTask(n, new HumanTask.Spec(HumanTask.Kind.ASK, "Node '" + n.def.id() + "' failed: " + failed.error().code(),
        failed.error().message(), List.of(ASK_ASSIGNEES), actions, true, null, null, details));
    try {
      HumanTask.Decision d = t.next(null).orElseThrow();
      ObjectNode answer = Json.object();
      answer.put("nodeId", n.def.id());
      answer.put("action", d.action());
      answer.put("outcome", switch (d.action()) {
        case ACTION_RETRY -> "retrying";
        case ACTION_SKIP -> "skipped";
        default -> "stopped";
      });
      t.answer(d, answer);
      return d;
    } finally {
      close(t);
    }
  }

  /** Who answers {@code onError: ask}: the run's operators. */
  static final String ASK_ASSIGNEES = "role:operator";

  private Outcome evaluateInline(NodeRun n) {
    return evaluate(n.def, scope(n), 0);
  }

  private Outcome evaluate(NodeDef def, NodeScope scope, int base) {
    try {
      return Outcome.ok(invoker.invoke(runId(), def, scope, null), base + 1);
    } catch (NodeFailure f) {
      return Outcome.failed(new NodeError(f.code(), f.getMessage(), f.details()), base + 1);
    } catch (RuntimeException e) {
      return Outcome.failed(new NodeError("node.error", e.getClass().getSimpleName() + ": " + e.getMessage(), null), base + 1);
    }
  }

  private Outcome runWait(NodeRun n, NodeDef def, NodeScope scope, int base) {
    try {
      return Outcome.ok(invoker.invoke(runId(), def, scope, new NodeInvoker.Clock() {
        public Instant now() {
          return Instant.ofEpochMilli(Workflow.currentTimeMillis());
        }

        public void sleep(Duration d) {
          Workflow.sleep(d);
        }

        public HumanTask openTask(HumanTask.Spec spec) {
          return RunWorkflowImpl.this.openTask(n, spec);
        }
      }), base + 1);
    } catch (CanceledFailure e) {
      return Outcome.cancelled();
    } catch (NodeFailure f) {
      return Outcome.failed(new NodeError(f.code(), f.getMessage(), f.details()), base + 1);
    } finally {
      Task open = tasks.get(n.def.id());
      if (open != null) close(open);
    }
  }

  private Outcome runActivity(NodeRun n, NodeDef d, NodeScope scope, int base) {
    RetryOptions retry = retryOptions(d.retry());
    ActivityOptions options = ActivityOptions.newBuilder()
        .setStartToCloseTimeout(d.timeoutOrDefault())
        .setRetryOptions(retry)
        .setSummary(d.name() == null ? d.id() : d.id() + " · " + d.name())
        .build();
    ActivityStub stub = Workflow.newUntypedActivityStub(options);
    try {
      ActivityOutput out = stub.execute(d.type(), ActivityOutput.class, new ActivityInput(runId(), d, scope, base));
      return Outcome.ok(new NodeResult(out.output(), out.ports(), out.responseStatus()), out.attempt());
    } catch (ActivityFailure f) {
      return switch (f.getCause()) {
        case CanceledFailure c -> Outcome.cancelled();
        case ApplicationFailure af -> {
          FailureDetails details = af.getDetails().getSize() == 0 ? null : af.getDetails().get(0, FailureDetails.class);
          JsonNode extra = details == null || details.details() == null || details.details().isNull() ? null : details.details();
          yield Outcome.failed(new NodeError(af.getType(), af.getOriginalMessage(), extra),
              details == null ? base + 1 : details.attempt());
        }
        case TimeoutFailure tf -> Outcome.failed(new NodeError("node.timeout",
            "no result within " + Durations.format(d.timeoutOrDefault()) + " (" + tf.getTimeoutType() + ")", null),
            base + (f.getRetryState() == RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED ? retry.getMaximumAttempts() : 1));
        case null, default -> Outcome.failed(new NodeError("node.error", f.getMessage(), null), base + 1);
      };
    } catch (CanceledFailure e) {
      return Outcome.cancelled();
    }
  }

  static RetryOptions retryOptions(RetryDef r) {
    Duration initial = r == null || r.initialInterval() == null ? RetryDef.DEFAULT_INITIAL_INTERVAL : Durations.parse(r.initialInterval());
    RetryOptions.Builder b = RetryOptions.newBuilder()
        .setMaximumAttempts(r == null || r.maxAttempts() == null ? 1 : r.maxAttempts())
        .setInitialInterval(initial)
        .setBackoffCoefficient(r == null || r.backoffCoefficient() == null ? 2.0 : r.backoffCoefficient())
        .setMaximumInterval(r == null || r.maxInterval() == null ? initial.multipliedBy(100) : Durations.parse(r.maxInterval()));
    if (r != null && r.nonRetryableErrors() != null && !r.nonRetryableErrors().isEmpty()) {
      b.setDoNotRetry(r.nonRetryableErrors().toArray(String[]::new));
    }
    return b.build();
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
      case COMPLETED -> emit(nodeEvent(n, EventKind.NODE_COMPLETED, n.attempts, null, n.offloaded ? null : preview(n.output), null));
      case FAILED -> emit(nodeEvent(n, EventKind.NODE_FAILED, n.attempts, null, preview(n.output), n.error));
      case CANCELED -> emit(nodeEvent(n, EventKind.NODE_CANCELED, Math.max(1, n.attempts), null, null, null));
      default -> { }
    }
    for (EdgeDef e : graph.outgoing(n.def.id())) {
      edgeTaken.put(e, s == NodeStatus.COMPLETED || s == NodeStatus.FAILED ? n.ports.contains(e.portOrMain()) : false);
    }
  }

  private static JsonNode errorObject(NodeError e) {
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

  private RunEvent nodeEvent(NodeRun n, EventKind kind, int attempt, JsonNode input, JsonNode out, NodeError error) {
    Long duration = n.startedAt == null || n.endedAt == null || kind == EventKind.NODE_STARTED || kind == EventKind.NODE_WAITING
        ? null : n.endedAt.toEpochMilli() - n.startedAt.toEpochMilli();
    ObjectNode data = null;
    if (kind == EventKind.NODE_COMPLETED || kind == EventKind.NODE_FAILED) {
      data = Json.object();
      data.set("ports", Json.MAPPER.valueToTree(n.ports));
    }
    return new RunEvent(runId(), n.def.id(), n.def.type(), attempt, kind, now(), duration, input, out, error, data);
  }

  private void emit(RunEvent e) {
    if (recordEvents) pending.add(e);
  }

  /**
   * Writes this round's events (and publishes a changed status as search attributes); the run waits
   * here while the store is unreachable. Called before any workflow thread blocks.
   */
  private void flush() {
    publish();
    if (pending.isEmpty()) return;
    List<RunEvent> batch = List.copyOf(pending);
    pending.clear();
    eventWriter.record(batch);
  }

  /** The run's last event carries its final state, without node outputs (see {@link RunState#withoutNodeOutputs}). */
  private void runEnded(EventKind kind) {
    tasks.clear();
    if (!recordEvents) return;
    JsonNode finalState = Json.MAPPER.valueToTree(state().withoutNodeOutputs());
    emit(new RunEvent(runId(), RunEvent.RUN, null, 0, kind, endedAt, endedAt.toEpochMilli() - startedAt.toEpochMilli(),
        null, null, runError, finalState));
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
    Map<String, NodeState> nodes = new LinkedHashMap<>();
    List<String> waiting = new ArrayList<>();
    runs.forEach((id, r) -> {
      Task t = tasks.get(id);
      nodes.put(id, new NodeState(r.def.type(), r.status, r.attempts, r.startedAt, r.endedAt,
          r.status.done() ? r.ports : null, preview(r.output), r.error, t == null ? null : t.view()));
      if (t != null) waiting.add(id);
    });
    return new RunState(in == null ? null : runId(), in == null ? null : in.definition().workflowId(),
        in == null ? 0 : in.definition().version(), effectiveStatus(), startedAt, endedAt,
        in == null ? null : preview(in.input()), preview(output), runError, nodes, waiting, startedBy());
  }

  private JsonNode preview(JsonNode v) {
    return Previews.of(v, settings.statePreviewBytes());
  }
}
