package dev.weft.expression;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The variables an expression sees: {@code input}, {@code nodes.<id>.output|status}, {@code run} and,
 * inside per-item fields, {@code item}. Converted to CEL values once, lazily.
 */
public final class Scope {
  private final JsonNode input;
  private final Map<String, NodeView> nodes;
  private final JsonNode run;
  private final JsonNode item;
  /** The loop iteration this scope is in: its item and index; {@code null} outside loop bodies. */
  private final JsonNode loopItem;
  private final Integer loopIndex;
  private Map<String, Object> celVars;

  /** What an expression can read of one node. */
  public record NodeView(String status, JsonNode output) {}

  public Scope(JsonNode input, Map<String, NodeView> nodes, JsonNode run) {
    this(input, nodes, run, null, null, null);
  }

  /** The scope of a node in a loop body: {@code item} and {@code index} are the iteration's. */
  public Scope(JsonNode input, Map<String, NodeView> nodes, JsonNode run, JsonNode loopItem, Integer loopIndex) {
    this(input, nodes, run, null, loopItem == null ? tools.jackson.databind.node.NullNode.getInstance() : loopItem, loopIndex);
  }

  private Scope(JsonNode input, Map<String, NodeView> nodes, JsonNode run, JsonNode item, JsonNode loopItem, Integer loopIndex) {
    this.input = input;
    this.nodes = nodes;
    this.run = run;
    this.item = item;
    this.loopItem = loopIndex == null ? null : loopItem;
    this.loopIndex = loopIndex;
  }

  /** Whether this is the scope of a node in a loop body. */
  public boolean inLoop() {
    return loopIndex != null;
  }

  /** The same scope with {@code item} bound (a per-item field's item); shares the converted variables. */
  public Scope withItem(JsonNode value) {
    Scope s = new Scope(input, nodes, run, value, loopItem, loopIndex);
    Map<String, Object> base = new HashMap<>(vars());
    base.put("item", JsonValues.toCel(value));
    s.celVars = base;
    return s;
  }

  Map<String, Object> vars() {
    if (celVars == null) {
      Map<String, Object> v = new HashMap<>();
      v.put("input", JsonValues.toCel(input));
      Map<String, Object> ns = new LinkedHashMap<>();
      nodes.forEach((id, view) -> {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("status", view.status());
        n.put("output", JsonValues.toCel(view.output()));
        ns.put(id, n);
      });
      v.put("nodes", ns);
      v.put("run", JsonValues.toCel(run));
      if (loopIndex != null) {
        v.put("item", JsonValues.toCel(loopItem));
        v.put("index", (long) loopIndex);
      }
      if (item != null) v.put("item", JsonValues.toCel(item));
      celVars = v;
    }
    return celVars;
  }
}
