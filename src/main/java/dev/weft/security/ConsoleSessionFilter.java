package dev.weft.security;

import dev.weft.store.ConsoleSessionStore.Session;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.springframework.dao.DataAccessException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.csrf.MissingCsrfTokenException;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a request by its console session cookie when it carries no {@code Authorization} header (a
 * key or token sent explicitly always wins). A request that changes something ({@code POST}, {@code PUT},
 * {@code PATCH}, {@code DELETE}) on a session must carry the session's CSRF token in
 * {@code X-CSRF-Token}, else it is answered 403 {@code session.csrf} without running: the SameSite=Strict
 * cookie already keeps other sites out, and the token holds where SameSite is not honoured. A cookie whose
 * session has ended is removed from the browser and the request goes on unauthenticated (401 where a
 * caller is needed).
 */
public class ConsoleSessionFilter extends OncePerRequestFilter {
  /** The request attribute that holds the request's {@link Session}, when it came with one. */
  public static final String SESSION_ATTRIBUTE = ConsoleSessionFilter.class.getName() + ".session";
  private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
  private final ConsoleSessions sessions;
  private final RequestMatcher skip;
  private final AccessDeniedHandler denied;

  public ConsoleSessionFilter(ConsoleSessions sessions, RequestMatcher skip, AccessDeniedHandler denied) {
    this.sessions = sessions;
    this.skip = skip;
    this.denied = denied;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String token = token(request);
    SecurityContext context = SecurityContextHolder.getContext();
    if (token == null || skip.matches(request) || request.getHeader("Authorization") != null
        || (context.getAuthentication() != null && context.getAuthentication().isAuthenticated())) {
      chain.doFilter(request, response);
      return;
    }
    Optional<Session> found;
    try {
      found = sessions.resolve(token);
    } catch (DataAccessException e) {
      // Like a key that cannot be checked: the caller is anonymous for this request (401), never a 500.
      logger.warn("console session not checked, store unavailable: " + e.getClass().getSimpleName());
      chain.doFilter(request, response);
      return;
    }
    if (found.isEmpty()) {
      response.addHeader("Set-Cookie", SessionCookies.cleared(request.isSecure()));
      chain.doFilter(request, response);
      return;
    }
    Session s = found.get();
    if (!SAFE.contains(request.getMethod())) {
      String header = request.getHeader(ConsoleSessions.CSRF_HEADER);
      if (header == null) {
        denied.handle(request, response, new MissingCsrfTokenException(null));
        return;
      }
      if (!ConsoleSessions.csrfMatches(s, header)) {
        denied.handle(request, response, new CsrfException("the CSRF token does not match the session"));
        return;
      }
    }
    request.setAttribute(SESSION_ATTRIBUTE, s);
    WeftPrincipal p = new WeftPrincipal(s.principal(), s.roles(), s.groups(), s.tenant());
    SecurityContext signedIn = SecurityContextHolder.createEmptyContext();
    signedIn.setAuthentication(new SessionAuthentication(p));
    SecurityContextHolder.setContext(signedIn);
    chain.doFilter(request, response);
  }

  private static String token(HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) return null;
    for (Cookie c : cookies) {
      if (ConsoleSessions.COOKIE.equals(c.getName())) return c.getValue();
    }
    return null;
  }
}
