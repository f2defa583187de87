package dev.weft.expression;

/**
 * Cost bounds of the expression language: the length of one expression, the iterations of one
 * comprehension ({@code filter}, {@code map}, {@code all}, ...), and the size of a rendered template.
 */
public record ExpressionLimits(int maxExpressionLength, int maxIterations, int maxResultChars) {
  public static final ExpressionLimits DEFAULTS = new ExpressionLimits(4_096, 10_000, 1_048_576);
}
