package dev.weft.domain;

import dev.weft.definition.Violation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request Weft refuses, as the layers below the API state it: what {@link Kind} of refusal it is, a
 * stable {@code code} (such as {@code workflow.not_found}), a message, every violation as
 * {@code {path, code, message}} and any further facts a client may need ({@code extra}, such as the
 * {@code runId} an idempotency key already started). It knows nothing of HTTP: the API maps each kind to
 * a status in one place ({@code dev.weft.api.ProblemHandler}) and renders the rest as problem+json.
 *
 * <p>Paths are JSON pointers into the request's body, or {@code query.<name>}, {@code header.<Name>} and
 * {@code path.<name>} for the other parts of a request ({@code ""} when the whole request is meant).
 */
public class DomainException extends RuntimeException {
  /** What kind of refusal: the API answers each with one HTTP status. */
  public enum Kind {
    /** The request breaks a rule: malformed, out of bounds, an invalid definition (400). */
    INVALID,
    /** The request does not prove where it comes from: a webhook whose signature or token does not check out (401). */
    UNAUTHENTICATED,
    /** The caller may not do this (403). */
    FORBIDDEN,
    /** What the request names does not exist (404). */
    NOT_FOUND,
    /** It conflicts with the current state: taken, archived, ended, already decided (409). */
    CONFLICT,
    /** Understood but refused for what it means: an idempotency key reused with another request (422). */
    UNPROCESSABLE,
    /** The request's body is over a limit of what it addresses, such as a webhook trigger's {@code maxBodyBytes} (413). */
    TOO_LARGE,
    /** Too many requests from this caller for now; {@link #retryAfterSeconds()} says when to try again (429). */
    RATE_LIMITED,
    /** This deployment cannot do it at all: schedules on the in-process Temporal server (501). */
    UNSUPPORTED,
    /** The body is of a media type this resource does not take: a knowledge-base document that is not text, Markdown, HTML or PDF (415). */
    UNSUPPORTED_MEDIA_TYPE
  }

  private final Kind kind;
  private final String code;
  private final List<Violation> errors;
  private final Map<String, Object> extra;
  private final Long retryAfterSeconds;

  public DomainException(Kind kind, String code, String message, List<Violation> errors, Map<String, Object> extra) {
    this(kind, code, message, errors, extra, null);
  }

  private DomainException(Kind kind, String code, String message, List<Violation> errors, Map<String, Object> extra,
      Long retryAfterSeconds) {
    super(message);
    this.kind = kind;
    this.code = code;
    this.errors = List.copyOf(errors);
    // Insertion order is the order of the problem's properties.
    this.extra = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** One violation at {@code path} that is the whole problem. */
  public static DomainException of(Kind kind, String path, String code, String message) {
    return new DomainException(kind, code, message, List.of(Violation.of(path, code, message)), Map.of());
  }

  public static DomainException invalid(String path, String code, String message) {
    return of(Kind.INVALID, path, code, message);
  }

  public static DomainException notFound(String path, String code, String message) {
    return of(Kind.NOT_FOUND, path, code, message);
  }

  public static DomainException conflict(String path, String code, String message) {
    return of(Kind.CONFLICT, path, code, message);
  }

  /** Several violations under one code, such as {@code definition.invalid}. */
  public static DomainException invalid(String code, String message, List<Violation> errors) {
    return new DomainException(Kind.INVALID, code, message, errors, Map.of());
  }

  /** This problem with one more property. */
  public DomainException with(String key, Object value) {
    Map<String, Object> m = new LinkedHashMap<>(extra);
    m.put(key, value);
    return new DomainException(kind, code, getMessage(), errors, m, retryAfterSeconds);
  }

  /** This problem telling the caller to try again after {@code seconds}. */
  public DomainException retryAfter(long seconds) {
    return new DomainException(kind, code, getMessage(), errors, extra, seconds);
  }

  public Kind kind() {
    return kind;
  }

  public String code() {
    return code;
  }

  /** Every violation; the first one's path is where the problem is. */
  public List<Violation> errors() {
    return errors;
  }

  /** The JSON pointer (or {@code query.x}, {@code path.x}, {@code header.X}) of the first violation; {@code ""} if none. */
  public String path() {
    return errors.isEmpty() ? "" : errors.getFirst().path();
  }

  /** Further properties of the problem, in order. */
  public Map<String, Object> extra() {
    return extra;
  }

  /** When to try again, for {@link Kind#RATE_LIMITED}; null otherwise. */
  public Long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
