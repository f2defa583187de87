package dev.weft.api;

import dev.weft.limits.RateLimit;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The rate limit an endpoint counts against ({@link RateLimitInterceptor}): checked after authentication
 * and before the controller runs, so a refused request does nothing.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RateLimited {
  RateLimit value();

  /** Also refused (429 {@code llm.budget_exhausted}) while the tenant's LLM tokens for today are spent. */
  boolean llmBudget() default false;
}
