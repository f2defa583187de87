package dev.weft.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** A saved workflow: its current version and whether it is archived. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkflowRecord(String id, String name, int latestVersion, Instant createdAt, Instant updatedAt,
    Instant archivedAt) {
  public boolean archived() {
    return archivedAt != null;
  }
}
