package dev.weft.expression;

import com.google.common.primitives.UnsignedLong;
import com.google.protobuf.ByteString;
import com.google.protobuf.NullValue;
import com.google.protobuf.Timestamp;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Converts between JSON trees and the Java values the CEL runtime works on. */
public final class JsonValues {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private JsonValues() {}

  /** JSON → CEL: integers become {@code long}, decimals {@code double}, null CEL's null. */
  public static Object toCel(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) return NullValue.NULL_VALUE;
    if (node.isString()) return node.stringValue();
    if (node.isBoolean()) return node.booleanValue();
    if (node.isIntegralNumber()) {
      // Not a ?: expression: its numeric promotion would turn every long into a double.
      if (node.canConvertToLong()) return node.longValue();
      return node.doubleValue();
    }
    if (node.isNumber()) return node.doubleValue();
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      node.forEach(e -> list.add(toCel(e)));
      return list;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), toCel(e.getValue())));
      return map;
    }
    if (node.isBinary()) return ByteString.copyFrom(node.binaryValue());
    return node.asString();
  }

  /** CEL → JSON. Timestamps and durations render as ISO-8601 strings. */
  public static JsonNode fromCel(Object v) {
    if (v == null || v instanceof NullValue || v instanceof dev.cel.common.values.NullValue) return F.nullNode();
    if (v instanceof JsonNode j) return j;
    if (v instanceof String s) return F.stringNode(s);
    if (v instanceof Boolean b) return F.booleanNode(b);
    if (v instanceof Long l) return F.numberNode(l);
    if (v instanceof Integer i) return F.numberNode((long) i);
    if (v instanceof Double d) return F.numberNode(d);
    if (v instanceof Float f) return F.numberNode((double) f);
    if (v instanceof UnsignedLong u) return F.numberNode(u.bigIntegerValue());
    if (v instanceof BigInteger b) return F.numberNode(b);
    if (v instanceof BigDecimal b) return F.numberNode(b);
    if (v instanceof Timestamp t) return F.stringNode(Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString());
    if (v instanceof Instant i) return F.stringNode(i.toString());
    if (v instanceof com.google.protobuf.Duration d) {
      return F.stringNode(Duration.ofSeconds(d.getSeconds(), d.getNanos()).toString());
    }
    if (v instanceof Duration d) return F.stringNode(d.toString());
    if (v instanceof ByteString b) return F.stringNode(Base64.getEncoder().encodeToString(b.toByteArray()));
    if (v instanceof Map<?, ?> m) {
      ObjectNode o = F.objectNode();
      m.forEach((k, val) -> o.set(String.valueOf(k), fromCel(val)));
      return o;
    }
    if (v instanceof Iterable<?> it) {
      ArrayNode a = F.arrayNode();
      it.forEach(e -> a.add(fromCel(e)));
      return a;
    }
    return F.stringNode(String.valueOf(v));
  }

  /** A value as text inside a larger template: strings as they are, null as nothing, the rest as JSON. */
  public static String asText(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) return "";
    if (v.isString()) return v.stringValue();
    return v.toString();
  }
}
