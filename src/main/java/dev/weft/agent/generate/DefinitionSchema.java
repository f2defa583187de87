package dev.weft.agent.generate;

import com.github.victools.jsonschema.generator.CustomDefinition;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import dev.weft.definition.Json;
import dev.weft.definition.WorkflowDefinition;
import dev.weft.node.NodeRegistry;
import java.util.Collection;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON schema of a generation answer, {@code {"definition": ..., "sampleInput": {...}}}, sent to the
 * provider as structured output. The definition's shape is derived from the definition records the way
 * node config schemas are derived from theirs (victools, Jackson annotations, no additional properties);
 * its {@code nodes} are narrowed to the types the prompt offers, each with its own config schema, so a
 * model held to the schema can only write nodes of those types with configs of their shape.
 */
final class DefinitionSchema {
  private final ObjectNode definition;

  DefinitionSchema() {
    SchemaGeneratorConfigBuilder b = new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
        .with(new JacksonModule(JacksonOption.RESPECT_JSONPROPERTY_REQUIRED))
        .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT)
        .without(Option.SCHEMA_VERSION_INDICATOR);
    // A node's config is free-form here: it is replaced per type below.
    b.forTypesInGeneral().withCustomDefinitionProvider((type, ctx) ->
        JsonNode.class.isAssignableFrom(type.getErasedType())
            ? new CustomDefinition(ctx.getGeneratorConfig().createObjectNode().put("type", "object"),
                CustomDefinition.DefinitionType.INLINE, CustomDefinition.AttributeInclusion.NO)
            : null);
    ObjectNode generated = new SchemaGenerator(b.build()).generateSchema(WorkflowDefinition.class);
    this.definition = (ObjectNode) Json.parse(generated.toString());
    definition.putArray("required").add("name").add("nodes");
  }

  /** The definition's schema with its nodes narrowed to {@code types} (all of the registry's when empty). */
  ObjectNode definition(NodeRegistry registry, Collection<String> types) {
    ObjectNode def = definition.deepCopy();
    ObjectNode node = nodeSchema(def);
    ArrayNode anyOf = Json.MAPPER.createArrayNode();
    for (NodeRegistry.Descriptor d : registry.catalogue()) {
      if (!types.isEmpty() && !types.contains(d.type())) continue;
      ObjectNode one = node.deepCopy();
      ObjectNode props = (ObjectNode) one.get("properties");
      props.putObject("type").put("const", d.type());
      props.set("config", dev.weft.node.NodeRegistry.withoutExtensions(d.configSchema()));
      one.putArray("required").add("id").add("type").add("config");
      anyOf.add(one);
    }
    ObjectNode items = Json.object();
    items.set("anyOf", anyOf);
    ((ObjectNode) def.get("properties").get("nodes")).set("items", items);
    removeDefinition(def, "NodeDef");
    return def;
  }

  /** The answer's schema: the definition and a sample input object. */
  ObjectNode answer(NodeRegistry registry, Collection<String> types) {
    ObjectNode s = Json.object();
    s.put("type", "object");
    ObjectNode props = s.putObject("properties");
    props.set("definition", definition(registry, types));
    props.putObject("sampleInput").put("type", "object");
    s.putArray("required").add("definition").add("sampleInput");
    s.put("additionalProperties", false);
    return s;
  }

  /** The schema of one node: the {@code NodeDef} definition the generator made for it. */
  private static ObjectNode nodeSchema(ObjectNode def) {
    JsonNode items = def.path("properties").path("nodes").path("items");
    String ref = items.path("$ref").asString("");
    JsonNode target = ref.startsWith("#/$defs/") ? def.path("$defs").path(ref.substring("#/$defs/".length())) : items;
    if (!target.isObject() || !target.has("properties")) {
      throw new IllegalStateException("the definition schema has no node schema: " + items);
    }
    return (ObjectNode) target;
  }

  private static void removeDefinition(ObjectNode def, String name) {
    if (def.get("$defs") instanceof ObjectNode defs) {
      defs.remove(name);
      if (defs.isEmpty()) def.remove("$defs");
    }
  }
}
