package dev.weft.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Locale;
import dev.weft.definition.Violation;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The container's error path ({@code /error}), instead of Spring Boot's whitelabel page and error JSON:
 * what reaches it (an error the servlet container itself answers, a {@code sendError}, or a caller asking
 * for {@code /error} directly) is answered as problem+json like every other error. Never the exception or
 * its message: those stay in the log.
 */
@RestController
public class ProblemErrorController implements ErrorController {
  @RequestMapping(path = "/error", produces = {MediaType.APPLICATION_PROBLEM_JSON_VALUE, MediaType.APPLICATION_JSON_VALUE, "*/*"})
  ResponseEntity<Object> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    HttpStatus status = code instanceof Integer i ? HttpStatus.resolve(i) : null;
    // Asked for directly (no error being forwarded): there is no such endpoint.
    if (status == null || !status.isError()) status = HttpStatus.NOT_FOUND;
    String problem = status == HttpStatus.NOT_FOUND ? "route.not_found"
        : status.is5xxServerError() && status != HttpStatus.SERVICE_UNAVAILABLE ? "internal"
        : "request." + status.name().toLowerCase(Locale.ROOT);
    String message = switch (problem) {
      case "route.not_found" -> "no such endpoint";
      case "internal" -> "an internal error occurred; it has been logged";
      default -> status.getReasonPhrase();
    };
    ProblemDetail d = ProblemHandler.detail(status, problem, message,
        problem.equals("internal") ? List.of() : List.of(Violation.of("", problem, message)));
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(ProblemHandler.asMap(d));
  }
}
