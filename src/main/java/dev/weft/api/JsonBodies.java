package dev.weft.api;

import dev.weft.definition.Json;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Reads small JSON request bodies by hand, so that every problem names its exact path and code. */
final class JsonBodies {
  private JsonBodies() {}

  /**
   * The body as a JSON object with only {@code fields}: 415 {@code media_type.unsupported}, 400
   * {@code json.syntax}, {@code json.type} or {@code request.unknown_field} otherwise.
   *
   * @param what the request in words ("a decision"), for messages
   * @param shape its fields in words ("{decision, comment?}")
   */
  static JsonNode object(String body, String contentType, Set<String> fields, String what, String shape) {
    if (body == null || body.isBlank()) throw ApiProblem.badRequest("", "json.type", what + " is an object " + shape);
    if (!isJson(contentType)) {
      throw ApiProblem.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "header.Content-Type", "media_type.unsupported",
          what + " is application/json");
    }
    JsonNode n = parse(body);
    if (!n.isObject()) throw ApiProblem.badRequest("", "json.type", what + " is an object " + shape);
    for (String f : n.propertyNames()) {
      if (!fields.contains(f)) {
        throw ApiProblem.badRequest("/" + f, "request.unknown_field", "unknown field '" + f + "'; " + what + " is " + shape);
      }
    }
    return n;
  }

  /** The body as JSON; 400 {@code json.syntax} when it is not JSON. */
  static JsonNode parse(String body) {
    try {
      return Json.parse(body);
    } catch (JacksonException e) {
      throw ApiProblem.badRequest("", "json.syntax", "not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** Whether the Content-Type is JSON; an empty or unparsable one (fuzzers send {@code Content-Type: ;}) is not. */
  static boolean isJson(String contentType) {
    if (contentType == null || contentType.isBlank()) return false;
    try {
      return MediaType.parseMediaType(contentType).isCompatibleWith(MediaType.APPLICATION_JSON);
    } catch (InvalidMediaTypeException e) {
      return false;
    }
  }
}
