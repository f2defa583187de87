package dev.weft.api;

import dev.weft.config.ConsoleProperties;
import dev.weft.domain.DomainException;
import dev.weft.security.ConsoleSessionFilter;
import dev.weft.security.ConsoleSessions;
import dev.weft.security.SessionAuthentication;
import dev.weft.security.SessionCookies;
import dev.weft.security.WeftPrincipal;
import dev.weft.store.ConsoleSessionStore.Session;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Signing in to the console and out again ({@link ConsoleSessions}). Signing in is a {@code POST} that
 * authenticates like any API call, with {@code Authorization: Bearer <API key or JWT>}; the answer sets the
 * session cookie and holds the CSRF token the console sends back on changes.
 */
@RestController
@RequestMapping("/api/session")
class SessionController {
  private final ConsoleSessions sessions;
  private final ConsoleProperties console;

  SessionController(ConsoleSessions sessions, ConsoleProperties console) {
    this.sessions = sessions;
    this.console = console;
  }

  @PostMapping
  ResponseEntity<Map<String, Object>> signIn(Authentication caller, HttpServletRequest request) {
    if (caller instanceof SessionAuthentication) {
      throw DomainException.invalid("header.Authorization", "session.needs_key",
          "sign in with an API key or a token in 'Authorization: Bearer ...', not with a session");
    }
    ConsoleSessions.Started started = sessions.start(caller);
    return ResponseEntity.status(HttpStatus.CREATED)
        .header(HttpHeaders.SET_COOKIE, SessionCookies.of(started.token(), sessions.maxAge(), request.isSecure()))
        .cacheControl(CacheControl.noStore())
        .body(view((WeftPrincipal) caller.getPrincipal(), started.session()));
  }

  /** Who is signed in: the console asks this when a page loads. */
  @GetMapping
  ResponseEntity<Map<String, Object>> current(@AuthenticationPrincipal WeftPrincipal caller, HttpServletRequest request) {
    Session s = (Session) request.getAttribute(ConsoleSessionFilter.SESSION_ATTRIBUTE);
    return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(view(caller, s));
  }

  @DeleteMapping
  ResponseEntity<Void> signOut(@AuthenticationPrincipal WeftPrincipal caller, HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    if (cookies != null) {
      for (Cookie c : cookies) {
        if (ConsoleSessions.COOKIE.equals(c.getName())) sessions.end(c.getValue(), caller);
      }
    }
    return ResponseEntity.noContent().header(HttpHeaders.SET_COOKIE, SessionCookies.cleared(request.isSecure())).build();
  }

  private Map<String, Object> view(WeftPrincipal p, Session s) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("principal", p.id());
    v.put("roles", p.roles());
    v.put("groups", p.groups());
    v.put("tenant", p.tenant());
    if (s != null) {
      v.put("csrfToken", s.csrfToken());
      v.put("expiresAt", s.expiresAt());
    }
    if (console.temporalUiUrl() != null && !console.temporalUiUrl().isBlank()) v.put("temporalUiUrl", console.temporalUiUrl());
    return v;
  }
}
