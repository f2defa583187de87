package dev.weft.store;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * A stored credential: its metadata, the non-secret part of its data ({@code publicData}) and the sealed
 * secret (the KEK key id, the wrapped data key, the ciphertext), which is never shown.
 */
public record CredentialRecord(String name, String id, String type, JsonNode publicData, long kekKeyId, byte[] wrappedKey,
    byte[] ciphertext, Instant createdAt, String createdBy, Instant updatedAt, String updatedBy, Instant lastUsedAt) {}
