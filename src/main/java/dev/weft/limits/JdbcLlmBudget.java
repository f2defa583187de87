package dev.weft.limits;

import dev.weft.domain.Tenants;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@link LlmBudget} over PostgreSQL's {@code llm_usage} (V8): one row per (tenant, UTC day), added to with
 * one atomic upsert after each call, so every instance and every activity counts into the same total. The
 * budget is the tenant's tier's {@code llm-tokens-per-day}; 0 = unlimited. Use is counted whether or not
 * limits are enabled; only the refusal is switched off.
 */
public final class JdbcLlmBudget implements LlmBudget {
  private final JdbcClient jdbc;
  private final RateLimiter limiter;
  private final Clock clock;

  public JdbcLlmBudget(JdbcClient jdbc, RateLimiter limiter, Clock clock) {
    this.jdbc = jdbc;
    this.limiter = limiter;
    this.clock = clock;
  }

  @Override
  public Optional<Exhausted> exhausted() {
    if (!limiter.settings().enabled()) return Optional.empty();
    String tenant = Tenants.current();
    Tier tier = limiter.tierOf(tenant);
    long budget = tier.llmTokensPerDay();
    if (budget == 0) return Optional.empty();
    Instant now = clock.instant();
    long used = used(tenant, day(now));
    if (used < budget) return Optional.empty();
    return Optional.of(new Exhausted(tenant, tier.name(), budget, used, LlmBudget.secondsToMidnight(now)));
  }

  @Override
  public void spent(long tokens) {
    if (tokens <= 0) return;
    jdbc.sql("""
        INSERT INTO llm_usage (tenant_id, day, tokens) VALUES (:tenant, :day, :tokens)
        ON CONFLICT (tenant_id, day) DO UPDATE SET tokens = llm_usage.tokens + EXCLUDED.tokens, updated_at = now()
        """).param("tenant", Tenants.current()).param("day", day(clock.instant())).param("tokens", tokens).update();
  }

  /** The tokens {@code tenant} used on {@code day}. */
  public long used(String tenant, LocalDate day) {
    return jdbc.sql("SELECT tokens FROM llm_usage WHERE tenant_id = :tenant AND day = :day")
        .param("tenant", tenant).param("day", day).query(Long.class).optional().orElse(0L);
  }

  /** The current tenant's tokens today. */
  public long usedToday() {
    return used(Tenants.current(), day(clock.instant()));
  }

  static LocalDate day(Instant at) {
    return LocalDate.ofInstant(at, ZoneOffset.UTC);
  }
}
