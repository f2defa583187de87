package dev.weft.api;

import dev.weft.config.ConsoleProperties;
import dev.weft.domain.DomainException;
import dev.weft.security.ConsoleSessions;
import dev.weft.security.JwtAuthentication;
import dev.weft.security.OidcSignIn;
import dev.weft.security.SessionCookies;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Console sign-in through the OIDC provider ({@link OidcSignIn}): {@code GET /api/session/oidc} tells the
 * sign-in page whether to offer it and under which name; {@code /start} sends the browser to the provider's
 * login page; {@code /callback} is where the provider sends it back, and answers with the session cookie and
 * a redirect to the console, or a redirect to the sign-in page with an error code. No key is needed.
 */
@RestController
@RequestMapping("/api/session/oidc")
class OidcSessionController {
  private static final Logger log = LoggerFactory.getLogger(OidcSessionController.class);
  static final String CALLBACK = "/api/session/oidc/callback";

  private final ObjectProvider<OidcSignIn> oidc;
  private final ConsoleSessions sessions;
  private final ConsoleProperties console;

  OidcSessionController(ObjectProvider<OidcSignIn> oidc, ConsoleSessions sessions, ConsoleProperties console) {
    this.oidc = oidc;
    this.sessions = sessions;
    this.console = console;
  }

  @GetMapping
  ResponseEntity<Map<String, Object>> info() {
    if (oidc.getIfAvailable() == null) {
      throw DomainException.notFound("weft.console.oidc.client-id", "session.oidc_disabled",
          "sign-in through an OIDC provider is not configured");
    }
    return ResponseEntity.ok().cacheControl(CacheControl.noStore())
        .body(Map.of("displayName", console.oidc().displayName(), "start", "/api/session/oidc/start"));
  }

  @GetMapping("/start")
  ResponseEntity<Void> start(HttpServletRequest request) {
    OidcSignIn signIn = oidc.getIfAvailable();
    if (signIn == null) return toSignIn("oidc.disabled", null);
    OidcSignIn.Begun begun;
    try {
      begun = signIn.begin(redirectUri(request));
    } catch (OidcSignIn.Failure f) {
      log.warn("OIDC sign-in not started ({}): {}", f.code(), f.getMessage());
      return toSignIn(f.code(), null);
    }
    return ResponseEntity.status(HttpStatus.FOUND).location(begun.authorizationUrl()).cacheControl(CacheControl.noStore())
        .header(HttpHeaders.SET_COOKIE, pendingCookie(begun.cookieValue(), begun.cookieMaxAge().toSeconds(), request.isSecure()))
        .build();
  }

  @GetMapping("/callback")
  ResponseEntity<Void> callback(@RequestParam(required = false) String code, @RequestParam(required = false) String state,
      @RequestParam(required = false) String error, HttpServletRequest request) {
    OidcSignIn signIn = oidc.getIfAvailable();
    if (signIn == null) return toSignIn("oidc.disabled", null);
    String pending = null;
    if (request.getCookies() != null) {
      for (Cookie c : request.getCookies()) {
        if (OidcSignIn.COOKIE.equals(c.getName())) pending = c.getValue();
      }
    }
    JwtAuthentication caller;
    try {
      caller = signIn.finish(pending, code, state, error, redirectUri(request));
    } catch (OidcSignIn.Failure f) {
      log.warn("OIDC sign-in refused ({}): {}", f.code(), f.getMessage());
      return toSignIn(f.code(), pendingCookie("", 0, request.isSecure()));
    }
    ConsoleSessions.Started started = sessions.start(caller);
    java.time.Duration maxAge = java.time.Duration.between(java.time.Instant.now(), started.session().expiresAt());
    if (maxAge.compareTo(sessions.maxAge()) > 0) maxAge = sessions.maxAge();
    if (maxAge.isNegative()) maxAge = java.time.Duration.ZERO;
    log.info("OIDC sign-in of {} in tenant {}", caller.getName(), caller.getPrincipal().tenant());
    return ResponseEntity.status(HttpStatus.FOUND).location(URI.create("/#/workflows")).cacheControl(CacheControl.noStore())
        .header(HttpHeaders.SET_COOKIE, pendingCookie("", 0, request.isSecure()))
        .header(HttpHeaders.SET_COOKIE, SessionCookies.of(started.token(), maxAge, request.isSecure()))
        .build();
  }

  private URI redirectUri(HttpServletRequest request) {
    URI configured = console.oidc().redirectUri();
    if (configured != null) return configured;
    return ServletUriComponentsBuilder.fromContextPath(request).path(CALLBACK).build().toUri();
  }

  private static ResponseEntity<Void> toSignIn(String code, String clearCookie) {
    ResponseEntity.BodyBuilder b = ResponseEntity.status(HttpStatus.FOUND).location(URI.create("/#/signin?error=" + code))
        .cacheControl(CacheControl.noStore());
    if (clearCookie != null) b.header(HttpHeaders.SET_COOKIE, clearCookie);
    return b.build();
  }

  /**
   * The pending sign-in: HttpOnly, sent only to {@code /api/session/oidc}, SameSite=Lax because the
   * provider's redirect back is a navigation from another site (a Strict cookie would not come with it).
   */
  static String pendingCookie(String value, long maxAgeSeconds, boolean secure) {
    return OidcSignIn.COOKIE + "=" + value + "; Path=" + OidcSignIn.COOKIE_PATH + "; Max-Age=" + maxAgeSeconds
        + "; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
  }
}
