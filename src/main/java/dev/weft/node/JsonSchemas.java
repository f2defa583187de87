package dev.weft.node;

import com.networknt.schema.Error;
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
 * The JSON schemas of forms: flat objects of strings, numbers, integers, booleans and enums, checked
 * when a definition is saved and used to validate what people submit. Pure functions: the run's update
 * validator calls them.
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
}
