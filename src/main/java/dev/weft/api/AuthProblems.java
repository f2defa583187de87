package dev.weft.api;

import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.security.IssuerUnavailableException;
import dev.weft.security.WeftPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

/**
 * The answers of the security filters, in the API's problem+json shape: 401 {@code auth.missing} (no
 * key where one is needed), 401 {@code auth.invalid} (a key that is malformed, unknown, revoked or
 * expired), 401 {@code auth.invalid_token} (a JWT that does not verify or names no principal or tenant),
 * 403 {@code auth.forbidden} (the caller's roles do not allow the request), 503 {@code store.unavailable}
 * when keys cannot be looked up and 503 {@code auth.issuer_unavailable} when the identity provider's keys
 * cannot be fetched, 403 {@code session.csrf} for a change on a console session without its CSRF token.
 * Never with the key or the token.
 */
public final class AuthProblems implements AuthenticationEntryPoint, AccessDeniedHandler, AuthenticationFailureHandler {
  private static final Logger log = LoggerFactory.getLogger(AuthProblems.class);
  static final String MISSING = "auth.missing";
  static final String INVALID = "auth.invalid";
  static final String FORBIDDEN = "auth.forbidden";
  static final String INVALID_TOKEN = "auth.invalid_token";
  static final String ISSUER_UNAVAILABLE = "auth.issuer_unavailable";
  static final String CSRF = "session.csrf";

  /** No key (the request is anonymous) where one is needed. */
  @Override
  public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e) throws IOException {
    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    write(response, HttpStatus.UNAUTHORIZED, "header.Authorization", MISSING,
        "this request needs an API key: send 'Authorization: Bearer <key>'");
  }

  /** A key was sent and is not good (or could not be checked). */
  @Override
  public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    if (e instanceof IssuerUnavailableException) {
      Throwable cause = e.getCause() != null && e.getCause().getCause() != null ? e.getCause().getCause() : e.getCause();
      log.warn("identity provider unavailable: cannot check a JWT: {}", cause == null ? e.toString() : cause.toString());
      response.setHeader(HttpHeaders.RETRY_AFTER, "5");
      write(response, HttpStatus.SERVICE_UNAVAILABLE, "", ISSUER_UNAVAILABLE,
          "the identity provider's keys cannot be fetched right now; try again shortly");
      return;
    }
    if (e instanceof AuthenticationServiceException) {
      log.warn("store unavailable: cannot check an API key: {}", e.getCause() == null ? e.toString() : e.getCause().toString());
      response.setHeader(HttpHeaders.RETRY_AFTER, "5");
      write(response, HttpStatus.SERVICE_UNAVAILABLE, "", "store.unavailable",
          "the database is not reachable right now; try again shortly");
      return;
    }
    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
    // The exceptions' messages are ours and never contain the key or the token (JwtTokenProvider).
    if (e instanceof InvalidBearerTokenException) {
      write(response, HttpStatus.UNAUTHORIZED, "header.Authorization", INVALID_TOKEN, e.getMessage());
      return;
    }
    write(response, HttpStatus.UNAUTHORIZED, "header.Authorization", INVALID, e.getMessage());
  }

  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e) throws IOException {
    if (e instanceof org.springframework.security.web.csrf.CsrfException) {
      write(response, HttpStatus.FORBIDDEN, "header.X-CSRF-Token", CSRF,
          "a change made with the console's session cookie needs the session's CSRF token in X-CSRF-Token"
              + (e instanceof org.springframework.security.web.csrf.MissingCsrfTokenException ? "" : "; this one does not match"));
      return;
    }
    Authentication a = SecurityContextHolder.getContext().getAuthentication();
    String who = a != null && a.getPrincipal() instanceof WeftPrincipal p ? "'" + p.id() + "' (roles " + p.roles() + ")" : "this caller";
    write(response, HttpStatus.FORBIDDEN, "", FORBIDDEN,
        who + " may not " + request.getMethod() + " " + request.getRequestURI() + "; see the roles in docs/api.md");
  }

  static void write(HttpServletResponse response, HttpStatus status, String path, String code, String message)
      throws IOException {
    ProblemDetail d = ProblemHandler.detail(status, code, message, List.of(Violation.of(path, code, message)));
    response.setStatus(status.value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.getOutputStream().write(Json.MAPPER.writeValueAsBytes(ProblemHandler.asMap(d)));
  }
}
