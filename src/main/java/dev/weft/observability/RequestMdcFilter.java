package dev.weft.observability;

import dev.weft.engine.Mdc;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriUtils;

/**
 * Puts the run id of {@code /api/runs/{runId}} and {@code /api/runs/{runId}/...} into the MDC for the
 * request's duration, so the API's log lines about a run carry its id like the engine's do. Whatever
 * the MDC held before is restored afterwards.
 */
public class RequestMdcFilter extends OncePerRequestFilter {
  static final String PREFIX = "/api/runs/";
  /** Run ids are {@code <workflowId>-<32 hex>}; anything else (or anything odd) is not put in logs. */
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9_.~-]{1,200}");

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String runId = runId(path(request));
    if (runId == null) {
      chain.doFilter(request, response);
      return;
    }
    String previous = MDC.get(Mdc.RUN_ID);
    MDC.put(Mdc.RUN_ID, runId);
    try {
      chain.doFilter(request, response);
    } finally {
      if (previous == null) {
        MDC.remove(Mdc.RUN_ID);
      } else {
        MDC.put(Mdc.RUN_ID, previous);
      }
    }
  }

  /** Event streams resume on other threads: those dispatches get the run id too. */
  @Override
  protected boolean shouldNotFilterAsyncDispatch() {
    return false;
  }

  private static String path(HttpServletRequest request) {
    String uri = request.getRequestURI();
    String context = request.getContextPath();
    return context != null && !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
  }

  /** The run id segment of a run's path, decoded, or null when the path is not a run's. */
  static String runId(String path) {
    if (path == null || !path.startsWith(PREFIX)) return null;
    String rest = path.substring(PREFIX.length());
    int slash = rest.indexOf('/');
    String segment = slash < 0 ? rest : rest.substring(0, slash);
    int params = segment.indexOf(';');
    if (params >= 0) segment = segment.substring(0, params);
    if (segment.isEmpty()) return null;
    String decoded;
    try {
      decoded = UriUtils.decode(segment, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return RUN_ID.matcher(decoded).matches() ? decoded : null;
  }
}
