package dev.weft.engine;

import dev.weft.definition.NodeDef;
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

  /** A node's bookkeeping at the start of a run, with the nodes and input its expressions (or its code) read. */
  static NodeRun of(NodeDef n, NodeRegistry registry, ExpressionEngine expressions) {
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
    return new NodeRun(n, entry.type().kind(), refs, readsInput);
  }
}
