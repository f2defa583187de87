package dev.weft.config;

import dev.weft.api.OpenApiProblems;
import dev.weft.api.RateLimitInterceptor;
import dev.weft.limits.JdbcLlmBudget;
import dev.weft.limits.LlmBudget;
import dev.weft.limits.OpenStreams;
import dev.weft.limits.RateLimiter;
import dev.weft.limits.TenantTiers;
import java.time.Clock;
import javax.sql.DataSource;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Rate limits and LLM budgets ({@code weft.limits.*}, docs/security.md "Rate limits and budgets"): the
 * limiter over PostgreSQL, the budget every model call goes through (API and worker alike) and, where the
 * API is served, the interceptor that applies {@code @RateLimited}.
 */
@Configuration(proxyBeanMethods = false)
public class LimitsConfiguration {

  /** A tenant's tier from its row, else {@code weft.limits.default-tier}; re-read every 30 s. */
  @Bean
  TenantTiers tenantTiers(WeftProperties props, dev.weft.store.TenantStore tenants) {
    return new dev.weft.limits.StoredTenantTiers(tenants, props.limits().defaultTier(), java.time.Duration.ofSeconds(30));
  }

  @Bean(destroyMethod = "close")
  RateLimiter rateLimiter(DataSource dataSource, WeftProperties props, TenantTiers tiers) {
    return new RateLimiter(dataSource, props.limits().rates(), tiers, true);
  }

  @Bean
  LlmBudget llmBudget(JdbcClient jdbc, RateLimiter limiter) {
    return new JdbcLlmBudget(jdbc, limiter, Clock.systemUTC());
  }

  @Bean
  @ServesApi
  OpenStreams openStreams(RateLimiter limiter) {
    return new OpenStreams(limiter);
  }

  @Bean
  @ServesApi
  OperationCustomizer rateLimitResponses() {
    return OpenApiProblems.rateLimits();
  }

  @Bean
  @ServesApi
  WebMvcConfigurer rateLimits(RateLimiter limiter, LlmBudget budget) {
    RateLimitInterceptor interceptor = new RateLimitInterceptor(limiter, budget);
    return new WebMvcConfigurer() {
      @Override
      public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(interceptor).addPathPatterns("/api/**", "/hooks/**", "/tenants/*/hooks/**");
      }
    };
  }
}
