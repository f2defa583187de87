package dev.weft.agent.generate;

import dev.weft.definition.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a modification changes, in a stable order: top-level fields, then nodes by id (added, removed,
 * changed with the names of their changed fields), then edges (added, removed). Each change is
 * {@code {change, ...}} with {@code change} one of {@code field_changed}, {@code node_added},
 * {@code node_removed}, {@code node_changed}, {@code edge_added}, {@code edge_removed}.
 */
final class DefinitionDiff {
  private static final List<String> TOP_LEVEL = List.of("id", "name", "description", "trigger");

  private DefinitionDiff() {}

  static ArrayNode between(JsonNode before, JsonNode after) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (String f : TOP_LEVEL) {
      if (!Objects.equals(before.get(f), after.get(f))) out.addObject().put("change", "field_changed").put("field", f);
    }
    Map<String, JsonNode> a = nodes(before);
    Map<String, JsonNode> b = nodes(after);
    b.keySet().stream().filter(id -> !a.containsKey(id)).forEach(id -> out.addObject().put("change", "node_added").put("id", id));
    a.keySet().stream().filter(id -> !b.containsKey(id)).forEach(id -> out.addObject().put("change", "node_removed").put("id", id));
    for (var e : a.entrySet()) {
      JsonNode other = b.get(e.getKey());
      if (other == null || other.equals(e.getValue())) continue;
      ObjectNode c = out.addObject().put("change", "node_changed").put("id", e.getKey());
      ArrayNode fields = c.putArray("fields");
      Set<String> names = new LinkedHashSet<>(e.getValue().propertyNames());
      names.addAll(other.propertyNames());
      names.stream().sorted().filter(n -> !Objects.equals(e.getValue().get(n), other.get(n))).forEach(fields::add);
    }
    List<String> ea = edges(before);
    List<String> eb = edges(after);
    eb.stream().filter(x -> !ea.contains(x)).forEach(x -> edge(out, "edge_added", x));
    ea.stream().filter(x -> !eb.contains(x)).forEach(x -> edge(out, "edge_removed", x));
    return out;
  }

  private static Map<String, JsonNode> nodes(JsonNode def) {
    Map<String, JsonNode> m = new LinkedHashMap<>();
    def.path("nodes").forEach(n -> m.putIfAbsent(n.path("id").asString(""), n));
    return m;
  }

  /** Edges as "from\0port\0to", the port written out ({@code main} when absent). */
  private static List<String> edges(JsonNode def) {
    List<String> out = new ArrayList<>();
    def.path("edges").forEach(e -> out.add(e.path("from").asString("") + "\u0000" + e.path("port").asString("main") + "\u0000"
        + e.path("to").asString("")));
    return out;
  }

  private static void edge(ArrayNode out, String change, String key) {
    String[] p = key.split("\u0000", -1);
    out.addObject().put("change", change).put("from", p[0]).put("port", p[1]).put("to", p[2]);
  }
}
