package dev.weft.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Where a key (or a token) is welcome but never needed ({@code /actuator/health}): a good one authenticates the
 * request (an admin's then sees the health components), anything else (no key, a bad or unknown one,
 * a store that cannot be asked) leaves it anonymous. A probe is never refused because of its header.
 */
public class OptionalKeyFilter extends OncePerRequestFilter {
  private final RequestMatcher where;
  private final AuthenticationManager authentication;
  private final AuthenticationConverter converter;

  public OptionalKeyFilter(RequestMatcher where, AuthenticationManager authentication, AuthenticationConverter converter) {
    this.where = where;
    this.authentication = authentication;
    this.converter = converter;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !where.matches(request);
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    try {
      Authentication presented = converter.convert(request);
      Authentication result = presented == null ? null : authentication.authenticate(presented);
      if (result != null && result.isAuthenticated()) {
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(result);
        SecurityContextHolder.setContext(context);
      }
    } catch (AuthenticationException e) {
      // anonymous, as without a key
    }
    chain.doFilter(request, response);
  }
}
