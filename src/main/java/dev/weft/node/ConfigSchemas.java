package dev.weft.node;

import com.github.victools.jsonschema.generator.CustomDefinition;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import com.github.victools.jsonschema.module.jakarta.validation.JakartaValidationModule;
import com.github.victools.jsonschema.module.jakarta.validation.JakartaValidationOption;
import dev.weft.expression.Expression;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Derives the JSON schema of a config record (victools + Jackson + Jakarta validation modules). Never
 * hand-written: the same schema serves save-time validation, the node catalogue and the LLM prompt.
 */
final class ConfigSchemas {
  private final SchemaGenerator generator;

  ConfigSchemas() {
    SchemaGeneratorConfigBuilder b = new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
        .with(new JacksonModule(JacksonOption.FLATTENED_ENUMS_FROM_JSONPROPERTY, JacksonOption.RESPECT_JSONPROPERTY_REQUIRED))
        .with(new JakartaValidationModule(JakartaValidationOption.NOT_NULLABLE_FIELD_IS_REQUIRED,
            JakartaValidationOption.INCLUDE_PATTERN_EXPRESSIONS))
        .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT)
        .with(Option.MAP_VALUES_AS_ADDITIONAL_PROPERTIES)
        .with(Option.NULLABLE_FIELDS_BY_DEFAULT)
        .without(Option.SCHEMA_VERSION_INDICATOR);
    // Free-form JSON (a request body, a respond value) accepts anything.
    b.forTypesInGeneral().withCustomDefinitionProvider((type, ctx) ->
        JsonNode.class.isAssignableFrom(type.getErasedType())
            ? new CustomDefinition(ctx.getGeneratorConfig().createObjectNode(), CustomDefinition.DefinitionType.INLINE,
                CustomDefinition.AttributeInclusion.NO)
            : null);
    b.forFields().withInstanceAttributeOverride((node, field, ctx) -> {
      Expression ex = field.getAnnotationConsideringFieldAndGetter(Expression.class);
      if (ex != null) {
        node.put("x-weft-expression", ex.perItem() ? "per-item" : "expression");
      }
    });
    this.generator = new SchemaGenerator(b.build());
  }

  ObjectNode schemaOf(Class<?> config) {
    return generator.generateSchema(config);
  }
}
