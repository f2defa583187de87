package dev.weft.ai;

import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.node.JsonSchemas;
import dev.weft.node.NodeFailure;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answers that must be JSON: how the provider is given their schema, and how an answer is read, corrected
 * and given up on. A provider that honours the schema constrains the model's output to it; one that ignores
 * it leaves the prompt's instructions and the re-ask to do the work.
 */
public final class StructuredOutput {
  /**
   * The most output tokens of a call that sends a schema, when its profile sets no {@code max-tokens}: a small
   * model constrained to a schema with an unbounded string can write until the limit.
   */
  public static final int DEFAULT_MAX_TOKENS = 1024;
  /**
   * The most output tokens of a structured call of {@code p}: its {@code max-tokens}, else {@link
   * #DEFAULT_MAX_TOKENS} but at most three eighths of its context window (a 2,048-token model keeps 1,280 for
   * the prompt).
   */
  public static int maxTokens(ModelProfile p) {
    if (p.maxTokens() != null) return p.maxTokens();
    return Math.min(DEFAULT_MAX_TOKENS, p.contextTokens() * 3 / 8);
  }

  /** The name the schema is given in OpenAI's {@code response_format}. */
  public static final String SCHEMA_NAME = "answer";
  private static final Pattern FENCE = Pattern.compile("(?s)^\\s*```[A-Za-z]*\\s*\\n?(.*?)\\n?\\s*```\\s*$");

  private StructuredOutput() {}

  /** What an answer held: its value when {@code errors} is empty. */
  public record Answer(JsonNode value, List<Violation> errors) {
    public boolean ok() {
      return errors.isEmpty();
    }
  }

  /** How a caller reads an answer, asks for a correction and fails when the correction is no better. */
  public interface Reader {
    Answer read(String answer);

    default String correction(List<Violation> errors) {
      StringBuilder sb = new StringBuilder("Your answer is not valid:\n");
      errors.forEach(e -> sb.append("- at '").append(e.path()).append("': ").append(e.message()).append('\n'));
      return sb.append("Answer again with only the corrected JSON object.").toString();
    }

    /** The failure after the re-ask's answer {@code answer} still had {@code errors}; {@code total}: both calls. */
    default NodeFailure failure(List<Violation> errors, String answer, LlmReply total) {
      ObjectNode details = Json.object();
      ArrayNode list = details.putArray("errors");
      errors.forEach(e -> list.addObject().put("path", e.path()).put("code", e.code()).put("message", e.message()));
      details.put("answer", preview(answer));
      details.set("llm", total.usage());
      return new NodeFailure("llm.invalid_output", "the model's answer did not match the schema twice: "
          + errors.getFirst().code() + " at '" + errors.getFirst().path() + "'", false, details);
    }
  }

  /** Reads a JSON object (tolerating a ```json fence) that must match {@code schema}. */
  public static Reader matching(JsonNode schema) {
    return answer -> json(answer, schema);
  }

  /** The answer as JSON (tolerating a ```json fence) and its problems against the schema. */
  public static Answer json(String answer, JsonNode schema) {
    String body = answer == null ? "" : answer.strip();
    Matcher m = FENCE.matcher(body);
    if (m.matches()) body = m.group(1).strip();
    JsonNode value;
    try {
      value = Json.parse(body);
    } catch (JacksonException e) {
      return new Answer(null, List.of(Violation.of("", "llm.not_json", "the answer is not JSON: " + e.getOriginalMessage())));
    }
    if (value == null || !value.isObject()) {
      return new Answer(value, List.of(Violation.of("", "schema.type", "the answer must be one JSON object")));
    }
    return new Answer(value, JsonSchemas.errors(schema, value));
  }

  /**
   * Whether OpenAI's strict mode accepts {@code schema}: every object closed ({@code additionalProperties:
   * false}) with all its properties required, all the way down. Otherwise the schema is sent non-strict.
   */
  public static boolean strictCapable(JsonNode schema) {
    if (schema == null || !schema.isObject()) return false;
    JsonNode props = schema.get("properties");
    boolean object = "object".equals(schema.path("type").asString("")) || props != null;
    if (object) {
      if (!schema.path("additionalProperties").isBoolean() || schema.path("additionalProperties").booleanValue()) return false;
      Set<String> required = new HashSet<>();
      schema.path("required").valueStream().forEach(r -> required.add(r.asString("")));
      if (props != null) {
        if (!props.isObject()) return false;
        for (var e : props.properties()) {
          if (!required.contains(e.getKey()) || !strictCapable(e.getValue())) return false;
        }
      }
    }
    if (schema.has("items") && !strictCapable(schema.get("items"))) return false;
    for (String k : List.of("anyOf", "allOf", "oneOf", "prefixItems")) {
      if (schema.has(k)) {
        for (JsonNode s : schema.get(k)) {
          if (!strictCapable(s)) return false;
        }
      }
    }
    for (String k : List.of("$defs", "definitions")) {
      if (schema.has(k)) {
        for (var e : schema.get(k).properties()) {
          if (!strictCapable(e.getValue())) return false;
        }
      }
    }
    return true;
  }

  /** OpenAI's {@code response_format} for {@code schema}: {@code json_schema}, strict when the schema allows it. */
  public static Map<String, Object> openAiResponseFormat(JsonNode schema) {
    return Map.of("type", "json_schema", "json_schema", Map.of("name", SCHEMA_NAME, "strict", strictCapable(schema),
        "schema", asMap(schema)));
  }

  /** The schema as plain maps and lists, the form the providers' request builders serialize. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> asMap(JsonNode schema) {
    return Json.MAPPER.convertValue(schema, Map.class);
  }

  /**
   * Whether a provider's rejection is about the structured-output request itself (the endpoint does not
   * support {@code response_format}/{@code format} or the schema), so the call is worth repeating without it.
   */
  public static boolean rejectsSchema(NodeFailure f) {
    return "llm.rejected".equals(f.code()) && f.getMessage() != null
        && SCHEMA_WORDS.matcher(f.getMessage()).find();
  }

  private static final Pattern SCHEMA_WORDS = Pattern.compile(
      "(?i)response_format|output_format|output_config|response_?mime_?type|\\bformat\\b|schema|structured");

  static String preview(String answer) {
    if (answer == null) return "";
    return answer.length() <= 500 ? answer : answer.substring(0, 500) + "…";
  }
}
