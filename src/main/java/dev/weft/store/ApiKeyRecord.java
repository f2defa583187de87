package dev.weft.store;

import dev.weft.domain.Tenants;
import java.time.Instant;
import java.util.List;

/** A stored API key, without its hash: who it belongs to, what it may do and its life cycle. */
public record ApiKeyRecord(
    String id,
    String prefix,
    String principal,
    List<String> roles,
    List<String> groups,
    String description,
    Instant createdAt,
    String createdBy,
    Instant expiresAt,
    Instant revokedAt,
    String revokedBy,
    Instant lastUsedAt,
    /** The tenant the key belongs to: its holder sees only that tenant's resources. */
    String tenant) {

  public ApiKeyRecord {
    tenant = tenant == null ? Tenants.DEFAULT : tenant;
    roles = List.copyOf(roles);
    groups = groups == null ? List.of() : List.copyOf(groups);
  }

  /** Neither revoked nor expired at {@code now}. */
  public boolean active(Instant now) {
    return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
  }
}
