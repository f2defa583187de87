package dev.weft.engine;

import dev.weft.definition.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The reference that stands in history for a large value: {@code {"$weftRef": key, "bytes": n}}.
 */
public final class ClaimCheck {
  public static final String REF = "$weftRef";

  private ClaimCheck() {}

  public static boolean isRef(JsonNode v) {
    return v != null && v.isObject() && v.has(REF) && v.get(REF).isString();
  }

  public static JsonNode ref(String key, int bytes) {
    ObjectNode o = Json.object();
    o.put(REF, key);
    o.put("bytes", bytes);
    return o;
  }

  /** The value behind a reference, or the value itself when it is not one. */
  public static JsonNode load(JsonNode v, PayloadStore store) {
    if (!isRef(v)) return v;
    String key = v.get(REF).stringValue();
    return store.get(key).orElseThrow(() -> new IllegalStateException("stored output '" + key + "' is missing"));
  }
}
