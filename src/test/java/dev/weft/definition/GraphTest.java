package dev.weft.definition;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The node graph: edges per node, start nodes, ancestors, reachability and cycles (Tarjan). */
class GraphTest {

  private static Graph graph(List<String> ids, String... edges) {
    List<NodeDef> nodes = ids.stream().map(id -> new NodeDef(id, "set", null, Json.object(), null, null, null)).toList();
    List<EdgeDef> es = Arrays.stream(edges).map(GraphTest::edge).toList();
    return new Graph(new WorkflowDefinition(null, "g", null, TriggerDef.MANUAL, nodes, es));
  }

  /** {@code "a>b"} or {@code "a:port>b"}. */
  private static EdgeDef edge(String spec) {
    String[] fromTo = spec.split(">", -1);
    String[] fromPort = fromTo[0].split(":", -1);
    return new EdgeDef(fromPort[0], fromPort.length > 1 ? fromPort[1] : null, fromTo[1]);
  }

  /** Cycles as sets, for assertions that do not depend on the order inside a component. */
  private static List<Set<String>> cycleSets(Graph g) {
    return g.cycles().stream().map(Set::copyOf).toList();
  }

  @Test
  void nodesWithoutIncomingEdgesStartTheRunInDefinitionOrder() {
    Graph g = graph(List.of("c", "a", "b", "d"), "a>b", "c>b", "b>d");

    assertThat(g.startNodes()).containsExactly("c", "a");
    assertThat(g.nodeIds()).containsExactly("c", "a", "b", "d");
  }

  @Test
  void anEdgeFromAnUnknownNodeStillKeepsItsTargetFromStarting() {
    Graph g = graph(List.of("a", "b"), "ghost>b");

    assertThat(g.startNodes()).containsExactly("a");
    assertThat(g.incoming("b")).isEmpty();
    assertThat(g.reachable()).containsExactly("a");
  }

  @Test
  void edgesToOrFromUnknownNodesAreLeftOut() {
    Graph g = graph(List.of("a", "b"), "a>b", "a>nowhere", "ghost>a");

    assertThat(g.outgoing("a")).containsExactly(edge("a>b"));
    assertThat(g.incoming("a")).isEmpty();
    assertThat(g.incoming("nowhere")).isEmpty();
    assertThat(g.outgoing("ghost")).isEmpty();
  }

  @Test
  void incomingAndOutgoingKeepEdgeOrderAndPorts() {
    Graph g = graph(List.of("check", "yes", "no", "join"), "check:true>yes", "check:false>no", "no>join", "yes>join");

    assertThat(g.outgoing("check")).containsExactly(edge("check:true>yes"), edge("check:false>no"));
    assertThat(g.incoming("join")).extracting(EdgeDef::from).containsExactly("no", "yes");
    assertThat(g.outgoing("check")).extracting(EdgeDef::portOrMain).containsExactly("true", "false");
    assertThat(g.outgoing("yes")).extracting(EdgeDef::portOrMain).containsExactly(EdgeDef.MAIN);
  }

  @Test
  void nodesWithoutIdAreIgnoredAndDuplicateIdsCountOnce() {
    List<NodeDef> nodes = List.of(
        new NodeDef(null, "set", null, Json.object(), null, null, null),
        new NodeDef("a", "set", null, Json.object(), null, null, null),
        new NodeDef("a", "respond", null, Json.object(), null, null, null));
    Graph g = new Graph(new WorkflowDefinition(null, "g", null, TriggerDef.MANUAL, nodes,
        List.of(new EdgeDef(null, null, "a"), new EdgeDef("a", null, null))));

    assertThat(g.nodeIds()).containsExactly("a");
    assertThat(g.incoming("a")).isEmpty();
    assertThat(g.outgoing("a")).isEmpty();
    assertThat(g.startNodes()).as("an edge without a source still points at a").isEmpty();
  }

  @Test
  void predecessorsAreDirectAndDistinct() {
    Graph g = graph(List.of("check", "join", "a"), "check:true>join", "check:false>join", "a>join");

    assertThat(g.predecessors("join")).containsExactly("check", "a");
    assertThat(g.predecessors("check")).isEmpty();
  }

  @Test
  void ancestorsAreEveryNodeFromWhichANodeCanBeReached() {
    Graph g = graph(List.of("s", "l", "r", "m", "end", "side"), "s>l", "s>r", "l>m", "r>m", "m>end", "s>side");

    assertThat(g.ancestors("end")).containsExactlyInAnyOrder("s", "l", "r", "m");
    assertThat(g.ancestors("m")).containsExactlyInAnyOrder("s", "l", "r");
    assertThat(g.ancestors("side")).containsExactly("s");
    assertThat(g.ancestors("s")).isEmpty();
    assertThat(g.ancestors("unknown")).isEmpty();
  }

