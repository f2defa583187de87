package dev.weft.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Where a key is welcome but never needed ({@code /actuator/health}): a good key authenticates the
 * request (an admin's then sees the health components), anything else (no key, a bad or unknown one,
 * a store that cannot be asked) leaves it anonymous. A probe is never refused because of its header.
 */
public class OptionalKeyFilter extends OncePerRequestFilter {
  private final RequestMatcher where;
  private final AuthenticationProvider provider;
  private final BearerKeyConverter converter = new BearerKeyConverter();

  public OptionalKeyFilter(RequestMatcher where, AuthenticationProvider provider) {
    this.where = where;
    this.provider = provider;
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
      Authentication result = presented == null ? null : provider.authenticate(presented);
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
