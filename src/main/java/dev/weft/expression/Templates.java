package dev.weft.expression;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Splits strings holding {@code {{ expr }}} templates into literal text and expressions. A string that
 * is exactly one template (surrounding blanks allowed) yields the expression's typed value; otherwise
 * every template renders as text. Braces inside string literals and map literals are honoured.
 */
public final class Templates {
  private Templates() {}

  /** One piece of a template string: literal text, or an expression. */
  public record Part(boolean expression, String text) {}

  public static boolean hasTemplate(String s) {
    return s != null && s.contains("{{");
  }

  /**
   * @throws ExpressionException with code {@code expr.syntax} for an unclosed or empty template
   */
  public static List<Part> parse(String s) {
    List<Part> parts = new ArrayList<>();
    int i = 0;
    StringBuilder literal = new StringBuilder();
    while (i < s.length()) {
      int open = s.indexOf("{{", i);
      if (open < 0) {
        literal.append(s, i, s.length());
        break;
      }
      literal.append(s, i, open);
      int close = findClose(s, open + 2);
      if (close < 0) {
        throw new ExpressionException(ExpressionEngine.CODE_SYNTAX, s, null, "unclosed '{{' at position " + open);
      }
      String expr = s.substring(open + 2, close).trim();
      if (expr.isEmpty()) {
        throw new ExpressionException(ExpressionEngine.CODE_SYNTAX, s, null, "empty '{{ }}' at position " + open);
      }
      if (!literal.isEmpty()) {
        parts.add(new Part(false, literal.toString()));
        literal.setLength(0);
      }
      parts.add(new Part(true, expr));
      i = close + 2;
    }
    if (!literal.isEmpty()) parts.add(new Part(false, literal.toString()));
    return parts;
  }

  /** The expression of a string that is exactly one template, if it is one. */
  public static Optional<String> whole(String s) {
    if (!hasTemplate(s)) return Optional.empty();
    String t = s.strip();
    if (!t.startsWith("{{")) return Optional.empty();
    List<Part> parts;
    try {
      parts = parse(t);
    } catch (ExpressionException e) {
      return Optional.empty();
    }
    return parts.size() == 1 && parts.get(0).expression() ? Optional.of(parts.get(0).text()) : Optional.empty();
  }

  /** A raw-expression field may still be written as {@code {{ expr }}}; this strips that wrapper. */
  public static String unwrap(String s) {
    return whole(s).orElse(s);
  }

  private static int findClose(String s, int from) {
    int depth = 0;
    char quote = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
        continue;
      }
      switch (c) {
        case '"', '\'' -> quote = c;
        case '{' -> depth++;
        case '}' -> {
          if (depth == 0 && i + 1 < s.length() && s.charAt(i + 1) == '}') return i;
          if (depth > 0) depth--;
        }
        default -> { }
      }
    }
    return -1;
  }
}
