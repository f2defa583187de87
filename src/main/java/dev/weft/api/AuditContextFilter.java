package dev.weft.api;

import dev.weft.store.AuditContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/** Makes each API request the {@link AuditContext} of the audit entries written while it runs. */
public class AuditContextFilter extends OncePerRequestFilter {
  /** User agents are kept, but not without bound. */
  static final int MAX_USER_AGENT = 512;

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String agent = request.getHeader("User-Agent");
    if (agent != null && agent.length() > MAX_USER_AGENT) agent = agent.substring(0, MAX_USER_AGENT);
    AuditContext.Request r = new AuditContext.Request(request.getMethod(), request.getRequestURI(), request.getRemoteAddr(),
        agent, System.nanoTime());
    try (AuditContext.Scope ignored = AuditContext.open(r)) {
      chain.doFilter(request, response);
    }
  }
}
