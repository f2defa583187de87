package dev.weft.definition;

/**
 * One problem found in a definition or in a request: where (a JSON pointer), what (a stable code) and
 * a human-readable message. The same type flows from the validator to REST problem details and to the
 * LLM repair loop, so codes are a contract: never rename one.
 */
public record Violation(String path, String code, String message) {

  public static Violation of(String path, String code, String message) {
    return new Violation(path == null || path.isEmpty() ? "" : path, code, message);
  }
}
