package dev.weft.api;

import dev.weft.domain.DomainException;
import dev.weft.limits.LlmBudget;
import dev.weft.limits.RateLimit;
import dev.weft.limits.RateLimiter;
import dev.weft.security.WeftPrincipal;
import dev.weft.domain.Tenants;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Applies {@link RateLimited}: before the controller, the caller ({@link WeftPrincipal}, tenant = its
 * tenant) takes a token from its own and its tenant's bucket of the limit; a webhook takes one from its
 * (tenant, path) bucket, the tenant being {@link Tenants#current()}. Endpoints that call a model are first
 * refused while the tenant's LLM budget for today is spent. A refusal is a 429 problem+json
 * ({@code rate.limited} or {@code llm.budget_exhausted}) naming the limit, with {@code Retry-After}.
 */
public final class RateLimitInterceptor implements HandlerInterceptor {
  public static final String CODE = "rate.limited";

  private final RateLimiter limiter;
  private final LlmBudget budget;

  public RateLimitInterceptor(RateLimiter limiter, LlmBudget budget) {
    this.limiter = limiter;
    this.budget = budget;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
    // A streamed answer (SSE) comes back through the dispatcher when it ends: that is no new request.
    if (request.getDispatcherType() == DispatcherType.ASYNC) return true;
    if (!(handler instanceof HandlerMethod method)) return true;
    RateLimited limited = method.getMethodAnnotation(RateLimited.class);
    if (limited == null) return true;
    if (limited.value() == RateLimit.WEBHOOK) {
      limiter.acquireWebhook(hookTenant(request), hookPath(request)).ifPresent(RateLimitInterceptor::refuse);
      return true;
    }
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    // Without a principal the security chain has already refused the request.
    if (auth == null || !(auth.getPrincipal() instanceof WeftPrincipal caller)) return true;
    if (limited.llmBudget()) {
      Optional<LlmBudget.Exhausted> spent = Tenants.call(caller.tenant(), budget::exhausted);
      spent.ifPresent(e -> {
        throw DomainException.of(DomainException.Kind.RATE_LIMITED, "", LlmBudget.Exhausted.CODE, e.message())
            .with("limit", "llm-tokens-per-day").retryAfter(e.retryAfterSeconds());
      });
    }
    limiter.acquire(limited.value(), caller.tenant(), caller.id()).ifPresent(RateLimitInterceptor::refuse);
    return true;
  }

  private static void refuse(RateLimiter.Refusal r) {
    throw DomainException.of(DomainException.Kind.RATE_LIMITED, "", CODE, r.message())
        .with("limit", r.limit().wire()).with("scope", r.scope()).retryAfter(r.retryAfterSeconds());
  }

  /**
   * The tenant of a hook: the {@code {tenant}} of {@code /tenants/{tenant}/hooks/...} (checked to exist by
   * the controller, after this), the default tenant's for {@code /hooks/...}. A tenant id that is no valid
   * id gets no bucket of its own: the controller answers 404 for it.
   */
  private static String hookTenant(HttpServletRequest request) {
    Object vars = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
    if (vars instanceof Map<?, ?> m && m.get("tenant") instanceof String t) {
      return Tenants.ID.matcher(t).matches() ? t : Tenants.DEFAULT;
    }
    return Tenants.current();
  }

  /** The hook path as {@code WebhookController} sees it: the {@code {*path}} variable without its leading slash. */
  private static String hookPath(HttpServletRequest request) {
    Object vars = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
    String path = vars instanceof Map<?, ?> m && m.get("path") instanceof String p ? p : request.getRequestURI();
    return path.startsWith("/") ? path.substring(1) : path;
  }
}
