package dev.weft.node;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.TestRegistries;
import dev.weft.definition.Json;
import dev.weft.definition.NodeDef;
import dev.weft.engine.NodeInvoker;
import dev.weft.engine.NodeScope;
import dev.weft.expression.ExpressionEngine;
import dev.weft.expression.Scope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * Runs one node the way the engine does — templates resolved, config bound, type dispatched — through
 * {@link NodeInvoker}, with a hand-built scope: the run input, the nodes an expression may read and the
 * predecessors whose edges were taken.
 */
public final class NodeHarness {
  private static NodeInvoker shared;

  private final NodeInvoker invoker;
  private JsonNode input = NullNode.getInstance();
  private final Map<String, Scope.NodeView> nodes = new LinkedHashMap<>();
  private final List<String> taken = new ArrayList<>();
  private String timeout;
  private NodeInvoker.Clock clock;

  private NodeHarness(NodeInvoker invoker) {
    this.invoker = invoker;
  }

  /** The built-in node types. */
  public static synchronized NodeInvoker invoker() {
    if (shared == null) shared = new NodeInvoker(TestRegistries.registry(), new ExpressionEngine());
    return shared;
  }

  public static NodeHarness harness() {
    return new NodeHarness(invoker());
  }

  public static NodeHarness harness(NodeRegistry registry) {
    return new NodeHarness(new NodeInvoker(registry, new ExpressionEngine()));
  }

  public static JsonNode json(String text) {
    return Json.parse(text);
  }

  /** The run's input ({@code input}; the upstream value of a start node). */
  public NodeHarness input(String json) {
    this.input = Json.parse(json);
    return this;
  }

  /** A completed predecessor whose edge into the node was taken, in edge order. */
  public NodeHarness from(String id, String outputJson) {
    nodes.put(id, new Scope.NodeView("COMPLETED", Json.parse(outputJson)));
    taken.add(id);
    return this;
  }

  /** A node the expressions may read ({@code nodes.<id>}) without an edge into this one being taken. */
  public NodeHarness node(String id, String status, String outputJson) {
    nodes.put(id, new Scope.NodeView(status, outputJson == null ? null : Json.parse(outputJson)));
    return this;
  }

  public NodeHarness timeout(String timeout) {
    this.timeout = timeout;
    return this;
  }

  public NodeHarness clock(NodeInvoker.Clock clock) {
    this.clock = clock;
    return this;
  }

  public NodeResult run(String type, String configJson) {
    JsonNode config = configJson == null ? null : Json.parse(configJson);
    NodeDef def = new NodeDef("n", type, null, config, timeout, null, null);
    NodeScope scope = new NodeScope(input, nodes, Json.parse("{\"id\": \"run-1\", \"workflowId\": \"wf\", \"version\": 1}"),
        taken);
    return invoker.invoke("run-1", def, scope, clock);
  }

  /** Runs the node and returns the {@link NodeFailure} it must throw. */
  public NodeFailure failure(String type, String configJson) {
    Throwable[] caught = new Throwable[1];
    assertThatThrownBy(() -> run(type, configJson))
        .isInstanceOf(NodeFailure.class)
        .satisfies(t -> caught[0] = t);
    return (NodeFailure) caught[0];
  }
}
