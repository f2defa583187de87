package dev.weft.engine;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * How the state query and the event log show values: whole up to a limit, else a truncated preview
 * {@code {"$truncated": true, "chars": n, "preview": "<first 1024 characters>"}}. One function for both,
 * so a closed run's stored state reads exactly like the query's answer.
 */
public final class Previews {
  private Previews() {}

  public static JsonNode of(JsonNode v, int limit) {
    if (v == null) return null;
    String text = v.toString();
    if (text.length() <= limit) return v;
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("$truncated", true);
    o.put("chars", text.length());
    o.put("preview", text.substring(0, Math.min(1024, text.length())));
    return o;
  }
}
