package dev.weft.api;

import dev.weft.definition.Violation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A request the HTTP layer itself refuses (an unreadable body, a bad query parameter, a webhook whose run
 * failed); what the layers below refuse is a {@link dev.weft.domain.DomainException}. Rendered as RFC 9457
 * problem+json by {@link ProblemHandler}: an HTTP status, a stable top-level code,
 * and every violation as {@code {path, code, message}}. Paths are JSON pointers into the body, or
 * {@code query.<name>}, {@code header.<Name>} and {@code path.<name>} for the other parts of a request.
 */
public class ApiProblem extends RuntimeException {
  private final HttpStatus status;
  private final String code;
  private final List<Violation> errors;
  private final Map<String, Object> extra;

  public ApiProblem(HttpStatus status, String code, String message, List<Violation> errors, Map<String, Object> extra) {
    super(message);
    this.status = status;
    this.code = code;
    this.errors = List.copyOf(errors);
    this.extra = Map.copyOf(extra);
  }

  /** One violation that is the whole problem. */
  public static ApiProblem of(HttpStatus status, String path, String code, String message) {
    return new ApiProblem(status, code, message, List.of(Violation.of(path, code, message)), Map.of());
  }

  public static ApiProblem notFound(String path, String code, String message) {
    return of(HttpStatus.NOT_FOUND, path, code, message);
  }

  public static ApiProblem badRequest(String path, String code, String message) {
    return of(HttpStatus.BAD_REQUEST, path, code, message);
  }

  public static ApiProblem conflict(String path, String code, String message) {
    return of(HttpStatus.CONFLICT, path, code, message);
  }

  public ApiProblem with(String key, Object value) {
    Map<String, Object> m = new LinkedHashMap<>(extra);
    m.put(key, value);
    return new ApiProblem(status, code, getMessage(), errors, m);
  }

  public HttpStatus status() {
    return status;
  }

  public String code() {
    return code;
  }

  public List<Violation> errors() {
    return errors;
  }

  public Map<String, Object> extra() {
    return extra;
  }
}
