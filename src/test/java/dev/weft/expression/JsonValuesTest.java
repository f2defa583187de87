package dev.weft.expression;

import static dev.weft.JsonAssert.assertJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.primitives.UnsignedLong;
import com.google.protobuf.ByteString;
import com.google.protobuf.NullValue;
import com.google.protobuf.Timestamp;
import dev.weft.JsonAssert;
import dev.weft.definition.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.MissingNode;

/** JSON ⇄ CEL values: every JSON type, integers as {@code long}, decimals as {@code double}. */
class JsonValuesTest {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  @Test
  void integersBecomeLongs() {
    assertThat(JsonValues.toCel(F.numberNode(5))).isEqualTo(5L);
    assertThat(JsonValues.toCel(F.numberNode(-3L))).isEqualTo(-3L);
    assertThat(JsonValues.toCel(F.numberNode((short) 2))).isEqualTo(2L);
    assertThat(JsonValues.toCel(F.numberNode(BigInteger.valueOf(Long.MAX_VALUE)))).isEqualTo(Long.MAX_VALUE);
    assertThat(JsonValues.toCel(Json.parse("9007199254740993"))).isEqualTo(9007199254740993L);
  }

  @Test
  void integersBeyondLongBecomeDoubles() {
    assertThat(JsonValues.toCel(Json.parse("123456789012345678901234567890"))).isInstanceOf(Double.class);
  }

  @Test
  void decimalsBecomeDoubles() {
    assertThat(JsonValues.toCel(F.numberNode(1.5))).isEqualTo(1.5d);
    assertThat(JsonValues.toCel(F.numberNode(2.0))).isEqualTo(2.0d);
    assertThat(JsonValues.toCel(F.numberNode(0.25f))).isEqualTo(0.25d);
    assertThat(JsonValues.toCel(F.numberNode(new BigDecimal("1.25")))).isEqualTo(1.25d);
  }

  @Test
  void scalarsAndNulls() {
    assertThat(JsonValues.toCel(F.stringNode("x"))).isEqualTo("x");
    assertThat(JsonValues.toCel(F.booleanNode(true))).isEqualTo(true);
    assertThat(JsonValues.toCel(F.nullNode())).isEqualTo(NullValue.NULL_VALUE);
    assertThat(JsonValues.toCel(null)).isEqualTo(NullValue.NULL_VALUE);
    assertThat(JsonValues.toCel(MissingNode.getInstance())).isEqualTo(NullValue.NULL_VALUE);
    assertThat(JsonValues.toCel(F.binaryNode(new byte[] {1, 2}))).isEqualTo(ByteString.copyFrom(new byte[] {1, 2}));
  }

  @Test
  void containersKeepOrderAndConvertDeeply() {
    Object cel = JsonValues.toCel(Json.parse("""
        {"b": [1, 2.5, "s", null], "a": {"x": true}}"""));

    assertThat(cel).isInstanceOf(Map.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) cel;
    assertThat(List.copyOf(map.keySet())).containsExactly("b", "a");
    assertThat(map.get("b")).isEqualTo(List.of(1L, 2.5d, "s", NullValue.NULL_VALUE));
    assertThat(map.get("a")).isEqualTo(Map.of("x", true));
  }

  @Test
  void roundTripOfEveryJsonType() {
    for (String doc : List.of("null", "true", "false", "0", "-17", "9007199254740993", "1.5", "-0.001", "1e300",
        "\"\"", "\"text ✓\"", "[]", "{}", "[1, [2, [3]], {\"k\": null}]",
        "{\"i\": 1, \"d\": 2.5, \"s\": \"x\", \"b\": false, \"n\": null, \"a\": [1, \"y\"], \"o\": {\"deep\": {}}}")) {
      JsonNode in = Json.parse(doc);
      JsonNode out = JsonValues.fromCel(JsonValues.toCel(in));

      assertThat(JsonAssert.sameJson(out, in)).as("%s -> %s", in, out).isTrue();
    }
  }