  @Test
  void aNodeInACycleIsItsOwnAncestor() {
    Graph g = graph(List.of("s", "a", "b", "c"), "s>a", "a>b", "b>a", "c>c");

    assertThat(g.ancestors("a")).containsExactlyInAnyOrder("s", "a", "b");
    assertThat(g.ancestors("c")).containsExactly("c");
  }

  @Test
  void reachableFollowsEdgesFromTheStartNodes() {
    Graph g = graph(List.of("s", "a", "b", "x", "y", "z"), "s>a", "a>b", "x>y", "y>x", "y>z");

    assertThat(g.reachable()).containsExactlyInAnyOrder("s", "a", "b");
  }

  @Test
  void aGraphWithoutStartNodesReachesNothing() {
    Graph g = graph(List.of("a", "b"), "a>b", "b>a");

    assertThat(g.startNodes()).isEmpty();
    assertThat(g.reachable()).isEmpty();
  }

  @Test
  void anAcyclicGraphHasNoCycles() {
    Graph g = graph(List.of("s", "l", "r", "m"), "s>l", "s>r", "l>m", "r>m", "s>m", "s:other>m");

    assertThat(g.cycles()).isEmpty();
  }

  @Test
  void findsACycleOfTwoAndOfThree() {
    assertThat(cycleSets(graph(List.of("a", "b"), "a>b", "b>a"))).containsExactly(Set.of("a", "b"));
    assertThat(cycleSets(graph(List.of("s", "a", "b", "c", "end"), "s>a", "a>b", "b>c", "c>a", "c>end")))
        .containsExactly(Set.of("a", "b", "c"));
  }

  @Test
  void aCycleListsItsNodesAlongTheLoop() {
    Graph g = graph(List.of("a", "b", "c"), "a>b", "b>c", "c>a");

    assertThat(g.cycles()).containsExactly(List.of("a", "b", "c"));
  }

  @Test
  void aSelfLoopIsACycleOfOne() {
    Graph g = graph(List.of("s", "a", "b"), "s>a", "a:true>a", "a:false>b");

    assertThat(g.cycles()).containsExactly(List.of("a"));
  }

  @Test
  void aSingleNodeWithoutSelfLoopIsNoCycle() {
    assertThat(graph(List.of("a")).cycles()).isEmpty();
    assertThat(graph(List.of("a", "b"), "a>b", "a:x>b").cycles()).isEmpty();
  }

  @Test
  void reportsEveryLoopingComponentOnce() {
    Graph g = graph(List.of("s", "a1", "a2", "b1", "b2", "b3", "solo", "tail"),
        "s>a1", "a1>a2", "a2>a1", "s>b1", "b1>b2", "b2>b3", "b3>b1", "b3>b2", "b2>b2", "s>solo", "solo>solo",
        "solo>tail");

    assertThat(cycleSets(g)).containsExactlyInAnyOrder(Set.of("a1", "a2"), Set.of("b1", "b2", "b3"), Set.of("solo"));
  }

  @Test
  void twoLoopsSharingANodeAreOneComponent() {
    Graph g = graph(List.of("hub", "x", "y"), "hub>x", "x>hub", "hub>y", "y>hub");

    assertThat(cycleSets(g)).containsExactly(Set.of("hub", "x", "y"));
  }

  @Test
  void handlesLongChainsAndLongLoops() {
    int n = DefinitionLimits.DEFAULTS.maxNodes();
    List<String> ids = IntStream.range(0, n).mapToObj(i -> "n" + i).toList();
    List<String> chain = new ArrayList<>();
    for (int i = 1; i < n; i++) chain.add("n" + (i - 1) + ">n" + i);

    Graph line = graph(ids, chain.toArray(String[]::new));
    chain.add("n" + (n - 1) + ">n0");
    Graph loop = graph(ids, chain.toArray(String[]::new));

    assertThat(line.cycles()).isEmpty();
    assertThat(line.reachable()).hasSize(n);
    assertThat(line.ancestors("n" + (n - 1))).hasSize(n - 1);
    assertThat(loop.cycles()).singleElement().satisfies(c -> assertThat(c).hasSize(n));
    assertThat(loop.reachable()).isEmpty();
  }
}
