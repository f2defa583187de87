package dev.weft.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.weft.TestRegistries;
import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.node.merge.MergeNodeConfig;
import dev.weft.node.respond.RespondNodeConfig;
import dev.weft.node.switching.SwitchNodeConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The registry: id checks at construction, the catalogue, schema snapshots of a few types, schema checks
 * of configs as written (templates unresolved), and binding of resolved configs.
 */
class NodeRegistryTest {
  private static final NodeRegistry REGISTRY = TestRegistries.registry();

  /** A config without fields, for stub types. */
  record NoConfig() {}

  private static ControlNodeType<NoConfig> stub(String id) {
    return new ControlNodeType<>() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public Class<NoConfig> configClass() {
        return NoConfig.class;
      }

      @Override
      public String description() {
        return "stub";
      }

      @Override
      public NodeResult evaluate(NoConfig config, NodeContext ctx) {
        return NodeResult.of(ctx.upstream());
      }
    };
  }

  // --- construction ------------------------------------------------------------------------------

  @Test
  void duplicateOfABuiltInFailsAtConstruction() {
    assertThatThrownBy(() -> TestRegistries.registry(stub("if")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'if'");
  }

  @Test
  void twoTypesWithTheSameIdFailAtConstruction() {
    assertThatThrownBy(() -> new NodeRegistry(List.of(stub("custom"), stub("other"), stub("custom"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'custom'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Http", "1x", "x-y", "llm.", ".chat", "llm..chat", "has space", ""})
  void malformedIdFailsAtConstruction(String id) {
    assertThatThrownBy(() -> new NodeRegistry(List.of(stub(id)))).isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"x", "code2", "llm.chat", "llm.extract_v2"})
  void wellFormedIdsAreAccepted(String id) {
    NodeRegistry r = new NodeRegistry(List.of(stub(id)));

    assertThat(r.find(id)).isPresent();
  }

  @Test
  void unknownTypeIsAbsent() {
    assertThat(REGISTRY.find("nope")).isEmpty();
    assertThat(REGISTRY.find(null)).isEmpty();
    assertThatThrownBy(() -> REGISTRY.get("nope")).isInstanceOf(IllegalArgumentException.class);
  }

  // --- catalogue ---------------------------------------------------------------------------------

  @Test
  void catalogueListsEveryTypeSortedWithItsSchema() {
    List<NodeRegistry.Descriptor> catalogue = REGISTRY.catalogue();

    assertThat(catalogue).extracting(NodeRegistry.Descriptor::type)
        .containsExactly("agent", "approval", "code", "delay", "filter", "form", "http", "if", "llm.answer", "llm.chat", "llm.classify",
            "llm.extract", "llm.sentiment", "llm.summarize", "loop", "merge", "respond", "set", "subworkflow", "switch");
    assertThat(catalogue).extracting(NodeRegistry.Descriptor::type, NodeRegistry.Descriptor::kind).contains(
        tuple("delay", "WAIT"), tuple("http", "ACTIVITY"), tuple("llm.classify", "ACTIVITY"), tuple("if", "CONTROL"), tuple("merge", "CONTROL"));
    assertThat(catalogue).allSatisfy(d -> {
      assertThat(d.description()).isNotBlank();
      assertThat(d.configSchema().get("type").stringValue()).isEqualTo("object");
      assertThat(d.configSchema().get("additionalProperties").isBoolean()).isTrue();
      assertThat(d.configSchema().get("additionalProperties").booleanValue()).isFalse();
      assertThat(d.configSchema().get("properties").isObject()).isTrue();
    });
  }

  @Test
  void catalogueHandsOutCopies() {
    ((tools.jackson.databind.node.ObjectNode) REGISTRY.catalogue().get(0).configSchema()).put("type", "changed");

    assertThat(REGISTRY.catalogue().get(0).configSchema().get("type").stringValue()).isEqualTo("object");
  }

  // --- schema snapshots --------------------------------------------------------------------------

  @Test
  void ifSchemaRequiresAnExpressionCondition() {
    JsonNode s = REGISTRY.get("if").schema();

    assertThat(s.get("required")).containsExactly(Json.parse("\"condition\""));
    assertThat(s.at("/properties/condition/type").stringValue()).isEqualTo("string");
    assertThat(s.at("/properties/condition/x-weft-expression").stringValue()).isEqualTo("expression");
    assertThat(s.at("/properties/condition/description").stringValue()).isNotBlank();
    assertThat(s.get("additionalProperties").booleanValue()).isFalse();
    assertThat(names(s.get("properties"))).containsExactly("condition");
  }

  @Test
  void filterConditionIsAPerItemExpression() {
    JsonNode s = REGISTRY.get("filter").schema();

    assertThat(s.at("/properties/condition/x-weft-expression").stringValue()).isEqualTo("per-item");
    assertThat(s.at("/properties/items/x-weft-expression").stringValue()).isEqualTo("expression");
    assertThat(s.get("required")).containsExactly(Json.parse("\"condition\""));
  }

  @Test
  void switchCaseSchemaIsNestedAndClosed() {
    JsonNode c = REGISTRY.get("switch").schema().at("/properties/cases");

    assertThat(c.get("type").stringValue()).isEqualTo("array");
    assertThat(c.get("minItems").intValue()).isEqualTo(1);
    assertThat(c.at("/items/required")).containsExactlyInAnyOrder(Json.parse("\"name\""), Json.parse("\"condition\""));
    assertThat(c.at("/items/properties/condition/x-weft-expression").stringValue()).isEqualTo("expression");
    assertThat(c.at("/items/properties/name/pattern").stringValue()).isEqualTo("^[a-z][a-z0-9_-]{0,63}$");
    assertThat(c.at("/items/additionalProperties").booleanValue()).isFalse();
  }

  @Test
  void mergeModeIsTheEnumAllAppendFirst() {
    List<JsonNode> enums = new ArrayList<>();
    REGISTRY.get("merge").schema().at("/properties/mode").findValues("enum").forEach(enums::add);

    assertThat(enums).singleElement().satisfies(e ->
        assertThat(e).containsExactly(Json.parse("\"all\""), Json.parse("\"append\""), Json.parse("\"first\"")));
    assertThat(REGISTRY.get("merge").schema().has("required")).isFalse();
  }

  @Test
  void setValuesAllowAnyKeysAndAnyValues() {
    JsonNode values = REGISTRY.get("set").schema().at("/properties/values");

    assertThat(values.get("type").stringValue()).isEqualTo("object");
    assertThat(values.get("additionalProperties").isObject()).isTrue();
    assertThat(values.get("additionalProperties").isEmpty()).isTrue();
    assertThat(REGISTRY.checkSchema("set", Json.parse("""
        {"values": {"any-key": 1, "nested": {"deep": [1, {"x": null}]}, "t": "{{ input }}"}}"""), "/c")).isEmpty();
  }

  @Test
  void freeFormBodiesAcceptAnyJson() {
    for (String body : List.of("{\"a\": {\"b\": [1]}}", "[1, \"x\"]", "\"text\"", "42", "null")) {
      assertThat(REGISTRY.checkSchema("respond", Json.parse("{\"body\": " + body + "}"), "/c")).as(body).isEmpty();
      assertThat(REGISTRY.checkSchema("http", Json.parse("{\"url\": \"https://x.example\", \"method\": \"POST\", \"body\": "
          + body + ", \"query\": {\"q\": " + body + "}}"), "/c")).as(body).isEmpty();
    }
  }

  @Test
  void theIdempotencyHeaderIsABooleanOrAHeaderNameNarrowedByTheNode() {
    for (String value : List.of("true", "false", "\"X-Request-Id\"", "null")) {
      assertThat(REGISTRY.checkSchema("http", Json.parse("{\"url\": \"https://x.example\", \"idempotencyHeader\": "
          + value + "}"), "/c")).as(value).isEmpty();
    }
    assertThat(REGISTRY.get("http").schema().at("/properties/idempotencyHeader/description").stringValue())
        .contains("Idempotency-Key", "false", "header name");
  }

  @Test
  void schemaOmitsNothingTheRecordDeclares() {
    assertThat(names(REGISTRY.get("http").schema().get("properties"))).containsExactlyInAnyOrder(
        "method", "url", "headers", "query", "body", "responseType", "failOnStatus", "maxResponseBytes",
        "idempotencyHeader", "auth");
    assertThat(names(REGISTRY.get("respond").schema().get("properties"))).containsExactlyInAnyOrder("body", "status");
  }

  // --- checkSchema -------------------------------------------------------------------------------

  @Test
  void validConfigsHaveNoViolations() {
    assertThat(REGISTRY.checkSchema("if", Json.parse("""
        {"condition": "input.x > 1"}"""), "/nodes/0/config")).isEmpty();
    assertThat(REGISTRY.checkSchema("respond", Json.parse("""
        {"status": 201}"""), "/nodes/0/config")).isEmpty();
  }

  @Test
  void aTemplateIsAcceptedWhereAnIntegerIsExpected() {
    assertThat(REGISTRY.checkSchema("respond", Json.parse("""
        {"status": "{{ input.code }}"}"""), "/nodes/2/config")).isEmpty();
  }

  @Test
  void aTemplateIsAcceptedWhereAnEnumValueIsExpected() {
    assertThat(REGISTRY.checkSchema("merge", Json.parse("""
        {"mode": "{{ input.mode }}"}"""), "/nodes/2/config")).isEmpty();
  }

  @Test
  void aPlainStringWhereAnIntegerIsExpectedIsInvalid() {
    assertThat(REGISTRY.checkSchema("respond", Json.parse("""
        {"status": "created"}"""), "/nodes/2/config"))
        .extracting(Violation::path, Violation::code)
        .containsExactly(tuple("/nodes/2/config/status", "config.invalid"));
  }

  @Test
  void outOfRangeValuesAreInvalid() {
    assertThat(REGISTRY.checkSchema("respond", Json.parse("""
        {"status": 42}"""), "/nodes/2/config"))
        .extracting(Violation::path, Violation::code)
        .containsExactly(tuple("/nodes/2/config/status", "config.invalid"));
    assertThat(REGISTRY.checkSchema("merge", Json.parse("""
        {"mode": "zip"}"""), "/n"))
        .extracting(Violation::path, Violation::code)
        .isNotEmpty()
        .containsOnly(tuple("/n/mode", "config.invalid"));
  }

  @Test
  void unknownFieldsAreReportedEvenBesideTemplates() {
    assertThat(REGISTRY.checkSchema("respond", Json.parse("""
        {"status": "{{ input.code }}", "bogus": "{{ input.x }}"}"""), "/nodes/2/config"))
        .extracting(Violation::path, Violation::code)
        .containsExactly(tuple("/nodes/2/config/bogus", "config.unknown_field"));
  }

  @Test
  void missingRequiredFieldsAreReported() {
    assertThat(REGISTRY.checkSchema("if", Json.parse("{}"), "/nodes/1/config"))
        .extracting(Violation::path, Violation::code)
        .containsExactly(tuple("/nodes/1/config/condition", "config.required"));
  }

  @Test
  void nestedViolationsCarryTheirPointer() {
    assertThat(REGISTRY.checkSchema("switch", Json.parse("""
        {"cases": [{"name": "a", "condition": "true", "extra": 1}, {"name": "b"}]}"""), "/nodes/3/config"))
        .extracting(Violation::path, Violation::code)
        .containsExactlyInAnyOrder(
            tuple("/nodes/3/config/cases/0/extra", "config.unknown_field"),
            tuple("/nodes/3/config/cases/1/condition", "config.required"));
  }

  @Test
  void fieldNamesArePointerEscaped() {
    assertThat(REGISTRY.checkSchema("if", Json.parse("""
        {"condition": "true", "a/b": 1}"""), "/c"))
        .extracting(Violation::path, Violation::code)
        .containsExactly(tuple("/c/a~1b", "config.unknown_field"));
  }

  // --- bind --------------------------------------------------------------------------------------

  @Test
  void bindBuildsTheRecordWithDefaults() {
    MergeNodeConfig merge = REGISTRY.bind(type("merge", MergeNodeConfig.class), Json.parse("{}"));
    MergeNodeConfig fromNull = REGISTRY.bind(type("merge", MergeNodeConfig.class), null);
    RespondNodeConfig respond = REGISTRY.bind(type("respond", RespondNodeConfig.class), Json.parse("""
        {"status": 202, "body": {"a": [1]}}"""));

    assertThat(merge.mode()).isEqualTo(MergeNodeConfig.Mode.ALL);
    assertThat(fromNull.mode()).isEqualTo(MergeNodeConfig.Mode.ALL);
    assertThat(respond.status()).isEqualTo(202);
    assertThat(respond.body()).isEqualTo(Json.parse("""
        {"a": [1]}"""));
  }

  @Test
  void bindOfAWrongTypeFailsNamingTheField() {
    assertThatThrownBy(() -> REGISTRY.bind(type("respond", RespondNodeConfig.class), Json.parse("""
        {"status": "teapot"}""")))
        .isInstanceOfSatisfying(NodeFailure.class, f -> {
          assertThat(f.code()).isEqualTo("config.invalid");
          assertThat(f.retryable()).isFalse();
          assertThat(f.getMessage()).contains("/config/status");
        });
  }

  @Test
  void bindOfANestedProblemNamesItsPath() {
    assertThatThrownBy(() -> REGISTRY.bind(type("switch", SwitchNodeConfig.class), Json.parse("""
        {"cases": [{"name": "a", "condition": "true"}, {"name": "b", "condition": "true", "zz": 1}]}""")))
        .isInstanceOfSatisfying(NodeFailure.class, f -> {
          assertThat(f.code()).isEqualTo("config.invalid");
          assertThat(f.getMessage()).contains("/config/cases/1/zz");
        });
    assertThatThrownBy(() -> REGISTRY.bind(type("merge", MergeNodeConfig.class), Json.parse("""
        {"mode": "zip"}""")))
        .isInstanceOfSatisfying(NodeFailure.class, f -> {
          assertThat(f.code()).isEqualTo("config.invalid");
          assertThat(f.getMessage()).contains("/config/mode");
        });
  }

  // --- expression shapes -------------------------------------------------------------------------

  @Test
  void shapesKnowTheRawExpressionFields() {
    assertThat(REGISTRY.get("if").shape().fieldAt("/condition")).hasValueSatisfying(f -> assertThat(f.perItem()).isFalse());
    assertThat(REGISTRY.get("filter").shape().fieldAt("/condition")).hasValueSatisfying(f -> assertThat(f.perItem()).isTrue());
    assertThat(REGISTRY.get("switch").shape().fieldAt("/cases/7/condition")).isPresent();
    assertThat(REGISTRY.get("switch").shape().fieldAt("/cases/7/name")).isEmpty();
    assertThat(REGISTRY.get("set").shape().expressionFields()).isEmpty();
  }

  @Test
  void shapesListEveryExpressionOfAConfig() {
    List<ConfigShape.Found> found = REGISTRY.get("switch").shape().expressionsIn(Json.parse("""
        {"cases": [{"name": "a", "condition": "{{ input.a }}"}, {"name": "b", "condition": "input.b"}]}"""));

    assertThat(found).extracting(ConfigShape.Found::pointer, ConfigShape.Found::expression)
        .containsExactly(tuple("/cases/0/condition", "input.a"), tuple("/cases/1/condition", "input.b"));
  }

  @SuppressWarnings("unchecked")
  private static <C extends Record> NodeType<C> type(String id, Class<C> config) {
    NodeType<?> t = REGISTRY.get(id).type();
    assertThat(t.configClass()).isEqualTo(config);
    return (NodeType<C>) t;
  }

  private static List<String> names(JsonNode object) {
    return List.copyOf(object.propertyNames());
  }
}
