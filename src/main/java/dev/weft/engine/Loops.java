package dev.weft.engine;

import dev.weft.definition.Json;
import dev.weft.engine.NodeExecutor.Outcome;
import dev.weft.expression.ExpressionEngine;
import dev.weft.expression.ExpressionException;
import dev.weft.expression.Scope;
import dev.weft.node.NodeResult;
import dev.weft.node.loop.LoopMode;
import dev.weft.node.loop.LoopNodeConfig;
import dev.weft.node.loop.OnItemError;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How a {@code loop} node runs: each iteration is a {@link Frame} of the body graph, scheduled by the
 * run's own loop ({@link RunWorkflowImpl#schedule}) in its own workflow thread and cancellation scope.
 * {@code forEach} keeps at most {@code concurrency} iterations in flight and puts each result in its
 * item's slot; {@code repeat} runs one after the other until {@code until} holds. When the run drains
 * for a continue-as-new, no iteration starts, the ones in flight stop at their own safe point, and the
 * loop answers {@link Outcome#suspended} with its progress. Owned by one {@link RunWorkflowImpl}.
 */
final class Loops {
  /** A dry run iterates over this many items at most. */
  static final int DRY_RUN_ITEMS = 3;

  private final RunWorkflowImpl run;
  /** The run's live node executions by key (what the state shows): an iteration's nodes while it runs. */
  private final Map<String, NodeRun> live;
  private final dev.weft.node.NodeRegistry registry;
  private final ExpressionEngine expressions;
  private final boolean sampling;
  private final EngineSettings settings;
  private final PayloadActivities payloads = Workflow.newLocalActivityStub(PayloadActivities.class,
      io.temporal.activity.LocalActivityOptions.newBuilder()
          .setStartToCloseTimeout(java.time.Duration.ofSeconds(60))
          .setRetryOptions(io.temporal.common.RetryOptions.newBuilder()
              .setInitialInterval(java.time.Duration.ofSeconds(1))
              .setMaximumInterval(java.time.Duration.ofMinutes(1))
              .setMaximumAttempts(Integer.MAX_VALUE)
              .build())
          .build());

  Loops(RunWorkflowImpl run, Map<String, NodeRun> live, dev.weft.node.NodeRegistry registry, ExpressionEngine expressions,
      boolean sampling, EngineSettings settings) {
    this.run = run;
    this.live = live;
    this.registry = registry;
    this.expressions = expressions;
    this.sampling = sampling;
    this.settings = settings;
  }

  /** The claim-check local activities (the store retries until it answers; a bad expression fails at once). */
  PayloadActivities payloads() {
    return payloads;
  }

  Outcome run(Frame f, NodeRun n, NodeScope scope) {
    LoopNodeConfig c = (LoopNodeConfig) n.composite;
    LoopProgress p = n.loop != null ? n.loop : new LoopProgress();
    n.loop = p;
    try {
      return c.mode() == LoopMode.REPEAT ? repeat(f, n, c, scope, p) : forEach(f, n, c, scope, p);
    } catch (CanceledFailure e) {
      return Outcome.cancelled();
    } catch (ExpressionException e) {
      return failed(e.code(), e.describe(), null);
    }
  }

  private Outcome forEach(Frame f, NodeRun n, LoopNodeConfig c, NodeScope scope, LoopProgress p) {
    JsonNode items;
    if (scope.nodes().values().stream().anyMatch(v -> ClaimCheck.isRef(v.output()))) {
      // The list is in an output stored outside history: evaluated where the store is.
      try {
        items = payloads.items(runId(), c.items(), scope);
      } catch (io.temporal.failure.ActivityFailure af) {
        if (af.getCause() instanceof io.temporal.failure.ApplicationFailure cause) {
          return failed(cause.getType(), cause.getOriginalMessage(), null);
        }
        throw af;
      }
    } else {
      items = expressions.evaluate(c.items(), "/config/items", scope.expressionScope(), false);
    }
    if (!items.isArray()) {
      return failed("loop.items_not_list", "`items` at /config/items (" + c.items() + ") gave "
          + (items.isNull() ? "null" : items.getNodeType().name().toLowerCase()) + ", not a list", null);
    }
    if (items.size() > LoopNodeConfig.MAX_ITEMS) {
      return failed("loop.too_many_items", "`items` gave " + items.size() + " items; a loop takes at most "
          + LoopNodeConfig.MAX_ITEMS + " (split the list upstream, or nest loops)", null);
    }
    int size = sampling ? Math.min(items.size(), DRY_RUN_ITEMS) : items.size();
    p.total = size;
    while (p.results.size() < size) p.results.add(null);
    int concurrency = c.concurrencyOrDefault();
    OnItemError onError = c.onItemErrorOrDefault();
    Map<Integer, Promise<FrameEnd>> inflight = new TreeMap<>();
    Map<Integer, CancellationScope> scopes = new TreeMap<>();
    NodeError failure = null;
    int[] seen = {run.wakes()};
    try {
      return forEach(n, c, items, size, p, concurrency, onError, inflight, scopes, f, seen);
    } catch (CanceledFailure e) {
      // A cancelled run: the iterations in flight end first (their nodes are marked cancelled), then the loop.
      settle(inflight);
      return Outcome.cancelled();
    }
  }

  /** Waits, outside the cancelled scope, until every iteration in flight has ended. */
  private static void settle(Map<Integer, Promise<FrameEnd>> inflight) {
    Workflow.newDetachedCancellationScope(
        () -> Workflow.await(() -> inflight.values().stream().allMatch(Promise::isCompleted))).run();
  }

  private Outcome forEach(NodeRun n, LoopNodeConfig c, JsonNode items, int size, LoopProgress p, int concurrency,
      OnItemError onError, Map<Integer, Promise<FrameEnd>> inflight, Map<Integer, CancellationScope> scopes, Frame f,
      int[] seen) {
    NodeError failure = null;
    while (true) {
      while (failure == null && !run.holding() && inflight.size() < concurrency) {
        int i;
        RunCarry.FrameCarry restore = null;
        if (!p.partial.isEmpty()) {
          i = p.partial.keySet().iterator().next();
          restore = p.partial.remove(i);
        } else if (p.next < size) {
          i = p.next++;
        } else {
          break;
        }
        Frame body = iteration(c.body(), f, i, items.get(i), restore);
        start(i, body, inflight, scopes);
        p.running++;
        run.checkBudget();
      }
      if (inflight.isEmpty()) {
        if (failure != null || (p.partial.isEmpty() && p.next >= size)) break;
        if (run.draining()) return Outcome.suspended(p);
      }
      run.flush();
      Workflow.await(() -> run.wakes() != seen[0] || inflight.values().stream().anyMatch(Promise::isCompleted));
      seen[0] = run.wakes();
      for (Iterator<Map.Entry<Integer, Promise<FrameEnd>>> it = inflight.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<Integer, Promise<FrameEnd>> e = it.next();
        int i = e.getKey();
        Promise<FrameEnd> pr = e.getValue();
        if (!pr.isCompleted()) continue;
        it.remove();
        scopes.remove(i);
        p.running--;
        FrameEnd end = pr.get();
        if (end.canceled()) continue;
        if (end.suspended()) {
          p.partial.put(i, end.carry());
        } else if (end.failed() == null) {
          p.results.set(i, end.result());
          p.completed++;
        } else {
          p.failed++;
          NodeError err = iterationError(i, end.failed());
          switch (onError) {
            case FAIL -> {
              if (failure == null) {
                failure = err;
                scopes.values().forEach(CancellationScope::cancel);
              }
            }
            case CONTINUE -> p.results.set(i, err.toJson());
            case COLLECT -> {
              ObjectNode o = Json.object();
              o.put("index", i);
              o.set("item", items.get(i));
              o.set("error", err.toJson());
              p.errors.add(o);
            }
          }
        }
      }
      if (CancellationScope.current().isCancelRequested()) {
        settle(inflight);
        return Outcome.cancelled();
      }
      run.checkBudget();
    }
    if (failure != null) return Outcome.failed(failure, 1);
    ArrayNode results = Json.MAPPER.createArrayNode();
    p.results.forEach(r -> results.add(r == null ? Json.MAPPER.nullNode() : r));
    if (onError != OnItemError.COLLECT) return done(n, results);
    ObjectNode out = Json.object();
    out.set("results", results);
    out.set("errors", Json.MAPPER.valueToTree(p.errors));
    return done(n, out);
  }

  /** The loop's output; a large one is stored outside history and referenced, like a large activity output. */
  private Outcome done(NodeRun n, JsonNode output) {
    if (Json.sizeOf(output) <= settings.claimCheckBytes()) return Outcome.ok(NodeResult.of(output), 1);
    return Outcome.ok(NodeResult.of(payloads.store(runId(), n.key, output)), 1);
  }

  private static String runId() {
    return Workflow.getInfo().getWorkflowId();
  }

  private Outcome repeat(Frame f, NodeRun n, LoopNodeConfig c, NodeScope scope, LoopProgress p) {
    int max = c.maxIterations();
    p.total = max;
    boolean exhausted = false;
    while (true) {
      int i = p.next;
      RunCarry.FrameCarry restore = p.partial.remove(i);
      if (restore == null) {
        if (i >= max) {
          exhausted = true;
          break;
        }
        run.checkBudget();
        if (run.holding()) {
          if (run.draining()) return Outcome.suspended(p);
          int seen = run.wakes();
          run.flush();
          Workflow.await(() -> run.wakes() != seen);
          continue;
        }
      }
      JsonNode previous = p.last == null ? Json.MAPPER.nullNode() : p.last;
      Frame body = iteration(c.body(), f, i, previous, restore);
      Map<Integer, Promise<FrameEnd>> inflight = new TreeMap<>();
      start(i, body, inflight, new TreeMap<>());
      p.running = 1;
      FrameEnd end;
      try {
        end = inflight.get(i).get();
      } catch (CanceledFailure e) {
        settle(inflight);
        return Outcome.cancelled();
      }
      p.running = 0;
      if (end.canceled()) return Outcome.cancelled();
      if (end.suspended()) {
        p.partial.put(i, end.carry());
        return Outcome.suspended(p);
      }
      if (end.failed() != null) {
        p.failed++;
        return Outcome.failed(iterationError(i, end.failed()), 1);
      }
      p.next++;
      p.completed++;
      p.last = end.result();
      if (Boolean.TRUE.equals(c.collect())) p.results.add(end.result());
      if (until(c, body, scope)) break;
    }
    ObjectNode out = Json.object();
    out.set("result", p.last == null ? Json.MAPPER.nullNode() : p.last);
    out.put("iterations", p.completed);
    out.put("exhausted", exhausted);
    if (Boolean.TRUE.equals(c.collect())) {
      ArrayNode all = out.putArray("results");
      p.results.forEach(all::add);
    }
    return done(n, out);
  }

  /**
   * {@code until} in the scope of the iteration that just ended: its nodes, the nodes before the loop,
   * the run's input and metadata, item and index.
   */
  private boolean until(LoopNodeConfig c, Frame body, NodeScope scope) {
    ExpressionEngine.Compiled compiled = expressions.compile(c.until(), false, true);
    Map<String, Scope.NodeView> nodes = new LinkedHashMap<>();
    for (Frame fr = body; fr != null; fr = fr.parent) {
      for (NodeRun r : fr.runs.values()) {
        if (compiled.referencedNodes().contains(r.def.id()) && r.status.done() && !nodes.containsKey(r.def.id())) {
          nodes.put(r.def.id(), new Scope.NodeView(r.status.name(), r.output));
        }
      }
    }
    JsonNode v = expressions.evaluate(c.until(), "/config/until",
        new Scope(scope.input() != null ? scope.input() : run.input(), nodes, scope.run(), body.item, body.index), false);
    if (!v.isBoolean()) {
      throw new ExpressionException("expr.not_boolean", c.until(), "/config/until",
          "gave " + (v.isNull() ? "null" : v.getNodeType().name().toLowerCase()) + ", not a boolean");
    }
    return v.booleanValue();
  }

  /** A loop body's frame for one iteration, its nodes shown while it runs; restored from a carry when cut half-way. */
  private Frame iteration(dev.weft.definition.SubGraph body, Frame parent, int index, JsonNode item,
      RunCarry.FrameCarry restore) {
    String suffix = (parent.iteration == null ? "" : parent.iteration) + "[" + index + "]";
    Frame f = new Frame(body.nodes(), body.edges(), parent, suffix, item, index,
        d -> NodeRun.of(d, registry, expressions, suffix));
    if (restore != null) f.restore(restore);
    f.runs.values().forEach(r -> live.put(r.key, r));
    return f;
  }

  /** Runs one iteration's frame to its end; its nodes leave the state with it (their events stay). */
  private FrameEnd iterate(Frame f) {
    try {
      return run.schedule(f);
    } catch (CanceledFailure e) {
      return FrameEnd.CANCELED;
    } finally {
      f.runs.values().forEach(r -> live.remove(r.key, r));
    }
  }

  private void start(int i, Frame body, Map<Integer, Promise<FrameEnd>> inflight, Map<Integer, CancellationScope> scopes) {
    CancellationScope s = Workflow.newCancellationScope(() -> inflight.put(i, Async.function(() -> iterate(body))));
    scopes.put(i, s);
    s.run();
  }

  /** An iteration's failure as the loop reports it: the node's code, with the item's index and the node's name. */
  private static NodeError iterationError(int i, NodeRun failedNode) {
    NodeError e = failedNode.error;
    ObjectNode d = Json.object();
    d.put("index", i);
    d.put("node", failedNode.key);
    if (e.details() != null) d.set("details", e.details());
    return new NodeError(e.code(), "item " + i + ": node '" + failedNode.key + "' failed: " + e.message(), d);
  }

  private static Outcome failed(String code, String message, JsonNode details) {
    return Outcome.failed(new NodeError(code, message, details), 1);
  }
}
