package dev.weft.api;

import dev.weft.definition.Violation;
import dev.weft.domain.DomainException;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowQueryException;
import io.temporal.client.WorkflowServiceException;
import java.net.URI;
import org.apache.tomcat.util.http.InvalidParameterException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error as problem+json with a stable {@code code} and {@code errors:[{path, code, message}]},
 * including Spring MVC's own (404, 405, 406, 415, unreadable bodies, bad parameters). Unexpected
 * failures are logged and answered with a 500 that reveals nothing.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
  private static final String TYPE_BASE = "https://weft.dev/problems/";

  @ExceptionHandler(ApiProblem.class)
  ResponseEntity<Object> apiProblem(ApiProblem p) {
    ProblemDetail d = detail(p.status(), p.code(), p.getMessage(), p.errors());
    p.extra().forEach(d::setProperty);
    return respond(d);
  }

  /**
   * What the services, the store and the agent refuse: the one place a {@link DomainException.Kind} becomes
   * an HTTP status. The problem's {@code extra} facts become top-level properties.
   */
  @ExceptionHandler(DomainException.class)
  ResponseEntity<Object> domain(DomainException e) {
    HttpStatus status = status(e.kind());
    ProblemDetail d = detail(status, e.code(), e.getMessage(), e.errors());
    e.extra().forEach(d::setProperty);
    ResponseEntity.BodyBuilder answer = ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
    if (e.retryAfterSeconds() != null) answer.header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
    return answer.body(d);
  }

  /** The HTTP status of each kind of domain refusal. */
  public static HttpStatus status(DomainException.Kind kind) {
    return switch (kind) {
      case INVALID -> HttpStatus.BAD_REQUEST;
      case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
      case FORBIDDEN -> HttpStatus.FORBIDDEN;
      case NOT_FOUND -> HttpStatus.NOT_FOUND;
      case CONFLICT -> HttpStatus.CONFLICT;
      case TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
      case UNPROCESSABLE -> HttpStatus.UNPROCESSABLE_CONTENT;
      case RATE_LIMITED -> HttpStatus.TOO_MANY_REQUESTS;
      case UNSUPPORTED -> HttpStatus.NOT_IMPLEMENTED;
      case UNSUPPORTED_MEDIA_TYPE -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    };
  }

  @ExceptionHandler(PayloadTooLarge.class)
  ResponseEntity<Object> tooLarge(PayloadTooLarge e) {
    return respond(detail(HttpStatus.CONTENT_TOO_LARGE, "request.too_large", e.getMessage(),
        List.of(Violation.of("", "request.too_large", e.getMessage()))));
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException e) {
    String msg = "'" + e.getValue() + "' is not a valid " + e.getName();
    return respond(detail(HttpStatus.BAD_REQUEST, "request.invalid_parameter", msg,
        List.of(Violation.of("query." + e.getName(), "request.invalid_parameter", msg))));
  }

  /** A query string or body the servlet container cannot even parse into parameters. */
  @ExceptionHandler({InvalidParameterException.class, MultipartException.class})
  ResponseEntity<Object> unparsable(RuntimeException e) {
    String message = "the request's parameters cannot be parsed: " + e.getMessage();
    return respond(detail(HttpStatus.BAD_REQUEST, "request.malformed", message,
        List.of(Violation.of("", "request.malformed", message))));
  }

  /**
   * The firewall's rejection of a header value, which {@code StrictHttpFirewall} checks only when the
   * header is read (by then inside the controller): a 400 like the rejections of {@link RejectedRequests}.
   */
  @ExceptionHandler(RequestRejectedException.class)
  ResponseEntity<Object> rejected(RequestRejectedException e) {
    return respond(detail(HttpStatus.BAD_REQUEST, RejectedRequests.CODE, RejectedRequests.MESSAGE,
        List.of(Violation.of("", RejectedRequests.CODE, RejectedRequests.MESSAGE))));
  }

  /**
   * Text PostgreSQL cannot store (a NUL character: SQL states 22021 and 22P05) that no validation caught:
   * the request's fault, a 400; any other integrity violation stays an unexpected 500.
   */
  @ExceptionHandler(DataIntegrityViolationException.class)
  ResponseEntity<Object> integrity(DataIntegrityViolationException e) {
    String state = e.getMostSpecificCause() instanceof java.sql.SQLException sql ? sql.getSQLState() : null;
    if ("22021".equals(state) || "22P05".equals(state)) {
      String message = "the request holds characters that cannot be stored (such as a NUL character)";
      return respond(detail(HttpStatus.BAD_REQUEST, "request.invalid_characters", message,
          List.of(Violation.of("", "request.invalid_characters", message))));
    }
    return unexpected(e);
  }

  /** PostgreSQL unreachable or timing out: the request may succeed a little later. */
  @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessException.class})
  ResponseEntity<Object> storeUnavailable(DataAccessException e) {
    log.warn("store unavailable: {}", e.getMostSpecificCause().toString());
    return unavailable("store.unavailable", "the database is not reachable right now; try again shortly");
  }

  /** Temporal unreachable, or no worker answered a query in time. */
  @ExceptionHandler({WorkflowServiceException.class, WorkflowQueryException.class, StatusRuntimeException.class})
  ResponseEntity<Object> temporalUnavailable(RuntimeException e) {
    log.warn("temporal unavailable: {}", e.toString());
    return unavailable("temporal.unavailable", "Temporal (or a worker answering for this run) is not reachable right now; "
        + "try again shortly");
  }

  private static ResponseEntity<Object> unavailable(String code, String message) {
    ProblemDetail d = detail(HttpStatus.SERVICE_UNAVAILABLE, code, message, List.of(Violation.of("", code, message)));
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5")
        .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(d);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Object> unexpected(Exception e) {
    log.error("unexpected error", e);
    return respond(detail(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "an internal error occurred; it has been logged",
        List.of()));
  }

  /** Spring MVC's own exceptions: keep their status, add our code and errors. */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
      HttpStatusCode status, WebRequest request) {
    String code;
    String path = "";
    String message;
    switch (ex) {
      case NoResourceFoundException e -> {
        code = "route.not_found";
        message = "no such endpoint: " + e.getResourcePath();
      }
      case HttpRequestMethodNotSupportedException e -> {
        code = "method.not_allowed";
        message = e.getMethod() + " is not supported here; use " + e.getSupportedHttpMethods();
      }
      case HttpMediaTypeNotSupportedException e -> {
        code = "media_type.unsupported";
        path = "header.Content-Type";
        message = "content type " + e.getContentType() + " is not supported; use " + e.getSupportedMediaTypes();
      }
      case HttpMediaTypeNotAcceptableException e -> {
        code = "media_type.not_acceptable";
        path = "header.Accept";
        message = "cannot answer in the requested media type; available: " + e.getSupportedMediaTypes();
      }
      case MissingServletRequestParameterException e -> {
        code = "request.missing_parameter";
        path = "query." + e.getParameterName();
        message = "query parameter '" + e.getParameterName() + "' is required";
      }
      case MissingRequestHeaderException e -> {
        code = "request.missing_header";
        path = "header." + e.getHeaderName();
        message = "header '" + e.getHeaderName() + "' is required";
      }
      case HttpMessageNotReadableException e -> {
        code = "json.syntax";
        message = "the request body is not readable JSON";
      }
      default -> {
        code = "request." + HttpStatus.valueOf(status.value()).name().toLowerCase(Locale.ROOT);
        message = ex.getMessage() == null ? HttpStatus.valueOf(status.value()).getReasonPhrase() : ex.getMessage();
      }
    }
    ProblemDetail d = detail(status, code, message, List.of(Violation.of(path, code, message)));
    return ResponseEntity.status(status).headers(headers).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(d);
  }

  static ProblemDetail detail(HttpStatusCode status, String code, String message, List<Violation> errors) {
    ProblemDetail d = ProblemDetail.forStatusAndDetail(status, message);
    d.setType(URI.create(TYPE_BASE + code));
    d.setTitle(HttpStatus.valueOf(status.value()).getReasonPhrase());
    d.setProperty("code", code);
    d.setProperty("errors", errors);
    return d;
  }

  /** The problem as the JSON object Spring MVC would write (its properties at the top level). */
  static Map<String, Object> asMap(ProblemDetail d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", d.getType().toString());
    m.put("title", d.getTitle());
    m.put("status", d.getStatus());
    m.put("detail", d.getDetail());
    if (d.getProperties() != null) m.putAll(d.getProperties());
    return m;
  }

  private static ResponseEntity<Object> respond(ProblemDetail d) {
    return ResponseEntity.status(d.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(d);
  }
}
