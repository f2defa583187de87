package dev.weft.store;

import dev.weft.definition.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/** JSON and time columns to and from JDBC: JSONB is written as text with a {@code ::json} cast. */
final class Jsonb {
  private Jsonb() {}

  static String write(Object value) {
    if (value == null) return null;
    if (value instanceof JsonNode n && n.isNull()) return null;
    return Json.MAPPER.writeValueAsString(value);
  }

  static JsonNode read(ResultSet rs, String column) throws SQLException {
    String text = rs.getString(column);
    return text == null ? null : Json.parse(text);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }

  static Timestamp timestamp(Instant i) {
    return i == null ? null : Timestamp.from(i);
  }
}
