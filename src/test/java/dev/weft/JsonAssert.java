package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.definition.Json;
import java.util.Comparator;
import tools.jackson.databind.JsonNode;

/**
 * Compares JSON trees by value. Integers compare by value whatever their width (CEL gives {@code long}
 * where parsed JSON holds {@code int}), as do decimals; an integer never equals a decimal.
 */
public final class JsonAssert {
  private static final Comparator<JsonNode> NUMBERS = (a, b) -> {
    if (a.isNumber() && b.isNumber()) {
      if (a.isIntegralNumber() && b.isIntegralNumber()) return a.bigIntegerValue().compareTo(b.bigIntegerValue());
      if (!a.isIntegralNumber() && !b.isIntegralNumber()) return a.decimalValue().compareTo(b.decimalValue());
      return 1;
    }
    return a.equals(b) ? 0 : 1;
  };

  private JsonAssert() {}

  public static boolean sameJson(JsonNode actual, JsonNode expected) {
    return actual != null && expected != null && actual.equals(NUMBERS, expected);
  }

  public static void assertJson(JsonNode actual, String expectedJson) {
    JsonNode expected = Json.parse(expectedJson);
    assertThat(sameJson(actual, expected))
        .as("expected %s but was %s", expected, actual)
        .isTrue();
  }
}
