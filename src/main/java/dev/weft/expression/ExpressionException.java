package dev.weft.expression;

/** An expression that failed to compile or evaluate; carries the expression and its config path. */
public class ExpressionException extends RuntimeException {
  private final String code;
  private final String expression;
  private final String path;

  public ExpressionException(String code, String expression, String path, String message) {
    super(message);
    this.code = code;
    this.expression = expression;
    this.path = path;
  }

  public String code() {
    return code;
  }

  public String expression() {
    return expression;
  }

  public String path() {
    return path;
  }

  /** Names the path and the expression, so an operator can find the culprit from the message alone. */
  public String describe() {
    return "expression at " + (path == null || path.isEmpty() ? "/" : path) + " `" + expression + "`: "
        + getMessage();
  }
}
