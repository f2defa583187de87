package dev.weft.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import org.junit.jupiter.api.Test;

/** Forms' schemas: flat and self-contained, checked at save time; submissions checked against them. */
class JsonSchemasTest {

  @Test
  void aFlatFormIsAccepted() {
    assertThat(JsonSchemas.checkForm(Json.parse("""
        {"title": "t", "properties": {"a": {"type": "string", "maxLength": 3}, "b": {"enum": [1, 2]}}, "required": ["a"]}"""))).isEmpty();
  }

  @Test
  void referencesAndUnknownKeywordsAreRefusedWhereTheyAre() {
    assertThat(JsonSchemas.checkForm(Json.parse("""
        {"properties": {"a": {"$ref": "http://example.org/s.json"}}, "$defs": {}}""")))
        .extracting(Violation::path, Violation::code)
        .contains(org.assertj.core.groups.Tuple.tuple("/$defs", "form.schema_invalid"),
            org.assertj.core.groups.Tuple.tuple("/properties/a/$ref", "form.field_invalid"));
    assertThat(JsonSchemas.checkForm(Json.parse("{\"properties\": {\"a\": {\"type\": \"object\", \"properties\": {}}}}")))
        .extracting(Violation::code).contains("form.field_invalid", "form.field_type");
  }

  @Test
  void submissionsAreCheckedWithOneViolationPerProblem() {
    var schema = JsonSchemas.closedForm(Json.parse("""
        {"properties": {"n": {"type": "integer", "minimum": 1}, "c": {"enum": ["x"]}}, "required": ["n"]}"""));
    assertThat(JsonSchemas.check(schema, Json.parse("{\"n\": 2, \"c\": \"x\"}"), "/values")).isEmpty();
    assertThat(JsonSchemas.check(schema, Json.parse("{\"c\": \"y\", \"z\": true}"), "/values"))
        .extracting(Violation::path, Violation::code)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("/values/n", "form.required"),
            org.assertj.core.groups.Tuple.tuple("/values/c", "form.enum"),
            org.assertj.core.groups.Tuple.tuple("/values/z", "form.unknown_field"));
  }

  @Test
  void anUnusableSchemaIsAViolationNotACrash() {
    var schema = Json.parse("{\"type\": \"object\", \"properties\": {\"a\": {\"$ref\": \"urn:weft:nowhere\"}}}");
    assertThat(JsonSchemas.check(schema, Json.parse("{\"a\": 1}"), "/values"))
        .extracting(Violation::code).containsOnly("form.schema_invalid");
  }
}
