package dev.weft.engine;

import dev.weft.definition.EdgeDef;
import dev.weft.definition.Json;
import dev.weft.definition.NodeDef;
import dev.weft.node.HumanTask;
import dev.weft.node.NodeRegistry;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The run's open human tasks, by node id: opening and closing them (with their {@code node_waiting},
 * decision, escalation and reminder events), the {@code decide} update and its read-only validator,
 * {@code onError: ask} (the operators choose retry, skip or stop) and each task's view in the
 * {@code state} query. Owned by one {@link RunWorkflowImpl} instance; decisions queue on a task until
 * its node takes them. Workflow code: waits are {@link Workflow#await}, times {@link Workflow}'s clock.
 */
final class HumanTasks {
  static final String ACTION_RETRY = "retry";
  static final String ACTION_SKIP = "skip";
  static final String ACTION_STOP = "stop";

  /** Who answers {@code onError: ask}: the run's operators. */
  static final String ASK_ASSIGNEES = "role:operator";

  private final RunEvents events;
  /** Writes the round's events (and publishes the status) before a task waits. */
  private final Runnable flush;
  private final Map<String, NodeRun> runs;
  private final NodeRegistry registry;
  private final EngineSettings settings;
  /** Open human tasks by node key (the node id, with the iteration inside a loop body). */
  private final Map<String, Task> tasks = new TreeMap<>();
  private RunInput in;

  HumanTasks(RunEvents events, Runnable flush, Map<String, NodeRun> runs, NodeRegistry registry, EngineSettings settings) {
    this.events = events;
    this.flush = flush;
    this.runs = runs;
    this.registry = registry;
    this.settings = settings;
  }

  /** The run's input: who started it, which workflow. */
  void start(RunInput input) {
    this.in = input;
  }

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
      flush.run();
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
      events.emit(new RunEvent(runId(), node.key, node.def.type(), d.ordinal(), EventKind.NODE_DECISION, d.at(), null,
          d.config(), Previews.of(d.values(), settings.statePreviewBytes()), null, data));
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
      events.emit(new RunEvent(runId(), node.key, node.def.type(), ordinal, EventKind.NODE_ESCALATED, now(), null, null,
          null, null, data));
    }

    @Override
    public void remind(JsonNode details) {
      ObjectNode data = details instanceof ObjectNode o ? o.deepCopy() : Json.object();
      data.set("assignees", Json.MAPPER.valueToTree(assignees));
      if (due != null) data.put("due", due.toString());
      data.put("task", ordinal);
      events.emit(new RunEvent(runId(), node.key, node.def.type(), ++node.reminders, EventKind.NODE_REMINDER, now(), null,
          null, null, null, data));
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

  /** Opens a task for a node, which waits for people until the task closes. */
  HumanTask open(NodeRun n, HumanTask.Spec spec) {
    Task t = new Task(n, spec, ++n.waits);
    tasks.put(n.key, t);
    n.status = NodeStatus.WAITING;
    ObjectNode data = (ObjectNode) t.view();
    data.remove("decisions");
    if (startedBy() != null) data.put("startedBy", startedBy());
    data.put("workflowId", in.definition().workflowId());
    events.emit(new RunEvent(runId(), n.key, n.def.type(), t.ordinal, EventKind.NODE_WAITING, now(), null, n.inputPreview,
        null, null, data));
    return t;
  }

  private void close(Task t) {
    t.closed = true;
    tasks.remove(t.node.key, t);
    if (t.node.status == NodeStatus.WAITING) t.node.status = NodeStatus.RUNNING;
  }

  /** Closes the node's open task, if any: the node stopped waiting. */
  void closeOpen(NodeRun n) {
    Task open = tasks.get(n.key);
    if (open != null) close(open);
  }

  /**
   * After a node's retries are exhausted ({@code onError: ask}): its operators choose retry, skip or
   * stop. Skip is offered only when the node's {@code outgoing} edges all leave from its main port.
   */
  HumanTask.Decision askOperators(NodeRun n, NodeError error, int attempts, NodeDef current, List<EdgeDef> outgoing) {
    n.error = error;
    n.attempts = Math.max(n.attempts, attempts);
    ObjectNode details = Json.object();
    details.set("error", error.toJson());
    details.put("attempts", attempts);
    details.set("config", current.config());
    // A skipped node continues on its main port: offered only when its edges leave from there.
    boolean skippable = outgoing.stream().allMatch(e -> EdgeDef.MAIN.equals(e.portOrMain()));
    List<String> actions = skippable ? List.of(ACTION_RETRY, ACTION_SKIP, ACTION_STOP) : List.of(ACTION_RETRY, ACTION_STOP);
    Task t = (Task) open(n, new HumanTask.Spec(HumanTask.Kind.ASK, "Node '" + n.key + "' failed: " + error.code(),
        error.message(), List.of(ASK_ASSIGNEES), actions, true, null, null, details));
    try {
      HumanTask.Decision d = t.next(null).orElseThrow();
      ObjectNode answer = Json.object();
      answer.put("nodeId", n.key);
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

  /** The {@code decide} update's validator: read-only. */
  void validateDecide(HumanInput h) {
    NodeRun n = h.nodeId() == null ? null : runs.get(h.nodeId());
    HumanTaskRules.Snapshot snapshot = null;
    if (n != null) {
      Task t = tasks.get(h.nodeId());
      snapshot = t == null || t.closed
          ? new HumanTaskRules.Snapshot(n.def.type(), n.status, List.of(), List.of(), false, null, List.of(), false)
          : new HumanTaskRules.Snapshot(n.def.type(), n.status, t.assignees, t.spec.actions(), t.spec.allowSelf(),
              t.spec.schema(), t.decidedBy(), true);
    }
    HumanTaskRules.check(h.nodeId(), snapshot, h, startedBy(), registry, settings.claimCheckBytes());
  }

  /** The {@code decide} update: queues the decision and answers once the node has taken it. */
  JsonNode decide(HumanInput h) {
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

  boolean isEmpty() {
    return tasks.isEmpty();
  }

  /** The nodes waiting for people, in id order. */
  List<String> waitingNodes() {
    return List.copyOf(tasks.keySet());
  }

  /** The open task of a node as the {@code state} query shows it, or {@code null}. */
  JsonNode view(String nodeId) {
    Task t = tasks.get(nodeId);
    return t == null ? null : t.view();
  }

  /** The run ended: no task is open any more. */
  void clear() {
    tasks.clear();
  }

  String startedBy() {
    return in == null ? null : in.startedBy();
  }

  private static String runId() {
    return Workflow.getInfo().getWorkflowId();
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
