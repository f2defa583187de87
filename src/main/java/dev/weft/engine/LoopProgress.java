package dev.weft.engine;

import dev.weft.definition.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A loop node's progress while it runs: the next iteration to start, the results so far, the errors
 * collected, the iterations in flight and, after a continue-as-new, the iterations cut half-way. Owned
 * by the loop's {@link NodeRun}; {@link #carry()} and {@link #of} cross the continue-as-new boundary.
 */
final class LoopProgress {
  int next;
  /** forEach: one slot per item (null until its iteration ends); repeat with collect: every result. */
  final List<JsonNode> results = new ArrayList<>();
  final List<JsonNode> errors = new ArrayList<>();
  /** Iterations cut half-way by a continue-as-new, by index: resumed before new ones start. */
  final Map<Integer, RunCarry.FrameCarry> partial = new TreeMap<>();
  /** repeat: the last iteration's result. */
  JsonNode last;
  int completed;
  int failed;
  int running;
  /** forEach: how many items; repeat: maxIterations. */
  int total;

  RunCarry.LoopCarry carry() {
    return new RunCarry.LoopCarry(next, List.copyOf(results.stream().map(r -> r == null ? Json.MAPPER.nullNode() : r).toList()),
        List.copyOf(errors), Map.copyOf(partial), last, completed, failed);
  }

  static LoopProgress of(RunCarry.LoopCarry c) {
    LoopProgress p = new LoopProgress();
    if (c == null) return p;
    p.next = c.next();
    if (c.results() != null) p.results.addAll(c.results());
    if (c.errors() != null) p.errors.addAll(c.errors());
    if (c.partial() != null) p.partial.putAll(c.partial());
    p.last = c.last();
    p.completed = c.completed();
    p.failed = c.failed();
    return p;
  }

  /** How the {@code state} query shows the loop: {@code {total, completed, failed, running}}. */
  JsonNode view() {
    ObjectNode o = Json.object();
    o.put("total", total);
    o.put("completed", completed);
    o.put("failed", failed);
    o.put("running", running);
    return o;
  }
}
