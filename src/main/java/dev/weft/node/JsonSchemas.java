package dev.weft.node;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import dev.weft.definition.Json;
import dev.weft.definition.JsonPointers;
import dev.weft.definition.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON schemas of forms (flat objects of strings, numbers, integers, booleans and enums) and of LLM
 * answers (any self-contained schema), checked when a definition is saved and used to validate what
 * people submit and what models answer. Pure functions: the run's update validator calls them.
 */
public final class JsonSchemas {
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static final Set<String> FIELD_TYPES = Set.of("string", "number", "integer", "boolean");
  /** What a form's schema may say: no references, no nesting, nothing that could load anything. */
  private static final Set<String> FORM_KEYWORDS = Set.of("type", "properties", "required", "title", "description");
  private static final Set<String> FIELD_KEYWORDS = Set.of("type", "enum", "title", "description", "default", "minimum",
      "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "pattern", "format");
  /** Most fields a form may have. */
  public static final int MAX_FIELDS = 100;

  private JsonSchemas() {}

  /** Problems of a form's schema, with paths relative to it. */
  public static List<Violation> checkForm(JsonNode schema) {
    List<Violation> v = new ArrayList<>();
    if (schema == null || !schema.isObject()) {
      v.add(Violation.of("", "form.schema_invalid", "fields must be a JSON schema object"));
      return v;
    }
    for (String k : schema.propertyNames()) {
      if (!FORM_KEYWORDS.contains(k)) {
        v.add(Violation.of(JsonPointers.child("", k), "form.schema_invalid", "a form's schema has only " + FORM_KEYWORDS.stream().sorted().toList()));
      }
    }
    if (schema.has("type") && !"object".equals(schema.get("type").asString(""))) {
      v.add(Violation.of("/type", "form.schema_invalid", "a form's schema describes an object"));
    }
    JsonNode props = schema.get("properties");
    if (props == null || !props.isObject() || props.isEmpty()) {
      v.add(Violation.of("/properties", "form.schema_invalid", "a form needs at least one field under properties"));
      return v;
    }
    if (props.size() > MAX_FIELDS) {
      v.add(Violation.of("/properties", "form.too_many_fields", "a form has at most " + MAX_FIELDS + " fields"));
    }
    for (var e : props.properties()) {
      String path = JsonPointers.child("/properties", e.getKey());
      JsonNode f = e.getValue();
      if (!f.isObject()) {
        v.add(Violation.of(path, "form.field_invalid", "a field is a schema object"));
        continue;
      }
      for (String k : f.propertyNames()) {
        if (!FIELD_KEYWORDS.contains(k)) {
          v.add(Violation.of(JsonPointers.child(path, k), "form.field_invalid", "a field has only " + FIELD_KEYWORDS.stream().sorted().toList()));
        }
      }
      JsonNode en = f.get("enum");
      if (en != null) {
        if (!en.isArray() || en.isEmpty() || en.valueStream().anyMatch(x -> x.isContainer())) {
          v.add(Violation.of(path + "/enum", "form.field_invalid", "enum is a non-empty list of strings, numbers or booleans"));
        }
      } else if (!f.has("type") || !FIELD_TYPES.contains(f.get("type").asString(""))) {
        v.add(Violation.of(path + "/type", "form.field_type", "a field's type is one of " + FIELD_TYPES.stream().sorted().toList()
            + ", or it has an enum"));
      }
    }
    JsonNode required = schema.get("required");
    if (required != null) {
      if (!required.isArray()) {
        v.add(Violation.of("/required", "form.schema_invalid", "required is a list of field names"));
      } else {
        for (int i = 0; i < required.size(); i++) {
          if (!props.has(required.get(i).asString(""))) {
            v.add(Violation.of("/required/" + i, "form.required_unknown", "'" + required.get(i).asString("") + "' is not a field"));
          }
        }
      }
    }
    if (v.isEmpty()) {
      try {
        REGISTRY.getSchema(schema);
      } catch (RuntimeException e) {
        v.add(Violation.of("", "form.schema_invalid", e.getMessage()));
      }
    }
    return v;
  }

  /** The schema submissions are checked against: an object with exactly the form's fields. */
  public static JsonNode closedForm(JsonNode schema) {
    ObjectNode o = (ObjectNode) schema.deepCopy();
    o.put("type", "object");
    o.put("additionalProperties", false);
    return o;
  }

  /** Problems of {@code values} against {@code schema}; paths extend {@code basePath}. */
  public static List<Violation> check(JsonNode schema, JsonNode values, String basePath) {
    JsonNode subject = values == null ? Json.object() : values;
    List<Violation> out = new ArrayList<>();
    List<Error> errors;
    try {
      errors = REGISTRY.getSchema(schema).validate(subject);
    } catch (RuntimeException e) {
      out.add(Violation.of(basePath, "form.schema_invalid", "the form's schema cannot be used: " + e.getMessage()));
      return out;
    }
    for (Error err : errors) {
      String rel = pointer(err.getInstanceLocation());
      String keyword = String.valueOf(err.getKeyword());
      if (("required".equals(keyword) || "additionalProperties".equals(keyword)) && err.getProperty() != null) {
        rel = JsonPointers.child(rel, err.getProperty());
      }
      String code = switch (keyword) {
        case "required" -> "form.required";
        case "additionalProperties" -> "form.unknown_field";
        case "type" -> "form.type";
        case "enum" -> "form.enum";
        default -> "form.invalid";
      };
      out.add(Violation.of(basePath + rel, code, err.getMessage()));
    }
    return out;
  }

  /** A validation error's instance location as a JSON pointer. */
  static String pointer(NodePath path) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < path.getNameCount(); i++) {
      sb.append(JsonPointers.child("", String.valueOf(path.getElement(i))));
    }
    return sb.toString();
  }

  /** The draft 2020-12 meta-schema, bundled with the validator (never fetched). */
  private static final Schema META = REGISTRY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
  private static final int MAX_SAMPLE_DEPTH = 16;

  /**
   * Problems of a self-contained schema (an LLM answer's): it must be a valid draft 2020-12 schema and
   * refer to nothing outside itself. Paths are relative to it; the code is {@code code}.
   */
  public static List<Violation> checkSchema(JsonNode schema, String code) {
    List<Violation> v = new ArrayList<>();
    if (schema == null || !schema.isObject()) {
      v.add(Violation.of("", code, "a JSON schema object is expected"));
      return v;
    }
    externalRefs(schema, "", code, v);
    for (Error err : META.validate(schema)) {
      v.add(Violation.of(pointer(err.getInstanceLocation()), code, err.getMessage()));
    }
    if (v.isEmpty()) {
      try {
        REGISTRY.getSchema(schema);
      } catch (RuntimeException e) {
        v.add(Violation.of("", code, e.getMessage()));
      }
    }
    return v;
  }

  private static void externalRefs(JsonNode n, String path, String code, List<Violation> v) {
    if (n.isObject()) {
      for (var e : n.properties()) {
        String child = JsonPointers.child(path, e.getKey());
        if ((e.getKey().equals("$ref") || e.getKey().equals("$dynamicRef")) && e.getValue().isString()
            && !e.getValue().stringValue().startsWith("#")) {
          v.add(Violation.of(child, code, "only references inside the schema (#...) are allowed"));
        }
        externalRefs(e.getValue(), child, code, v);
      }
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) externalRefs(n.get(i), JsonPointers.child(path, i), code, v);
    }
  }

  /** Problems of {@code value} against a schema {@link #checkSchema} accepted: code {@code schema.<keyword>}. */
  public static List<Violation> errors(JsonNode schema, JsonNode value) {
    List<Violation> out = new ArrayList<>();
    for (Error err : REGISTRY.getSchema(schema).validate(value)) {
      String rel = pointer(err.getInstanceLocation());
      String keyword = String.valueOf(err.getKeyword());
      if (("required".equals(keyword) || "additionalProperties".equals(keyword)) && err.getProperty() != null) {
        rel = JsonPointers.child(rel, err.getProperty());
      }
      out.add(Violation.of(rel, "schema." + keyword, err.getMessage()));
    }
    return out;
  }

  /**
   * A plausible value of a schema, for dry runs: its default, const or first enum value, else by type —
   * objects with every declared property, "" for strings, 0 for numbers, false for booleans, [] for
   * arrays; the first branch of an anyOf/oneOf.
   */
  public static JsonNode sample(JsonNode schema) {
    return sample(schema, 0);
  }

  private static JsonNode sample(JsonNode s, int depth) {
    var f = tools.jackson.databind.node.JsonNodeFactory.instance;
    if (s == null || !s.isObject() || depth > MAX_SAMPLE_DEPTH) return f.nullNode();
    if (s.has("default")) return s.get("default").deepCopy();
    if (s.has("const")) return s.get("const").deepCopy();
    JsonNode en = s.get("enum");
    if (en != null && en.isArray() && !en.isEmpty()) return en.get(0).deepCopy();
    for (String branch : List.of("anyOf", "oneOf", "allOf")) {
      JsonNode b = s.get(branch);
      if (b != null && b.isArray() && !b.isEmpty()) return sample(b.get(0), depth + 1);
    }
    String type = typeOf(s);
    return switch (type) {
      case "object" -> {
        ObjectNode o = f.objectNode();
        JsonNode props = s.get("properties");
        if (props != null && props.isObject()) props.properties().forEach(e -> o.set(e.getKey(), sample(e.getValue(), depth + 1)));
        yield o;
      }
      case "array" -> f.arrayNode();
      case "string" -> f.stringNode("");
      case "integer", "number" -> f.numberNode(0);
      case "boolean" -> f.booleanNode(false);
      default -> f.nullNode();
    };
  }

  private static String typeOf(JsonNode s) {
    JsonNode t = s.get("type");
    if (t != null && t.isString()) return t.stringValue();
    if (t != null && t.isArray()) {
      for (JsonNode x : t) if (x.isString() && !"null".equals(x.stringValue())) return x.stringValue();
      return "null";
    }
    return s.has("properties") ? "object" : s.has("items") ? "array" : "null";
  }
}
