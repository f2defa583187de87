package dev.weft.node;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.weft.definition.JsonPointers;
import dev.weft.expression.Expression;
import dev.weft.expression.ExpressionException;
import dev.weft.expression.Templates;
import tools.jackson.databind.JsonNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a config record holds raw expressions ({@link Expression}) and literal fields
 * ({@link dev.weft.expression.Literal}), as pointer patterns with {@code *} for any list index or map key,
 * e.g. {@code /cases/* /condition}. Derived once from the record.
 */
public record ConfigShape(List<ExpressionField> expressionFields, List<ExpressionField> literalFields) {

  public ConfigShape(List<ExpressionField> expressionFields) {
    this(expressionFields, List.of());
  }

  /** One raw-expression field pattern. */
  public record ExpressionField(List<String> segments, boolean perItem) {
    boolean matches(List<String> pointer) {
      if (pointer.size() != segments.size()) return false;
      for (int i = 0; i < segments.size(); i++) {
        if (!segments.get(i).equals("*") && !segments.get(i).equals(pointer.get(i))) return false;
      }
      return true;
    }
  }

  /** An expression found in a config: a raw-expression field, or one {@code {{ }}} of a template. */
  public record Found(String pointer, String expression, boolean perItem, ExpressionException error) {}

  /**
   * Every expression of a config, in document order. A template that does not parse is reported as a
   * {@link Found} with its {@code error}.
   */
  public List<Found> expressionsIn(JsonNode config) {
    List<Found> out = new ArrayList<>();
    walk(config, "", out);
    return out;
  }

  private void walk(JsonNode node, String rel, List<Found> out) {
    if (node == null) return;
    // A literal field is kept as written, whatever its shape: a code node's source, a loop's body graph.
    if (isLiteral(rel)) return;
    if (node.isString()) {
      String text = node.stringValue();
      Optional<ExpressionField> raw = fieldAt(rel);
      if (raw.isPresent()) {
        out.add(new Found(rel, Templates.unwrap(text), raw.get().perItem(), null));
      } else if (Templates.hasTemplate(text)) {
        try {
          Templates.parse(text).stream().filter(Templates.Part::expression)
              .forEach(p -> out.add(new Found(rel, p.text(), false, null)));
        } catch (ExpressionException e) {
          out.add(new Found(rel, text, false, e));
        }
      }
    } else if (node.isObject()) {
      node.properties().forEach(e -> walk(e.getValue(), JsonPointers.child(rel, e.getKey()), out));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) walk(node.get(i), JsonPointers.child(rel, i), out);
    }
  }

  public static ConfigShape of(Class<? extends Record> config) {
    List<ExpressionField> fields = new ArrayList<>();
    List<ExpressionField> literals = new ArrayList<>();
    collect(config, new ArrayList<>(), fields, literals, 0);
    return new ConfigShape(List.copyOf(fields), List.copyOf(literals));
  }

  /** Whether the field at this pointer is {@link dev.weft.expression.Literal}: no templates, no expressions. */
  public boolean isLiteral(String pointer) {
    List<String> segs = split(pointer);
    return literalFields.stream().anyMatch(f -> f.matches(segs));
  }

  /** The raw-expression field at this pointer (relative to the config), if it is one. */
  public Optional<ExpressionField> fieldAt(String pointer) {
    List<String> segs = split(pointer);
    return expressionFields.stream().filter(f -> f.matches(segs)).findFirst();
  }

  private static void collect(Class<?> type, List<String> prefix, List<ExpressionField> out, List<ExpressionField> literals,
      int depth) {
    if (!type.isRecord() || depth > 8) return;
    for (RecordComponent rc : type.getRecordComponents()) {
      List<String> path = new ArrayList<>(prefix);
      JsonProperty jp = rc.getAnnotation(JsonProperty.class);
      path.add(jp != null && !jp.value().isEmpty() ? jp.value() : rc.getName());
      Expression ex = rc.getAnnotation(Expression.class);
      if (ex != null) {
        out.add(new ExpressionField(List.copyOf(path), ex.perItem()));
        continue;
      }
      if (rc.getAnnotation(dev.weft.expression.Literal.class) != null) {
        literals.add(new ExpressionField(List.copyOf(path), false));
        continue;
      }
      descend(rc.getGenericType(), path, out, literals, depth);
    }
  }

  private static void descend(Type t, List<String> path, List<ExpressionField> out, List<ExpressionField> literals,
      int depth) {
    if (t instanceof Class<?> c && c.isRecord()) {
      collect(c, path, out, literals, depth + 1);
    } else if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      Type[] args = p.getActualTypeArguments();
      Type element = Collection.class.isAssignableFrom(raw) ? args[0]
          : Map.class.isAssignableFrom(raw) ? args[1] : null;
      if (element != null) {
        List<String> star = new ArrayList<>(path);
        star.add("*");
        descend(element, star, out, literals, depth);
      }
    }
  }

  static List<String> split(String pointer) {
    List<String> segs = new ArrayList<>();
    if (pointer == null || pointer.isEmpty()) return segs;
    for (String s : pointer.substring(1).split("/", -1)) {
      segs.add(s.replace("~1", "/").replace("~0", "~"));
    }
    return segs;
  }
}
