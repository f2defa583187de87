package dev.weft.security;

import dev.weft.domain.Tenants;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Makes the authenticated caller's tenant the current tenant ({@link Tenants}) for the rest of the
 * request, whichever way the caller authenticated (API key or token): every store query the request
 * causes then reads and writes that tenant's rows only. Runs after authentication, before authorisation.
 */
public class TenantContextFilter extends OncePerRequestFilter {
  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Authentication a = SecurityContextHolder.getContext().getAuthentication();
    if (a == null || !a.isAuthenticated() || !(a.getPrincipal() instanceof WeftPrincipal p)) {
      chain.doFilter(request, response);
      return;
    }
    try (Tenants.Scope ignored = Tenants.open(p.tenant())) {
      chain.doFilter(request, response);
    }
  }
}
