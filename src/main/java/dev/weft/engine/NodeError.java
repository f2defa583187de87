package dev.weft.engine;

import tools.jackson.databind.JsonNode;

/** Why a node failed: a stable code, a message, and details (e.g. an HTTP status and body preview). */
public record NodeError(String code, String message, JsonNode details) {

  /** The error object a node's output holds under {@code onError: continue | branch}: {@code {code, message, details?}}. */
  public JsonNode toJson() {
    tools.jackson.databind.node.ObjectNode o = dev.weft.definition.Json.object();
    o.put("code", code);
    o.put("message", message);
    if (details != null) o.set("details", details);
    return o;
  }
}
