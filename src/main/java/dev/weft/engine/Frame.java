package dev.weft.engine;

import dev.weft.definition.EdgeDef;
import dev.weft.definition.Graph;
import dev.weft.definition.NodeDef;
import io.temporal.workflow.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import dev.weft.definition.Json;
import dev.weft.expression.Scope;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One graph being scheduled: the run's own, or one iteration of a loop body (nested in the frame of its
 * loop node). Holds the graph's node bookkeeping, which edges were taken and the nodes in flight; the
 * scheduling loop ({@link RunWorkflowImpl}) drives it. Nodes of a body read the nodes of their own frame
 * first, then those of the enclosing frames.
 */
final class Frame {
  final Graph graph;
  final List<EdgeDef> edges;
  /** The frame of the loop node this body iteration belongs to; null for the run's own graph. */
  final Frame parent;
  /** The iteration's suffix ({@code [3]}, {@code [2][5]} nested); null for the run's own graph. */
  final String iteration;
  final JsonNode item;
  final Integer index;
  final Map<String, NodeRun> runs = new LinkedHashMap<>();
  final Map<EdgeDef, Boolean> edgeTaken = new HashMap<>();
  final List<String> order;
  final Map<String, Promise<NodeExecutor.Outcome>> running = new TreeMap<>();
  /** The last wake-up ({@code pause}, {@code resume}, a drain) this frame's loop has seen. */
  int wakeSeen;

  Frame(List<NodeDef> nodes, List<EdgeDef> edges, Frame parent, String iteration, JsonNode item, Integer index,
      Function<NodeDef, NodeRun> newRun) {
    this.graph = new Graph(nodes, edges);
    this.edges = edges;
    this.parent = parent;
    this.iteration = iteration;
    this.item = item;
    this.index = index;
    for (NodeDef n : nodes) runs.put(n.id(), newRun.apply(n));
    this.order = runs.keySet().stream().sorted().toList();
  }

  boolean resolved(String id) {
    return graph.incoming(id).stream().allMatch(edgeTaken::containsKey);
  }

  boolean taken(EdgeDef e) {
    return Boolean.TRUE.equals(edgeTaken.get(e));
  }

  /** Whether some node could start now (it is held back by a pause or a drain). */
  boolean anyReady() {
    return runs.entrySet().stream().anyMatch(e -> e.getValue().status == NodeStatus.PENDING && resolved(e.getKey()));
  }

  /**
   * The scope of a node of this frame: only what it reads (the nodes its expressions reference, in this
   * frame first and then in the frames around it, the sources of its taken edges, the input when used)
   * and, in a loop body, the iteration. Sent to activities, it keeps history small; and a control node
   * runs as an activity only when something it reads is claim-checked.
   */
  NodeScope scope(NodeRun n, JsonNode input, JsonNode runInfo) {
    List<String> taken = new ArrayList<>();
    for (EdgeDef e : graph.incoming(n.def.id())) {
      if (taken(e) && !taken.contains(e.from())) taken.add(e.from());
    }
    Map<String, Scope.NodeView> nodes = new LinkedHashMap<>();
    for (Frame fr = this; fr != null; fr = fr.parent) {
      for (NodeRun r : fr.runs.values()) {
        boolean needed = n.refs.contains(r.def.id()) || (fr == this && taken.contains(r.def.id()));
        if (needed && r.status.done() && !nodes.containsKey(r.def.id())) {
          nodes.put(r.def.id(), new Scope.NodeView(r.status.name(), r.output));
        }
      }
    }
    boolean withInput = n.readsInput || taken.isEmpty();
    return new NodeScope(withInput ? input : null, nodes, runInfo, taken, index == null ? null : item, index, iteration);
  }

  /** The outputs of the terminal nodes (no outgoing edge) that completed or failed with an output, by id. */
  ObjectNode terminalOutputs() {
    ObjectNode o = Json.object();
    for (NodeRun r : runs.values()) {
      if (graph.outgoing(r.def.id()).isEmpty() && r.output != null
          && (r.status == NodeStatus.COMPLETED || r.status == NodeStatus.FAILED)) {
        o.set(r.def.id(), r.output);
      }
    }
    return o;
  }

  /**
   * The frame's result as a loop sees it: the output of its one terminal node (no outgoing edge) that
   * completed or failed with an output, or an object of them by id when there are several.
   */
  JsonNode result() {
    ObjectNode out = terminalOutputs();
    return out.size() == 1 ? out.values().iterator().next() : out;
  }

  /** The frame at a safe point (nothing in flight), keeping only the outputs still to be read. */
  RunCarry.FrameCarry carry() {
    java.util.Set<String> needed = new java.util.HashSet<>();
    for (NodeRun r : runs.values()) {
      if (!r.status.done()) {
        needed.addAll(r.refs);
        graph.incoming(r.def.id()).forEach(e -> needed.add(e.from()));
      }
      if (graph.outgoing(r.def.id()).isEmpty()) needed.add(r.def.id());
    }
    Map<String, RunCarry.NodeCarry> nodes = new LinkedHashMap<>();
    runs.forEach((id, r) -> nodes.put(id, new RunCarry.NodeCarry(r.status, r.attempts, r.startedAt, r.endedAt,
        r.status.done() ? r.ports : null, needed.contains(id) ? r.output : null, r.error, r.waits, r.decisions, r.reminders,
        // Only a loop cut half-way carries its progress; an ended one has its output.
        r.loop == null || r.status.done() ? null : r.loop.carry())));
    List<Boolean> taken = new ArrayList<>();
    for (EdgeDef e : edges) taken.add(edgeTaken.get(e));
    return new RunCarry.FrameCarry(nodes, taken);
  }

  /** Puts back the state a continued run carried. */
  void restore(RunCarry.FrameCarry c) {
    c.nodes().forEach((id, n) -> {
      NodeRun r = runs.get(id);
      if (r == null) return;
      r.status = n.status();
      r.attempts = n.attempts();
      r.startedAt = n.startedAt();
      r.endedAt = n.endedAt();
      r.ports = n.ports() == null ? List.of() : n.ports();
      r.output = n.output();
      r.error = n.error();
      r.waits = n.waits();
      r.decisions = n.decisions();
      r.reminders = n.reminders();
      if (n.loop() != null) r.loop = LoopProgress.of(n.loop());
    });
    for (int i = 0; i < edges.size() && i < c.edges().size(); i++) {
      if (c.edges().get(i) != null) edgeTaken.put(edges.get(i), c.edges().get(i));
    }
  }
}
