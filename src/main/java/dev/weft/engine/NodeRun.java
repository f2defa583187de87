package dev.weft.engine;

import dev.weft.definition.NodeDef;
import dev.weft.definition.SubGraph;
import dev.weft.node.loop.LoopNodeConfig;
import dev.weft.expression.ExpressionEngine;
import dev.weft.expression.ExpressionException;
import dev.weft.node.ConfigShape;
import dev.weft.node.NodeKind;
import dev.weft.node.NodeRegistry;
import io.temporal.workflow.CancellationScope;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Mutable bookkeeping of one node in one run: what it reads, its status, attempts, times, chosen ports,
 * output and error, and the counters of its repeatable events. Owned by the run's {@link RunWorkflowImpl}; read
 * and updated by the workflow's helpers ({@link HumanTasks}, {@link RunEvents}, {@link RunStateView}).
 */
final class NodeRun {
  final NodeDef def;
  /**
   * The name of this execution of the node in the run: its id at the top level, the id and the
   * iteration inside a loop body ({@code charge[3]}, {@code charge[2][5]} in a nested loop). Events,
   * the {@code state} query, human tasks and decisions use it.
   */
  final String key;
  /** A loop node's or a subworkflow node's bound config; null for other nodes. */
  final Record composite;
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
  /** Its activity could not write its output's event in time: the workflow's node_completed carries it. */
  boolean unrecorded;
  /** Its last execution outside the workflow was a local activity (else an activity). */
  boolean local;
  /** What the node read, as its events show it. */
  JsonNode inputPreview;
  /** Counters of the node's repeatable events: {@code node_waiting}, decisions, reminders. */
  int waits;
  int decisions;
  int reminders;
  /** A loop's progress while it runs, and the progress a continued run resumes it from. */
  LoopProgress loop;

  /** Whether its activity wrote its output in its attempt event, so that the workflow's events do not repeat it. */
  boolean outputLogged() {
    return offloaded && !unrecorded;
  }

  NodeRun(NodeDef def, String key, NodeKind kind, Set<String> refs, boolean readsInput, Record composite) {
    this.def = def;
    this.key = key;
    this.kind = kind;
    this.refs = refs;
    this.readsInput = readsInput;
    this.composite = composite;
  }

  /** A node's bookkeeping at the start of a run, with the nodes and input its expressions (or its code) read. */
  static NodeRun of(NodeDef n, NodeRegistry registry, ExpressionEngine expressions) {
    return of(n, registry, expressions, null);
  }

  /**
   * A node's bookkeeping in a graph: the run's own ({@code iteration} null) or a loop body's in one
   * iteration ({@code iteration} {@code [3]}: its expressions see {@code item} and {@code index}).
   * A loop node also reads what its body reads from outside the body.
   */
  static NodeRun of(NodeDef n, NodeRegistry registry, ExpressionEngine expressions, String iteration) {
    NodeRegistry.Entry entry = registry.get(n.type());
    Set<String> refs = new LinkedHashSet<>();
    boolean[] readsInput = {false};
    collectReads(n, entry, expressions, iteration != null, refs, readsInput);
    Record composite = null;
    if (entry.type().kind() == NodeKind.COMPOSITE) {
      try {
        composite = registry.bind(entry.type(), n.config());
      } catch (RuntimeException e) {
        // Saved definitions bind; the node fails with config.invalid when it runs otherwise.
        composite = null;
      }
      if (composite instanceof LoopNodeConfig loop && loop.body() != null) {
        Set<String> inner = new LinkedHashSet<>();
        Set<String> bodyIds = new LinkedHashSet<>();
        bodyReads(loop.body(), registry, expressions, inner, bodyIds, readsInput);
        inner.removeAll(bodyIds);
        refs.addAll(inner);
      }
    }
    return new NodeRun(n, iteration == null ? n.id() : n.id() + iteration, entry.type().kind(), refs, readsInput[0], composite);
  }

  private static void collectReads(NodeDef n, NodeRegistry.Entry entry, ExpressionEngine expressions, boolean inLoop,
      Set<String> refs, boolean[] readsInput) {
    for (ConfigShape.Found f : entry.shape().expressionsIn(n.config())) {
      if (f.error() != null) continue;
      try {
        ExpressionEngine.Compiled c = expressions.compile(f.expression(), f.perItem(), inLoop);
        refs.addAll(c.referencedNodes());
        readsInput[0] |= c.readsInput();
      } catch (ExpressionException e) {
        // Reported when the node runs, with its path.
      }
    }
    // Only code nodes read nodes outside expressions; recorded histories have none, so this replays unchanged.
    refs.addAll(entry.type().reads(n.config()));
  }

  /** What the nodes of a loop body (and of the loops nested in it) read, and their ids. */
  private static void bodyReads(SubGraph body, NodeRegistry registry, ExpressionEngine expressions, Set<String> refs,
      Set<String> ids, boolean[] readsInput) {
    for (NodeDef b : body.nodes()) {
      ids.add(b.id());
      NodeRegistry.Entry e = registry.find(b.type()).orElse(null);
      if (e == null) continue;
      collectReads(b, e, expressions, true, refs, readsInput);
      if (e.type().kind() != NodeKind.COMPOSITE) continue;
      try {
        if (registry.bind(e.type(), b.config()) instanceof LoopNodeConfig inner && inner.body() != null) {
          bodyReads(inner.body(), registry, expressions, refs, ids, readsInput);
        }
      } catch (RuntimeException ex) {
        // As above: reported when the node runs.
      }
    }
  }
}
