package dev.weft.agent.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TestRegistries;
import dev.weft.definition.Json;
import dev.weft.node.JsonSchemas;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The generation answer's JSON schema: derived from the definition records, nodes narrowed to the offered types. */
class DefinitionSchemaTest {
  private final dev.weft.node.NodeRegistry registry = TestRegistries.registry();
  private final DefinitionSchema schemas = new DefinitionSchema();

  private static ObjectNode answer(String definition, String sampleInput) {
    ObjectNode a = Json.object();
    a.set("definition", Json.parse(definition));
    a.set("sampleInput", Json.parse(sampleInput));
    return a;
  }

  @Test
  void everyWorkedExampleMatchesTheSchemaOfTheWholeCatalogue() {
    JsonNode schema = schemas.answer(registry, List.of());
    for (String name : GenerationPrompt.EXAMPLES) {
      ObjectNode a = answer(GenerationPrompt.resource("ai/examples/" + name + ".json"),
          GenerationPrompt.resource("ai/examples/" + name + ".input.json"));
      assertThat(JsonSchemas.errors(schema, a)).as(name).isEmpty();
    }
  }

  @Test
  void theShapeComesFromTheRecordsWithTheirJsonNamesAndNoOtherFields() {
    JsonNode def = schemas.definition(registry, List.of("set"));

    assertThat(def.get("properties").propertyNames()).contains("id", "name", "description", "trigger", "nodes", "edges",
        "onFailure");
    assertThat(def.at("/properties/trigger/properties").propertyNames()).contains("wait", "path", "cron")
        .doesNotContain("responseWait");
    assertThat(def.get("additionalProperties").booleanValue()).isFalse();
    assertThat(def.get("required")).extracting(JsonNode::stringValue).containsExactly("name", "nodes");
  }

  @Test
  void nodesAreNarrowedToTheOfferedTypesEachWithItsConfigSchema() {
    JsonNode schema = schemas.answer(registry, List.of("set", "http"));
    JsonNode anyOf = schema.at("/properties/definition/properties/nodes/items/anyOf");

    assertThat(anyOf).extracting(n -> n.at("/properties/type/const").stringValue()).containsExactly("http", "set");
    assertThat(anyOf.get(0).at("/properties/config/properties").propertyNames())
        .containsAll(registry.get("http").schema().get("properties").propertyNames());
    assertThat(anyOf.get(0).toString()).doesNotContain("x-weft-expression");

    String ok = "{\"name\": \"n\", \"nodes\": [{\"id\": \"a\", \"type\": \"set\", \"config\": {\"values\": {\"x\": 1}}}]}";
    assertThat(JsonSchemas.errors(schema, answer(ok, "{}"))).isEmpty();
    String otherType = "{\"name\": \"n\", \"nodes\": [{\"id\": \"a\", \"type\": \"delay\", \"config\": {\"for\": \"1s\"}}]}";
    assertThat(JsonSchemas.errors(schema, answer(otherType, "{}"))).isNotEmpty();
    String badConfig = "{\"name\": \"n\", \"nodes\": [{\"id\": \"a\", \"type\": \"set\", \"config\": {\"nope\": 1}}]}";
    assertThat(JsonSchemas.errors(schema, answer(badConfig, "{}"))).isNotEmpty();
    String extraField = "{\"name\": \"n\", \"colour\": \"red\", \"nodes\": []}";
    assertThat(JsonSchemas.errors(schema, answer(extraField, "{}"))).isNotEmpty();
  }
}
