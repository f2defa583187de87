package dev.weft.node;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A task for people, opened by a node while it waits: approvers decide, assignees submit a form,
 * operators answer a failed node's question. Decisions arrive as Temporal Updates; the run validates
 * them (is the node waiting? is this principal assigned? already decided? values valid?) before the
 * node sees them, one at a time and in arrival order, through {@link #next}.
 */
public interface HumanTask {

  /** What people are asked to do. */
  enum Kind {
    APPROVAL, FORM, ASK;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * @param assignees principal ids, {@code role:<role>} or {@code group:<group>}
   * @param actions the decisions this task accepts ({@code approve}, {@code reject}, {@code submit}, ...)
   * @param allowSelf whether the principal who started the run may decide
   * @param schema for forms: the JSON schema submitted values must satisfy
   * @param due when the task times out, or {@code null}
   * @param details shown with the task (quorum, the failed node's error, ...)
   */
  record Spec(Kind kind, String title, String description, List<String> assignees, List<String> actions,
      boolean allowSelf, JsonNode schema, Instant due, JsonNode details) {

    public Spec {
      assignees = List.copyOf(assignees);
      actions = List.copyOf(actions);
    }
  }

  /** One person's decision, as the run received it. */
  record Decision(int ordinal, String principal, String action, String comment, JsonNode values, JsonNode config,
      Instant at) {}

  /**
   * The next decision not yet taken, waiting for it on a durable timer until {@code until}
   * ({@code null}: no limit); empty when the time is up first.
   */
  Optional<Decision> next(Instant until);

  /** Answers a decision that was taken: what the person's request returns (its outcome so far). */
  void answer(Decision decision, JsonNode outcome);

  /** Hands the task to other people with a new due time (escalation); records {@code node_escalated}. */
  void reassign(List<String> assignees, Instant due);

  /** Records a {@code node_reminder} event: the task is still open. */
  void remind(JsonNode details);

  /** The assignees the task has now. */
  List<String> assignees();
}
