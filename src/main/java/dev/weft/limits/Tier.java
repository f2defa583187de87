package dev.weft.limits;

import java.util.EnumMap;
import java.util.Map;

/**
 * One tier's numbers: each {@link RateLimit}'s per-minute number per principal and per tenant, the
 * concurrent event streams one principal may hold open on one instance, and the LLM tokens a tenant may
 * use a UTC day. 0 means unlimited for every number.
 */
public record Tier(String name, Map<RateLimit, Rate> rates, int openStreams, long llmTokensPerDay) {
  public Tier {
    rates = Map.copyOf(rates);
    for (RateLimit l : RateLimit.values()) {
      if (!rates.containsKey(l)) throw new IllegalArgumentException("tier '" + name + "' has no '" + l.wire() + "' limit");
    }
    if (openStreams < 0 || llmTokensPerDay < 0) {
      throw new IllegalArgumentException("tier '" + name + "': open-streams and llm-tokens-per-day are 0 (unlimited) or more");
    }
  }

  public Rate rate(RateLimit limit) {
    return rates.get(limit);
  }

  /**
   * Per-minute numbers; 0 = unlimited. For {@link RateLimit#WEBHOOK}, {@code tenant} is the number per
   * (tenant, hook path) and {@code principal} does not apply.
   */
  public record Rate(int principal, int tenant) {
    public Rate {
      if (principal < 0 || tenant < 0) throw new IllegalArgumentException("a rate limit is 0 (unlimited) or more a minute");
    }
  }

  /** Builds a tier's rates in {@link RateLimit} order: principal, tenant, principal, tenant, ... */
  static Map<RateLimit, Rate> rates(int... pairs) {
    RateLimit[] all = RateLimit.values();
    if (pairs.length != all.length * 2) throw new IllegalArgumentException("two numbers per limit");
    Map<RateLimit, Rate> m = new EnumMap<>(RateLimit.class);
    for (int i = 0; i < all.length; i++) m.put(all[i], new Rate(pairs[2 * i], pairs[2 * i + 1]));
    return m;
  }
}
