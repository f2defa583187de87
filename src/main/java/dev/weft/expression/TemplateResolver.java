package dev.weft.expression;

import dev.weft.definition.JsonPointers;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Resolves every {@code {{ }}} template in a config tree against a scope, leaving raw-expression fields
 * (see {@link Expression}) untouched for the node to evaluate.
 */
public final class TemplateResolver {
  private final ExpressionEngine engine;

  public TemplateResolver(ExpressionEngine engine) {
    this.engine = engine;
  }

  /**
   * @param basePath the pointer of {@code tree} in the definition, for error messages
   * @param isExpressionField tells, for a pointer relative to {@code tree}, whether it is a raw expression
   */
  public JsonNode resolve(JsonNode tree, String basePath, Scope scope, Function<String, Boolean> isExpressionField) {
    return resolve(tree, basePath, scope, isExpressionField, rel -> false);
  }

  /** @param isLiteralField tells whether a pointer is a literal field (code): kept exactly as written */
  public JsonNode resolve(JsonNode tree, String basePath, Scope scope, Function<String, Boolean> isExpressionField,
      Function<String, Boolean> isLiteralField) {
    return walk(tree, "", basePath, scope, isExpressionField, isLiteralField);
  }

  private JsonNode walk(JsonNode node, String rel, String base, Scope scope, Function<String, Boolean> raw,
      Function<String, Boolean> literal) {
    if (node == null) return null;
    if (literal.apply(rel)) return node;
    if (node.isString()) {
      if (raw.apply(rel)) return JsonNodeFactory.instance.stringNode(Templates.unwrap(node.stringValue()));
      return resolveString(node.stringValue(), base + rel, scope);
    }
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      node.properties().forEach(e -> out.set(e.getKey(),
          walk(e.getValue(), JsonPointers.child(rel, e.getKey()), base, scope, raw, literal)));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      for (int i = 0; i < node.size(); i++) {
        out.add(walk(node.get(i), JsonPointers.child(rel, i), base, scope, raw, literal));
      }
      return out;
    }
    return node;
  }

  /** Resolves one string: typed value for a whole template, text otherwise. */
  public JsonNode resolveString(String s, String path, Scope scope) {
    if (!Templates.hasTemplate(s)) return JsonNodeFactory.instance.stringNode(s);
    List<Templates.Part> parts;
    try {
      parts = Templates.parse(s);
    } catch (ExpressionException e) {
      throw new ExpressionException(e.code(), s, path, e.getMessage());
    }
    // Exactly one template, surrounding blanks allowed (as Templates.whole): the typed value.
    Optional<String> whole = Templates.whole(s);
    if (whole.isPresent()) {
      return checkSize(engine.evaluate(whole.get(), path, scope, false), s, path);
    }
    StringBuilder out = new StringBuilder();
    for (Templates.Part p : parts) {
      out.append(p.expression() ? JsonValues.asText(engine.evaluate(p.text(), path, scope, false)) : p.text());
      if (out.length() > engine.limits().maxResultChars()) {
        throw new ExpressionException("limit.template_size", s, path,
            "rendered text exceeds " + engine.limits().maxResultChars() + " characters");
      }
    }
    return JsonNodeFactory.instance.stringNode(out.toString());
  }

  private JsonNode checkSize(JsonNode v, String s, String path) {
    if ((v.isContainer() || v.isString()) && v.toString().length() > engine.limits().maxResultChars()) {
      throw new ExpressionException("limit.template_size", s, path,
          "value exceeds " + engine.limits().maxResultChars() + " characters");
    }
    return v;
  }
}
