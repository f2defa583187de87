package dev.weft.agent.generate;

import dev.weft.definition.EdgeDef;
import dev.weft.definition.Graph;
import dev.weft.definition.Json;
import dev.weft.definition.NodeDef;
import dev.weft.definition.OnError;
import dev.weft.definition.WorkflowDefinition;
import dev.weft.engine.NodeInvoker;
import dev.weft.engine.NodeScope;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeRegistry;
import dev.weft.node.NodeResult;
import dev.weft.node.WaitNodeType;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.node.ObjectNode;

/**
 * How one dry run explores a definition: every node leaves on <em>every</em> port its edges use, so one
 * run reaches every branch. A node is <em>naturally</em> reached when a path of ports its predecessors
 * really chose leads to it (an {@code if} whose condition held, an approval either way, a sample's
 * ports); otherwise it runs only because a branch was forced open, and its failure (say, reading a field
 * its branch's condition guards) becomes a warning with an error-object output instead of failing the run.
 *
 * <p>Deterministic as the interpreter requires: its state depends only on the nodes' inputs and results,
 * and re-recording the same node (a replay for a query) records the same values.
 */
final class SampleRun implements NodeInvoker.Sampling {
  /**
   * A failure the run went on after: in a node only a forced branch reached, or one whose
   * {@code onError} is {@code continue} or {@code branch}.
   */
  record Tolerated(String code, String message, boolean forced) {}

  private final Graph graph;
  private final NodeRegistry registry;
  /** The ports each naturally reached node really chose; absent = not (yet) naturally reached. */
  private final Map<String, Set<String>> natural = new ConcurrentHashMap<>();
  private final Map<String, Tolerated> tolerated = new ConcurrentHashMap<>();

  SampleRun(WorkflowDefinition def, NodeRegistry registry) {
    this.graph = new Graph(def);
    this.registry = registry;
  }

  boolean naturallyReached(String nodeId) {
    return natural.containsKey(nodeId);
  }

  Map<String, Tolerated> tolerated() {
    return Map.copyOf(tolerated);
  }

  @Override
  public NodeResult completed(NodeDef node, NodeScope scope, NodeResult result, List<String> offered) {
    if (isNatural(node, scope)) {
      Set<String> chosen = new LinkedHashSet<>(result.ports());
      // People may decide either way: every port of a node that asks them is a real outcome.
      if (registry.get(node.type()).type() instanceof WaitNodeType<?> w && w.asksPeople()) {
        offered.stream().filter(p -> !"error".equals(p)).forEach(chosen::add);
      }
      natural.put(node.id(), chosen);
    }
    Set<String> ports = new LinkedHashSet<>(result.ports());
    ports.addAll(offered);
    return new NodeResult(result.output(), List.copyOf(ports), result.responseStatus());
  }

  @Override
  public NodeResult failed(NodeDef node, NodeScope scope, NodeFailure failure) {
    boolean isNatural = isNatural(node, scope);
    if (isNatural) {
      // A real failure: the interpreter handles it by the node's onError, as in a run.
      OnError mode = node.onErrorMode();
      if (mode == OnError.CONTINUE || mode == OnError.BRANCH) {
        natural.put(node.id(), Set.of(mode == OnError.BRANCH ? "error" : EdgeDef.MAIN));
        tolerated.put(node.id(), new Tolerated(failure.code(), failure.getMessage(), false));
      }
      throw failure;
    }
    tolerated.put(node.id(), new Tolerated(failure.code(), failure.getMessage(), true));
    ObjectNode error = Json.object();
    error.put("code", failure.code());
    error.put("message", failure.getMessage());
    // The config may not even bind: the edges say where to go on.
    Set<String> ports = new LinkedHashSet<>();
    graph.outgoing(node.id()).forEach(e -> ports.add(e.portOrMain()));
    return new NodeResult(error, List.copyOf(ports), null);
  }

  private boolean isNatural(NodeDef node, NodeScope scope) {
    List<EdgeDef> in = graph.incoming(node.id());
    if (in.isEmpty()) return true;
    for (EdgeDef e : in) {
      Set<String> chosen = natural.get(e.from());
      if (chosen != null && scope.takenSources().contains(e.from()) && chosen.contains(e.portOrMain())) return true;
    }
    return false;
  }
}
