package dev.weft.engine;

import dev.weft.definition.NodeDef;
import dev.weft.expression.ExpressionEngine;
import dev.weft.expression.ExpressionException;
import dev.weft.expression.Scope;
import dev.weft.expression.TemplateResolver;
import dev.weft.node.ActivityNodeType;
import dev.weft.node.CompositeNodeType;
import dev.weft.node.ControlNodeType;
import dev.weft.node.HumanTask;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeRegistry;
import dev.weft.node.NodeResult;
import dev.weft.node.NodeType;
import dev.weft.node.WaitContext;
import dev.weft.node.WaitNodeType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import dev.weft.definition.OnError;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs one node: resolves the templates of its config against its scope, binds the config record and
 * calls the type. Shared by the workflow (control and wait nodes) and the activity (I/O nodes), so a
 * node behaves the same wherever it runs.
 */
public final class NodeInvoker {
  /** A loop or sub-workflow asked to run alone (test-one-node): only a run schedules them. */
  public static final String COMPOSITE_ALONE = "node.composite_alone";
  private final NodeRegistry registry;
  private final ExpressionEngine expressions;
  private final TemplateResolver templates;
  private final Sampling sampling;

  /** Durable time, supplied by the workflow for wait nodes. */
  public interface Clock {
    Instant now();

    void sleep(Duration d);

    HumanTask openTask(HumanTask.Spec spec);
  }

  /**
   * The dry run's hook (see {@link #sampling}): sees every node's result or failure, and may reshape it.
   * Called inside the workflow for control and wait nodes, so it must be deterministic too.
   */
  public interface Sampling {
    /** @param offered the ports the node's config offers ({@code error} included under {@code onError: branch}) */
    NodeResult completed(NodeDef node, NodeScope scope, NodeResult result, List<String> offered);

    /** Returns a substitute result, or throws (usually {@code failure}) to fail the node. */
    NodeResult failed(NodeDef node, NodeScope scope, NodeFailure failure);
  }

  public NodeInvoker(NodeRegistry registry, ExpressionEngine expressions) {
    this(registry, expressions, null);
  }

  private NodeInvoker(NodeRegistry registry, ExpressionEngine expressions, Sampling sampling) {
    this.registry = registry;
    this.expressions = expressions;
    this.templates = new TemplateResolver(expressions);
    this.sampling = sampling;
  }

  /**
   * An invoker for dry runs: templates and expressions resolve exactly as in a run, but activity nodes
   * answer with {@link ActivityNodeType#sample} instead of doing I/O, and {@code sampling} sees each outcome.
   */
  public static NodeInvoker sampling(NodeRegistry registry, ExpressionEngine expressions, Sampling sampling) {
    return new NodeInvoker(registry, expressions, java.util.Objects.requireNonNull(sampling));
  }

  public NodeRegistry registry() {
    return registry;
  }

  /** Whether this is a dry run's invoker: activities answer samples, and loops iterate over a few items. */
  public boolean isSampling() {
    return sampling != null;
  }

  /**
   * A node's config with its templates resolved against {@code scope} and bound to its record: how the
   * interpreter reads the config of a node it runs itself (a sub-workflow's input).
   *
   * @throws NodeFailure when an expression does not evaluate, or the resolved config does not bind
   */
  public Record resolveConfig(NodeDef node, NodeScope scope) {
    NodeRegistry.Entry entry = registry.get(node.type());
    try {
      JsonNode resolved = templates.resolve(node.config(), "/config", scope.expressionScope(),
          rel -> entry.shape().fieldAt(rel).isPresent(), entry.shape()::isLiteral);
      return registry.bind(entry.type(), resolved);
    } catch (ExpressionException e) {
      throw new NodeFailure(e.code(), e.describe(), false);
    }
  }

  /** What a node receives from upstream (see {@link NodeContext#upstream}). */
  public JsonNode upstream(NodeScope scope) {
    return new Context(null, null, scope, null, null).upstream();
  }

  /**
   * @param clock needed for wait nodes only
   * @throws NodeFailure for expected failures, including expression errors ({@code expr.*})
   */
  public NodeResult invoke(String runId, NodeDef node, NodeScope scope, Clock clock) {
    if (sampling == null) return resolveAndCall(runId, node, scope, clock);
    try {
      return resolveAndCall(runId, node, scope, clock);
    } catch (NodeFailure f) {
      return sampling.failed(node, scope, f);
    }
  }

  private NodeResult resolveAndCall(String runId, NodeDef node, NodeScope scope, Clock clock) {
    NodeRegistry.Entry entry = registry.get(node.type());
    Scope exprScope = scope.expressionScope();
    JsonNode resolved;
    try {
      resolved = templates.resolve(node.config(), "/config", exprScope,
          rel -> entry.shape().fieldAt(rel).isPresent(), entry.shape()::isLiteral);
    } catch (ExpressionException e) {
      throw new NodeFailure(e.code(), e.describe(), false);
    }
    return call(entry.type(), resolved, new Context(runId, node, scope, exprScope, clock));
  }

