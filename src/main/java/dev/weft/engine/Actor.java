package dev.weft.engine;

import dev.weft.node.Assignees;
import java.util.List;

/**
 * Who acts on a run, as the run sees it: a principal's id, roles and groups (never a key). The API's
 * principal becomes one of these when it decides, submits, pauses or resumes; it travels in Temporal
 * Updates as {@code {"id", "roles", "groups"}}, so recorded histories keep replaying.
 */
public record Actor(String id, List<String> roles, List<String> groups) {
  public Actor {
    roles = roles == null ? List.of() : List.copyOf(roles);
    groups = groups == null ? List.of() : List.copyOf(groups);
  }

  /** Whether an assignee entry names this actor: its id, {@code role:<role>} or {@code group:<group>}. */
  public boolean matches(String assignee) {
    return Assignees.names(assignee, id, roles, groups);
  }

  public boolean matchesAny(List<String> assignees) {
    return assignees.stream().anyMatch(this::matches);
  }
}
