package dev.weft.agent.generate;

import dev.weft.definition.Json;
import dev.weft.engine.Actor;
import dev.weft.engine.HumanInput;
import dev.weft.node.Assignees;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The dry run's people: each open task is answered the way a run would be, through the {@code decide}
 * Update, by a synthetic principal the task's assignee rules accept. Approvals are approved (a quorum by
 * as many distinct principals), forms get values synthesised from their schema, and a failed node's
 * question ({@code onError: ask}) is answered {@code stop}, so the failure is reported.
 */
final class HumanAnswers {
  /** Who starts dry runs; never one of the deciders, so self-approval rules hold. */
  static final String STARTER = "weft-dry-run";

  private HumanAnswers() {}

  /** The next decision on a task (the {@code task} view of the state query), or null when nobody may decide. */
  static HumanInput answer(String nodeId, JsonNode task) {
    List<String> actions = strings(task.get("actions"));
    String action = actions.contains("approve") ? "approve" : actions.contains("submit") ? "submit"
        : actions.contains("stop") ? "stop" : actions.isEmpty() ? null : actions.getFirst();
    if (action == null) return null;
    Set<String> decided = new LinkedHashSet<>(strings(task.get("decidedBy")));
    Actor who = decider(strings(task.get("assignees")), decided);
    JsonNode values = "submit".equals(action) ? values(task.get("schema")) : null;
    return new HumanInput(nodeId, who, action, "dry run", values, null);
  }

  /** A principal named by the assignees who has not decided yet: a listed id, or a synthetic one with every role and group. */
  static Actor decider(List<String> assignees, Set<String> decided) {
    List<String> groups = assignees.stream().filter(a -> a.startsWith("group:")).map(a -> a.substring(6)).toList();
    for (String a : assignees) {
      if (!a.startsWith("role:") && !a.startsWith("group:") && !a.equals(STARTER) && !decided.contains(a)) {
        return new Actor(a, Assignees.ROLES, groups);
      }
    }
    for (int i = 1; ; i++) {
      String id = "dry-run-person-" + i;
      if (!decided.contains(id)) return new Actor(id, Assignees.ROLES, groups);
    }
  }

  /** Values for every field of a form schema that satisfy its type, enum, bounds and lengths. */
  static ObjectNode values(JsonNode schema) {
    ObjectNode out = Json.object();
    if (schema == null || !schema.path("properties").isObject()) return out;
    for (var field : schema.get("properties").properties()) {
      out.set(field.getKey(), value(field.getValue()));
    }
    return out;
  }

  private static JsonNode value(JsonNode f) {
    if (f.has("default")) return f.get("default");
    if (f.path("enum").isArray() && !f.get("enum").isEmpty()) return f.get("enum").get(0);
    String type = f.path("type").asString("string");
    return switch (type) {
      case "boolean" -> Json.MAPPER.getNodeFactory().booleanNode(true);
      case "integer", "number" -> {
        double n = f.has("minimum") ? f.get("minimum").asDouble()
            : f.has("exclusiveMinimum") ? Math.floor(f.get("exclusiveMinimum").asDouble()) + 1
            : f.has("maximum") ? Math.min(1, f.get("maximum").asDouble()) : 1;
        yield "integer".equals(type) || n == Math.rint(n)
            ? Json.MAPPER.getNodeFactory().numberNode((long) Math.ceil(n)) : Json.MAPPER.getNodeFactory().numberNode(n);
      }
      default -> Json.MAPPER.getNodeFactory().stringNode(text(f));
    };
  }

  private static String text(JsonNode f) {
    String s = switch (f.path("format").asString("")) {
      case "email" -> "dry-run@example.com";
      case "date" -> "2030-01-01";
      case "date-time" -> "2030-01-01T00:00:00Z";
      case "uri" -> "https://example.com/";
      default -> "sample";
    };
    int min = f.path("minLength").asInt(0);
    int max = f.has("maxLength") ? f.get("maxLength").asInt() : Integer.MAX_VALUE;
    StringBuilder b = new StringBuilder(s);
    while (b.length() < min) b.append('x');
    return b.length() > max ? b.substring(0, max) : b.toString();
  }

  private static List<String> strings(JsonNode a) {
    List<String> out = new ArrayList<>();
    if (a != null) a.forEach(x -> out.add(x.asString()));
    return out;
  }
}
