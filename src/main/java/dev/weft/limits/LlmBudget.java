package dev.weft.limits;

import java.util.Optional;

/**
 * The LLM tokens (prompt + completion) a tenant may use a UTC day. Asked before each model call, told after
 * each: the tenant is {@code dev.weft.domain.Tenants.current()} (the request's, or the run's in an activity).
 * A call that starts under the budget runs to its end, so a day's use can pass the budget by one call.
 */
public interface LlmBudget {
  /** No budget: nothing is refused, nothing is counted. */
  LlmBudget UNLIMITED = new LlmBudget() {
    @Override
    public Optional<Exhausted> exhausted() {
      return Optional.empty();
    }

    @Override
    public void spent(long tokens) {
      // nothing to count
    }
  };

  /** Empty while the current tenant may still call a model today. */
  Optional<Exhausted> exhausted();

  /** Adds {@code tokens} to the current tenant's use today. */
  void spent(long tokens);

  /** Whole seconds from {@code now} until the next 00:00 UTC, when every budget renews; at least 1. */
  static long secondsToMidnight(java.time.Instant now) {
    java.time.Instant midnight = java.time.LocalDate.ofInstant(now, java.time.ZoneOffset.UTC).plusDays(1)
        .atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    return Math.max(1, (java.time.Duration.between(now, midnight).toMillis() + 999) / 1000);
  }

  /** The budget is spent: {@code used} of {@code budget} tokens today, {@code retryAfterSeconds} until the next UTC midnight. */
  record Exhausted(String tenant, String tier, long budget, long used, long retryAfterSeconds) {
    public static final String CODE = "llm.budget_exhausted";

    public String message() {
      return "tenant '" + tenant + "' has used its LLM budget for today (" + used + " of " + budget + " tokens, "
          + "weft.limits.tiers." + tier + ".llm-tokens-per-day); it renews at 00:00 UTC, in " + retryAfterSeconds + " s";
    }
  }
}
