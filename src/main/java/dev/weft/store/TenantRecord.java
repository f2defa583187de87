package dev.weft.store;

import java.time.Instant;

/** A tenant: its id, display name, tier (null = the configured default tier) and life cycle. */
public record TenantRecord(String id, String name, String tier, Instant createdAt, String createdBy, Instant updatedAt,
    Instant disabledAt, String disabledBy) {

  public boolean active() {
    return disabledAt == null;
  }
}
