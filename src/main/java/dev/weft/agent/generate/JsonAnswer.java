package dev.weft.agent.generate;

import dev.weft.definition.Json;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Finds the JSON object in a model's answer: the first balanced top-level {@code {...}} (strings and
 * their escapes respected), so code fences and prose around it do no harm.
 */
final class JsonAnswer {
  private JsonAnswer() {}

  /** The first balanced object that parses, or empty. */
  static Optional<JsonNode> extract(String text) {
    if (text == null) return Optional.empty();
    for (int start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
      int end = end(text, start);
      if (end < 0) return Optional.empty();
      try {
        JsonNode n = Json.parse(text.substring(start, end + 1));
        if (n.isObject()) return Optional.of(n);
      } catch (JacksonException e) {
        // Braces in prose ("{like this}"): try the next opening brace.
      }
    }
    return Optional.empty();
  }

  /** The index of the brace that closes the one at {@code start}, or -1. */
  private static int end(String s, int start) {
    int depth = 0;
    boolean inString = false;
    for (int i = start; i < s.length(); i++) {
      char c = s.charAt(i);
      if (inString) {
        if (c == '\\') i++;
        else if (c == '"') inString = false;
      } else if (c == '"') {
        inString = true;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }
}
