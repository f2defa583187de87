package dev.weft.definition;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The node graph of a definition over its edges between known nodes: incoming and outgoing edges per
 * node in definition order, start nodes, ancestors and cycles.
 */
public final class Graph {
  private final Map<String, List<EdgeDef>> incoming = new LinkedHashMap<>();
  private final Map<String, List<EdgeDef>> outgoing = new LinkedHashMap<>();
  private final Set<String> hasAnyIncoming = new HashSet<>();

  public Graph(WorkflowDefinition def) {
    this(def.nodes(), def.edges());
  }

  /** The graph of some nodes and edges: a definition's, or a loop body's. */
  public Graph(List<NodeDef> nodes, List<EdgeDef> edges) {
    for (NodeDef n : nodes) {
      if (n.id() == null) continue;
      incoming.putIfAbsent(n.id(), new ArrayList<>());
      outgoing.putIfAbsent(n.id(), new ArrayList<>());
    }
    for (EdgeDef e : edges) {
      if (e.to() != null) hasAnyIncoming.add(e.to());
      if (e.from() == null || e.to() == null || !incoming.containsKey(e.to()) || !outgoing.containsKey(e.from())) {
        continue;
      }
      incoming.get(e.to()).add(e);
      outgoing.get(e.from()).add(e);
    }
  }

  public Set<String> nodeIds() {
    return incoming.keySet();
  }

  public List<EdgeDef> incoming(String id) {
    return incoming.getOrDefault(id, List.of());
  }

  public List<EdgeDef> outgoing(String id) {
    return outgoing.getOrDefault(id, List.of());
  }

  /** Nodes with no incoming edge at all (an edge from an unknown node still counts): they start the run. */
  public List<String> startNodes() {
    return incoming.keySet().stream().filter(id -> !hasAnyIncoming.contains(id)).toList();
  }

  public Set<String> predecessors(String id) {
    Set<String> p = new LinkedHashSet<>();
    incoming(id).forEach(e -> p.add(e.from()));
    return p;
  }

  /** Every node from which {@code id} can be reached. */
  public Set<String> ancestors(String id) {
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(predecessors(id));
    while (!todo.isEmpty()) {
      String n = todo.pop();
      if (seen.add(n)) todo.addAll(predecessors(n));
    }
    return seen;
  }

  /** Nodes reachable from the start nodes. */
  public Set<String> reachable() {
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(startNodes());
    while (!todo.isEmpty()) {
      String n = todo.pop();
      if (seen.add(n)) outgoing(n).forEach(e -> todo.add(e.to()));
    }
    return seen;
  }

  /** The cycles, one list of node ids per strongly connected component that loops (Tarjan). */
  public List<List<String>> cycles() {
    List<List<String>> out = new ArrayList<>();
    Map<String, Integer> index = new LinkedHashMap<>();
    Map<String, Integer> low = new LinkedHashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new HashSet<>();
    int[] counter = {0};
    for (String id : incoming.keySet()) {
      if (!index.containsKey(id)) strongConnect(id, index, low, stack, onStack, counter, out);
    }
    return out;
  }

  private void strongConnect(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
      Set<String> onStack, int[] counter, List<List<String>> out) {
    index.put(v, counter[0]);
    low.put(v, counter[0]++);
    stack.push(v);
    onStack.add(v);
    for (EdgeDef e : outgoing(v)) {
      String w = e.to();
      if (!index.containsKey(w)) {
        strongConnect(w, index, low, stack, onStack, counter, out);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      List<String> comp = new ArrayList<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        comp.add(w);
      } while (!w.equals(v));
      boolean selfLoop = outgoing(v).stream().anyMatch(e -> e.to().equals(v));
      if (comp.size() > 1 || selfLoop) {
        out.add(comp.reversed());
      }
    }
  }
}