  @Test
  void roundTripKeepsIntegersIntegral() {
    JsonNode out = JsonValues.fromCel(JsonValues.toCel(Json.parse("""
        {"i": 1, "big": 9007199254740993, "l": [2]}""")));

    assertThat(out.get("i").isIntegralNumber()).isTrue();
    assertThat(out.get("big").longValue()).isEqualTo(9007199254740993L);
    assertThat(out.at("/l/0").isIntegralNumber()).isTrue();
  }

  @Test
  void fromCelNumbers() {
    assertThat(JsonValues.fromCel(7L).isIntegralNumber()).isTrue();
    assertJson(JsonValues.fromCel(7L), "7");
    assertJson(JsonValues.fromCel(7), "7");
    assertJson(JsonValues.fromCel(1.5d), "1.5");
    assertJson(JsonValues.fromCel(0.5f), "0.5");
    assertJson(JsonValues.fromCel(UnsignedLong.fromLongBits(-1L)), "18446744073709551615");
    assertJson(JsonValues.fromCel(new BigInteger("123456789012345678901")), "123456789012345678901");
    assertJson(JsonValues.fromCel(new BigDecimal("1.25")), "1.25");
  }

  @Test
  void fromCelTimesRenderAsIso8601() {
    assertJson(JsonValues.fromCel(Timestamp.newBuilder().setSeconds(86_400).setNanos(5_000_000).build()),
        "\"1970-01-02T00:00:00.005Z\"");
    assertJson(JsonValues.fromCel(Instant.parse("2024-01-01T00:00:00Z")), "\"2024-01-01T00:00:00Z\"");
    assertJson(JsonValues.fromCel(com.google.protobuf.Duration.newBuilder().setSeconds(90).build()), "\"PT1M30S\"");
    assertJson(JsonValues.fromCel(Duration.ofHours(2)), "\"PT2H\"");
  }

  @Test
  void fromCelOtherValues() {
    assertThat(JsonValues.fromCel(null).isNull()).isTrue();
    assertThat(JsonValues.fromCel(NullValue.NULL_VALUE).isNull()).isTrue();
    assertJson(JsonValues.fromCel(ByteString.copyFromUtf8("abc")), "\"YWJj\"");
    assertJson(JsonValues.fromCel("s"), "\"s\"");
    assertJson(JsonValues.fromCel(true), "true");
    JsonNode node = Json.parse("{\"k\": 1}");
    assertThat(JsonValues.fromCel(node)).isSameAs(node);
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put(1L, List.of("a", 2L));
    map.put(true, Map.of());
    assertJson(JsonValues.fromCel(map), """
        {"1": ["a", 2], "true": {}}""");
  }

  @Test
  void valuesThroughCelComeBackUnchanged() {
    JsonNode input = Json.parse("""
        {"i": 1, "d": 2.5, "s": "x", "n": null, "a": [1, {"b": [true]}]}""");
    Scope scope = new Scope(input, Map.of(), Json.parse("{}"));

    assertJson(new ExpressionEngine().evaluate("input", "/p", scope, false), input.toString());
  }

  @Test
  void asTextForTemplates() {
    assertThat(JsonValues.asText(null)).isEmpty();
    assertThat(JsonValues.asText(F.nullNode())).isEmpty();
    assertThat(JsonValues.asText(MissingNode.getInstance())).isEmpty();
    assertThat(JsonValues.asText(F.stringNode("a \"q\""))).isEqualTo("a \"q\"");
    assertThat(JsonValues.asText(F.numberNode(3L))).isEqualTo("3");
    assertThat(JsonValues.asText(F.booleanNode(false))).isEqualTo("false");
    assertThat(JsonValues.asText(Json.parse("{\"k\": [1, \"s\"]}"))).isEqualTo("{\"k\":[1,\"s\"]}");
  }
}
