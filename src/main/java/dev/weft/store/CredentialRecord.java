package dev.weft.store;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * A stored credential: its metadata, the non-secret part of its data ({@code publicData}) and the sealed
 * secret (the KEK key id, the wrapped data key, the ciphertext), which is never shown.
 */
public record CredentialRecord(String name, String id, String type, JsonNode publicData, long kekKeyId, byte[] wrappedKey,
    byte[] ciphertext, Instant createdAt, String createdBy, Instant updatedAt, String updatedBy, Instant lastUsedAt,
    /** Who may name it in a workflow or a node test (principal ids, role:x, group:x); null: any editor. */
    java.util.List<String> usableBy) {

  public CredentialRecord(String name, String id, String type, JsonNode publicData, long kekKeyId, byte[] wrappedKey,
      byte[] ciphertext, Instant createdAt, String createdBy, Instant updatedAt, String updatedBy, Instant lastUsedAt) {
    this(name, id, type, publicData, kekKeyId, wrappedKey, ciphertext, createdAt, createdBy, updatedAt, updatedBy, lastUsedAt, null);
  }

  /** This credential with {@code usableBy}. */
  public CredentialRecord withUsableBy(java.util.List<String> who) {
    return new CredentialRecord(name, id, type, publicData, kekKeyId, wrappedKey, ciphertext, createdAt, createdBy, updatedAt,
        updatedBy, lastUsedAt, who == null ? null : java.util.List.copyOf(who));
  }
}
