package dev.weft.engine;

import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.node.JsonSchemas;
import dev.weft.node.NodeRegistry;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Whether a decision may be taken: one pure function, used by the run's update validator (the
 * authority) and by the API before it sends the update (so that an obvious refusal costs no update).
 * Throws an {@link ApplicationFailure} whose type is a {@link HumanFailures} code.
 */
public final class HumanTaskRules {
  /** Longest comment on a decision. */
  public static final int MAX_COMMENT = 4000;

  private HumanTaskRules() {}

  /**
   * What the rules need to know about a node and its open task ({@code task} null when none is open).
   *
   * @param decidedBy who has decided on the open task so far, including decisions not yet taken
   */
  public record Snapshot(String nodeType, NodeStatus nodeStatus, List<String> assignees, List<String> actions,
      boolean allowSelf, JsonNode schema, List<String> decidedBy, boolean open) {}

  /** A snapshot from the {@code state} query's view of a node (see {@link NodeState#task()}). */
  public static Snapshot of(NodeState node) {
    JsonNode t = node.task();
    if (t == null) return new Snapshot(node.type(), node.status(), List.of(), List.of(), false, null, List.of(), false);
    return new Snapshot(node.type(), node.status(), strings(t.get("assignees")), strings(t.get("actions")),
        t.path("allowSelf").asBoolean(false), t.get("schema"), strings(t.get("decidedBy")), true);
  }

  private static List<String> strings(JsonNode a) {
    List<String> out = new ArrayList<>();
    if (a != null) a.forEach(x -> out.add(x.asString()));
    return out;
  }

  /**
   * @param node null when the run has no such node
   * @param maxValuesBytes largest form values / substitute output
   */
  public static void check(String nodeId, Snapshot node, HumanInput h, String startedBy, NodeRegistry registry,
      int maxValuesBytes) {
    if (node == null) throw HumanFailures.of(HumanFailures.NODE_NOT_FOUND, "the run has no node '" + nodeId + "'");
    if (!node.open()) {
      throw HumanFailures.of(HumanFailures.NOT_WAITING, "node '" + nodeId + "' is not waiting for a decision (it is "
          + node.nodeStatus() + ")");
    }
    if (h.action() == null || !node.actions().contains(h.action())) {
      throw HumanFailures.of(HumanFailures.INVALID, "node '" + nodeId + "' accepts " + String.join(", ", node.actions()),
          List.of(Violation.of("/decision", HumanFailures.INVALID, "must be one of " + node.actions())));
    }
    if (h.principal() == null || !h.principal().matchesAny(node.assignees())) {
      throw HumanFailures.of(HumanFailures.FORBIDDEN, (h.principal() == null ? "nobody" : "'" + h.principal().id() + "'")
          + " is not among the assignees of node '" + nodeId + "' " + node.assignees());
    }
    if (!node.allowSelf() && h.principal().id().equals(startedBy)) {
      throw HumanFailures.of(HumanFailures.SELF_APPROVAL, "'" + h.principal().id()
          + "' started this run and may not decide on it (allowSelfApproval is false)");
    }
    if (node.decidedBy().contains(h.principal().id())) {
      throw HumanFailures.of(HumanFailures.ALREADY_DECIDED, "'" + h.principal().id() + "' has already decided on node '"
          + nodeId + "'");
    }
    List<Violation> problems = new ArrayList<>();
    if (h.comment() != null && h.comment().length() > MAX_COMMENT) {
      problems.add(Violation.of("/comment", "limit.comment", "a comment is at most " + MAX_COMMENT + " characters"));
    }
    if (h.values() != null && Json.sizeOf(h.values()) > maxValuesBytes) {
      problems.add(Violation.of("/values", "limit.values", "values are at most " + maxValuesBytes + " bytes"));
    }
    if (!problems.isEmpty()) throw HumanFailures.of(HumanFailures.INVALID, "the decision is invalid", problems);
    if (node.schema() != null) {
      List<Violation> invalid = JsonSchemas.check(node.schema(), h.values(), "/values");
      if (!invalid.isEmpty()) throw HumanFailures.of(HumanFailures.FORM_INVALID, "the values do not match the form", invalid);
    }
    if (HumanTasks.ACTION_RETRY.equals(h.action()) && h.config() != null) {
      List<Violation> invalid = registry.checkSchema(node.nodeType(), h.config(), "/config");
      if (!invalid.isEmpty()) throw HumanFailures.of(HumanFailures.CONFIG_INVALID, "the edited config is invalid", invalid);
    }
  }

  /** Whether a run in this state may be paused / resumed. */
  public static void checkPause(RunStatus status, boolean pause) {
    if (status.ordinal() >= RunStatus.COMPLETED.ordinal()) throw HumanFailures.of(HumanFailures.RUN_NOT_RUNNING, "the run has ended");
    if (pause && status == RunStatus.PAUSED) throw HumanFailures.of(HumanFailures.RUN_PAUSED, "the run is already paused");
    if (!pause && status != RunStatus.PAUSED) throw HumanFailures.of(HumanFailures.RUN_NOT_PAUSED, "the run is not paused");
  }
}
