package dev.weft.limits;

/**
 * Which tier ({@code free}, {@code pro}, {@code enterprise}) a tenant is on: its rate limits and its daily
 * LLM token budget follow from it. The default bean answers {@code weft.limits.default-tier} for every
 * tenant.
 */
@FunctionalInterface
public interface TenantTiers {
  String tierOf(String tenantId);
}
