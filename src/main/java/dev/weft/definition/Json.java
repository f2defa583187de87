package dev.weft.definition;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The JSON mapper for definitions, configs and node values (Jackson 3; immutable, thread-safe). */
public final class Json {
  public static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  private Json() {}

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  public static JsonNode parse(String text) {
    return MAPPER.readTree(text);
  }

  /** Serialized size in UTF-8 bytes, for the payload limits. */
  public static int sizeOf(JsonNode node) {
    return node == null ? 0 : MAPPER.writeValueAsBytes(node).length;
  }
}