  private <C extends Record> NodeResult call(NodeType<C> type, JsonNode config, Context ctx) {
    C bound = registry.bind(type, config);
    NodeResult r;
    try {
      r = switch (type) {
        case ControlNodeType<C> c -> c.evaluate(bound, ctx);
        case ActivityNodeType<C> a -> sampling == null ? a.execute(bound, ctx) : a.sample(bound, ctx);
        case WaitNodeType<C> w -> w.await(bound, ctx);
        case CompositeNodeType<C> g -> throw new NodeFailure(COMPOSITE_ALONE,
            "a " + type.id() + " node runs other nodes: it runs only as part of a run", false);
      };
    } catch (ExpressionException e) {
      throw new NodeFailure(e.code(), e.describe(), false);
    }
    if (sampling == null) return r;
    List<String> offered = new ArrayList<>(type.ports(bound));
    if (ctx.node.onErrorMode() == OnError.BRANCH) offered.add("error");
    return sampling.completed(ctx.node, ctx.scope, r, offered);
  }

  private final class Context implements WaitContext {
    private final String runId;
    private final NodeDef node;
    private final NodeScope scope;
    private final Scope exprScope;
    private final Clock clock;

    Context(String runId, NodeDef node, NodeScope scope, Scope exprScope, Clock clock) {
      this.runId = runId;
      this.node = node;
      this.scope = scope;
      this.exprScope = exprScope;
      this.clock = clock;
    }

    @Override
    public String runId() {
      return runId;
    }

    @Override
    public String nodeId() {
      return node.id();
    }

    /**
     * {@code <run id>/<node id>}: the run id is the Temporal workflow id the activity receives in
     * {@link ActivityInput#runId()}, the same for every attempt, after a worker crash and after an
     * {@code onError: ask} retry, so no workflow command is involved. Inside a loop body the iteration
     * is part of it: {@code <run id>/<node id>[<index>]}, so each iteration is its own call.
     */
    @Override
    public String idempotencyKey() {
      return runId + "/" + scope.key(node.id());
    }

    @Override
    public JsonNode item() {
      return scope.index() == null ? null : scope.item() == null ? JsonNodeFactory.instance.nullNode() : scope.item();
    }

    @Override
    public Integer index() {
      return scope.index();
    }

    @Override
    public Duration timeout() {
      return node.timeoutOrDefault();
    }

    @Override
    public JsonNode run() {
      return scope.run() == null ? JsonNodeFactory.instance.objectNode() : scope.run();
    }

    @Override
    public Map<String, JsonNode> nodes() {
      Map<String, JsonNode> out = new LinkedHashMap<>();
      scope.nodes().forEach((id, v) -> {
        ObjectNode view = JsonNodeFactory.instance.objectNode();
        view.set("output", v.output() == null ? JsonNodeFactory.instance.nullNode() : v.output());
        view.put("status", v.status());
        out.put(id, view);
      });
      return out;
    }

    @Override
    public JsonNode upstream() {
      Map<String, JsonNode> in = incoming();
      if (scope.takenSources().isEmpty()) {
        return scope.input() == null ? JsonNodeFactory.instance.nullNode() : scope.input();
      }
      if (in.size() == 1) return in.values().iterator().next();
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      in.forEach(o::set);
      return o;
    }

    @Override
    public Map<String, JsonNode> incoming() {
      Map<String, JsonNode> in = new LinkedHashMap<>();
      for (String src : scope.takenSources()) {
        Scope.NodeView v = scope.nodes().get(src);
        in.put(src, v == null || v.output() == null ? JsonNodeFactory.instance.nullNode() : v.output());
      }
      return in;
    }

    @Override
    public JsonNode evaluate(String expression, String field, JsonNode item) {
      Scope s = item == null ? exprScope : exprScope.withItem(item);
      // Raw-expression fields arrive already unwrapped from {{ }} by the template resolver.
      return expressions.evaluate(expression, "/config" + field, s, item != null);
    }

    @Override
    public Instant now() {
      requireClock();
      return clock.now();
    }

    @Override
    public void sleep(Duration d) {
      requireClock();
      clock.sleep(d);
    }

    @Override
    public HumanTask openTask(HumanTask.Spec spec) {
      requireClock();
      return clock.openTask(spec);
    }

    private void requireClock() {
      if (clock == null) throw new IllegalStateException("node '" + node.id() + "' waits, but runs outside the workflow");
    }
  }
}
