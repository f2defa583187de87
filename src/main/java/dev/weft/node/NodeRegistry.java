package dev.weft.node;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.weft.definition.Json;
import dev.weft.definition.JsonPointers;
import dev.weft.definition.Violation;
import dev.weft.expression.Templates;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The node types of this instance, by id. Built once from every {@link NodeType} bean; fails fast on a
 * duplicate or malformed id. The only place that maps a type id to behaviour: nothing else switches
 * over type strings.
 */
public final class NodeRegistry {
  private static final Pattern TYPE_ID = Pattern.compile("[a-z][a-z0-9]*(\\.[a-z][a-z0-9_]*)*");

  private final Map<String, Entry> entries;

  /** A registered type with what is derived from its config record. */
  public record Entry(NodeType<?> type, ObjectNode schema, Schema validator, ConfigShape shape) {}

  /** One line of the catalogue. */
  public record Descriptor(String type, String kind, String description, JsonNode configSchema) {}

  public NodeRegistry(Collection<? extends NodeType<?>> types) {
    ConfigSchemas schemas = new ConfigSchemas();
    SchemaRegistry validators = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    Map<String, Entry> map = new LinkedHashMap<>();
    types.stream().sorted(Comparator.comparing(NodeType::id)).forEach(t -> {
      if (!TYPE_ID.matcher(t.id()).matches()) {
        throw new IllegalStateException("node type id '" + t.id() + "' of " + t.getClass().getName() + " is malformed");
      }
      ObjectNode schema = schemas.schemaOf(t.configClass());
      Entry prev = map.put(t.id(), new Entry(t, schema, validators.getSchema(withoutExtensions(schema)),
          ConfigShape.of(t.configClass())));
      if (prev != null) {
        throw new IllegalStateException("node type '" + t.id() + "' is registered twice: by "
            + prev.type().getClass().getName() + " and " + t.getClass().getName());
      }
    });
    this.entries = Map.copyOf(map);
  }

  /** The schema minus Weft's {@code x-weft-*} annotations, which validation (and a provider) does not need. */
  public static JsonNode withoutExtensions(JsonNode schema) {
    JsonNode copy = schema.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode n) {
    if (n instanceof ObjectNode o) {
      o.remove("x-weft-expression");
      o.forEach(NodeRegistry::strip);
    } else if (n.isArray()) {
      n.forEach(NodeRegistry::strip);
    }
  }

  public Optional<Entry> find(String typeId) {
    return Optional.ofNullable(typeId).map(entries::get);
  }

  public Entry get(String typeId) {
    return find(typeId).orElseThrow(() -> new IllegalArgumentException("unknown node type '" + typeId + "'"));
  }

  /** The catalogue: every type with its config schema, sorted by id. */
  public List<Descriptor> catalogue() {
    return entries.values().stream()
        .sorted(Comparator.comparing(e -> e.type().id()))
        .map(e -> new Descriptor(e.type().id(), e.type().kind().name(), e.type().description(), e.schema().deepCopy()))
        .toList();
  }

  /**
   * Checks a config (as written, templates unresolved) against the type's schema. A value that holds a
   * template is accepted wherever the schema wants another type: it only has its type at run time.
   *
   * @param configPath the config's pointer in the definition; violation paths extend it
   */
  public List<Violation> checkSchema(String typeId, JsonNode config, String configPath) {
    Entry e = get(typeId);
    List<Violation> out = new ArrayList<>();
    for (Error err : e.validator().validate(config)) {
      String rel = JsonSchemas.pointer(err.getInstanceLocation());
      String keyword = err.getKeyword();
      if ("required".equals(keyword) || "additionalProperties".equals(keyword)) {
        String prop = err.getProperty();
        if (prop != null) rel = JsonPointers.child(rel, prop);
      }
      JsonNode at = config.at(rel);
      if (at.isString() && Templates.hasTemplate(at.stringValue()) && !"additionalProperties".equals(keyword)
          && !"required".equals(keyword)) {
        continue;
      }
      String code = switch (String.valueOf(keyword)) {
        case "required" -> "config.required";
        case "additionalProperties" -> "config.unknown_field";
        default -> "config.invalid";
      };
      out.add(Violation.of(configPath + rel, code, err.getMessage()));
    }
    return distinct(out);
  }

  /**
   * One violation per (path, code): a nullable field fails both branches of its {@code anyOf}, and the
   * "null expected" half says nothing useful.
   */
  private static List<Violation> distinct(List<Violation> all) {
    Map<String, Violation> byKey = new LinkedHashMap<>();
    for (Violation v : all) {
      String key = v.path() + "\u0000" + v.code();
      Violation prev = byKey.get(key);
      if (prev == null || (prev.message().contains("null expected") && !v.message().contains("null expected"))) {
        byKey.put(key, v);
      }
    }
    return List.copyOf(byKey.values());
  }

  /**
   * The outgoing ports a config offers (without {@code error}, which {@code onError: branch} adds), or empty
   * when the config does not bind yet (incomplete, or a templated value that binds only at run time).
   */
  public Optional<List<String>> ports(String typeId, JsonNode config) {
    NodeType<?> type = get(typeId).type();
    return portsOf(type, config);
  }

  private <C extends Record> Optional<List<String>> portsOf(NodeType<C> type, JsonNode config) {
    try {
      return Optional.of(List.copyOf(type.ports(bind(type, config))));
    } catch (RuntimeException e) {
      // NodeFailure (does not bind) or a ports() that needs run-time values.
      return Optional.empty();
    }
  }

  /**
   * Binds a (resolved) config to the type's record.
   *
   * @throws NodeFailure {@code config.invalid} naming the field when the JSON does not fit the record
   */
  @SuppressWarnings("unchecked")
  public <C extends Record> C bind(NodeType<C> type, JsonNode config) {
    JsonNode source = config == null || config.isNull() ? Json.object() : config;
    try {
      return Json.MAPPER.treeToValue(source, type.configClass());
    } catch (DatabindException e) {
      throw new NodeFailure("config.invalid", "config of '" + type.id() + "' at /config"
          + pathOf(e) + ": " + e.getOriginalMessage(), false);
    } catch (JacksonException e) {
      throw new NodeFailure("config.invalid", "config of '" + type.id() + "': " + e.getOriginalMessage(), false);
    } catch (IllegalArgumentException e) {
      throw new NodeFailure("config.invalid", "config of '" + type.id() + "': " + e.getMessage(), false);
    }
  }

  private static String pathOf(DatabindException e) {
    StringBuilder sb = new StringBuilder();
    for (var ref : e.getPath()) {
      if (ref.getPropertyName() != null) sb.append('/').append(ref.getPropertyName());
      else if (ref.getIndex() >= 0) sb.append('/').append(ref.getIndex());
    }
    return sb.toString();
  }
}
