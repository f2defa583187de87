package dev.weft.limits;

import dev.weft.store.TenantRecord;
import dev.weft.store.TenantStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tenant's tier as its row in the tenants table says ({@code PUT /api/tenants/{id}}), or the default tier
 * when it names none. Every limited request asks, so each instance reads a tenant's row at most once per
 * {@code refresh}: a change of tier takes effect within that time.
 */
public final class StoredTenantTiers implements TenantTiers {
  static final int MAX_KNOWN = 10_000;

  private record Known(String tier, long untilNanos) {}

  private final TenantStore tenants;
  private final String fallback;
  private final long refreshNanos;
  private final Map<String, Known> known = new ConcurrentHashMap<>();

  public StoredTenantTiers(TenantStore tenants, String fallback, Duration refresh) {
    this.tenants = tenants;
    this.fallback = fallback;
    this.refreshNanos = refresh.toNanos();
  }

  @Override
  public String tierOf(String tenantId) {
    long now = System.nanoTime();
    Known k = known.get(tenantId);
    if (k == null || now - k.untilNanos() > 0) {
      String tier = tenants.find(tenantId).map(TenantRecord::tier).orElse(null);
      k = new Known(tier == null ? fallback : tier, now + refreshNanos);
      if (known.size() >= MAX_KNOWN) known.clear();
      known.put(tenantId, k);
    }
    return k.tier();
  }
}
