package dev.weft.limits;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The rate limits and budgets in force: whether they are on, the tier of tenants {@link TenantTiers} says
 * nothing else of, each tier's numbers, and how often expired buckets are swept from PostgreSQL.
 *
 * <p>The built-in tiers follow the product plan (free / pro / enterprise); every number can be overridden
 * one by one ({@code weft.limits.tiers.pro.run-starts.principal=80}); 0 means unlimited.
 */
public record LimitSettings(boolean enabled, String defaultTier, Map<String, Tier> tiers, Duration sweepInterval) {
  public static final Set<String> TIER_NAMES = Set.of("free", "pro", "enterprise");

  /**
   * The built-in numbers, per minute, as (principal, tenant) in {@link RateLimit} order: save, run-starts,
   * webhook (per tenant and path), sse, generation, agent-messages, test-node.
   */
  public static final Map<String, Tier> BUILT_IN = Map.of(
      "free", new Tier("free", Tier.rates(10, 30, 5, 20, 0, 30, 10, 30, 2, 5, 5, 15, 5, 15), 5, 100_000),
      "pro", new Tier("pro", Tier.rates(100, 300, 50, 200, 0, 300, 60, 200, 10, 30, 30, 100, 60, 200), 20, 2_000_000),
      "enterprise", new Tier("enterprise", Tier.rates(0, 0, 200, 1000, 0, 1000, 300, 1000, 60, 300, 120, 600, 120, 600), 100,
          20_000_000));

  public LimitSettings {
    tiers = Map.copyOf(tiers);
    if (!tiers.containsKey(defaultTier)) {
      throw new IllegalArgumentException("weft.limits.default-tier '" + defaultTier + "' is not a tier: " + TIER_NAMES);
    }
    if (sweepInterval.isNegative() || sweepInterval.isZero()) {
      throw new IllegalArgumentException("weft.limits.sweep-interval must be positive");
    }
  }

  /** The built-in tiers with no override. */
  public static LimitSettings defaults(boolean enabled, String defaultTier) {
    return of(enabled, defaultTier, Map.of(), Duration.ofMinutes(10));
  }

  /** The built-in tiers with the configured numbers ({@code weft.limits.tiers.*}) over them. */
  public static LimitSettings of(boolean enabled, String defaultTier, Map<String, TierSettings> configured, Duration sweepInterval) {
    Map<String, Tier> tiers = new LinkedHashMap<>(BUILT_IN);
    if (configured != null) {
      configured.forEach((name, s) -> {
        if (!BUILT_IN.containsKey(name)) {
          throw new IllegalArgumentException("weft.limits.tiers." + name + ": the tiers are " + TIER_NAMES);
        }
        tiers.put(name, s == null ? BUILT_IN.get(name) : s.over(BUILT_IN.get(name)));
      });
    }
    return new LimitSettings(enabled, defaultTier, tiers, sweepInterval);
  }

  /** The tier named {@code name}; null when there is none. */
  public Tier tier(String name) {
    return name == null ? null : tiers.get(name);
  }

  /**
   * One tier's settings as bound from {@code weft.limits.tiers.<tier>.*}: any number left out keeps the
   * built-in one.
   */
  public record TierSettings(RateSettings save, RateSettings runStarts, RateSettings webhook, RateSettings sse,
      RateSettings generation, RateSettings agentMessages, RateSettings testNode, Integer openStreams, Long llmTokensPerDay) {

    Tier over(Tier base) {
      Map<RateLimit, RateSettings> given = new EnumMap<>(RateLimit.class);
      given.put(RateLimit.SAVE, save);
      given.put(RateLimit.RUN_STARTS, runStarts);
      given.put(RateLimit.WEBHOOK, webhook);
      given.put(RateLimit.SSE, sse);
      given.put(RateLimit.GENERATION, generation);
      given.put(RateLimit.AGENT_MESSAGES, agentMessages);
      given.put(RateLimit.TEST_NODE, testNode);
      Map<RateLimit, Tier.Rate> rates = new EnumMap<>(RateLimit.class);
      for (RateLimit l : RateLimit.values()) {
        Tier.Rate b = base.rate(l);
        RateSettings s = given.get(l);
        rates.put(l, s == null ? b : new Tier.Rate(s.principal() == null ? b.principal() : s.principal(),
            s.tenant() == null ? b.tenant() : s.tenant()));
      }
      return new Tier(base.name(), rates, openStreams == null ? base.openStreams() : openStreams,
          llmTokensPerDay == null ? base.llmTokensPerDay() : llmTokensPerDay);
    }
  }

  /** A limit's per-minute numbers as bound: per principal and per tenant, each optional. */
  public record RateSettings(Integer principal, Integer tenant) {}
}
