package dev.weft.node.approval;

import dev.weft.definition.Durations;
import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.expression.Templates;
import dev.weft.node.Assignees;
import dev.weft.node.GraphContext;
import dev.weft.node.HumanTask;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeResult;
import dev.weft.node.WaitContext;
import dev.weft.node.WaitNodeType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Waits for people to approve or reject, durably: the wait is Temporal state (a timer and an open
 * Update target), so it survives restarts and holds no worker thread. Decisions arrive as Updates; the
 * run has already checked that the node waits, that the principal is an approver, has not decided yet
 * and (by default) did not start the run. {@code quorum} approvals approve; any rejection rejects.
 * Routes to port {@code approved} or {@code rejected}.
 */
@Component
public class ApprovalNode implements WaitNodeType<ApprovalNodeConfig> {
  public static final String APPROVED = "approved";
  public static final String REJECTED = "rejected";
  public static final String APPROVE = "approve";
  public static final String REJECT = "reject";
  /** Reminders more often than this would flood the event log. */
  public static final Duration MIN_REMINDER = Duration.ofMinutes(1);

  @Override
  public String id() {
    return "approval";
  }

  @Override
  public Class<ApprovalNodeConfig> configClass() {
    return ApprovalNodeConfig.class;
  }

  @Override
  public String description() {
    return "Waits for approvers (people, role:x, group:x) to approve or reject, with quorum, timeout, escalation and"
        + " reminders; ports approved/rejected.";
  }

  @Override
  public boolean asksPeople() {
    return true;
  }

  @Override
  public List<String> ports(ApprovalNodeConfig config) {
    return List.of(APPROVED, REJECTED);
  }

  @Override
  public List<Violation> validate(ApprovalNodeConfig c, GraphContext graph) {
    List<Violation> v = new ArrayList<>(Assignees.check(c.approvers(), "/approvers", "approval.approver_invalid"));
    checkDuration(c.timeout(), "/timeout", v);
    if (c.timeout() == null && c.onTimeout() != ApprovalNodeConfig.OnTimeout.REJECT) {
      v.add(Violation.of("/onTimeout", "approval.timeout_required", "onTimeout needs a timeout"));
    }
    if (c.onTimeout() == ApprovalNodeConfig.OnTimeout.ESCALATE && c.escalation() == null) {
      v.add(Violation.of("/escalation", "approval.escalation_required", "onTimeout escalate needs an escalation"));
    }
    if (c.escalation() != null && c.onTimeout() != ApprovalNodeConfig.OnTimeout.ESCALATE) {
      v.add(Violation.of("/escalation", "approval.escalation_unused", "an escalation is used only with onTimeout escalate"));
    }
    if (c.escalation() != null) {
      v.addAll(Assignees.check(c.escalation().approvers(), "/escalation/approvers", "approval.approver_invalid"));
      checkDuration(c.escalation().timeout(), "/escalation/timeout", v);
      checkQuorum(c.escalation().quorumOrDefault(), c.escalation().approvers(), "/escalation/quorum", v);
    }
    if (c.reminderEvery() != null && checkDuration(c.reminderEvery(), "/reminderEvery", v)
        && !Templates.hasTemplate(c.reminderEvery()) && Durations.parse(c.reminderEvery()).compareTo(MIN_REMINDER) < 0) {
      v.add(Violation.of("/reminderEvery", "approval.reminder_too_frequent", "reminders are at least 1m apart"));
    }
    if (c.approvers() != null) checkQuorum(c.quorumOrDefault(), c.approvers(), "/quorum", v);
    return v;
  }

  private static void checkQuorum(int quorum, List<String> approvers, String path, List<Violation> v) {
    int people = approvers == null ? -1 : Assignees.countPeople(approvers);
    if (people >= 0 && quorum > people) {
      v.add(Violation.of(path, "approval.quorum_unreachable", "a quorum of " + quorum + " needs at least " + quorum
          + " approvers, the list names " + people));
    }
  }

  /** True when the duration is valid (or a template). */
  private static boolean checkDuration(String d, String path, List<Violation> v) {
    if (d == null || Templates.hasTemplate(d)) return true;
    try {
      if (!Durations.parse(d).isPositive()) {
        v.add(Violation.of(path, "duration.invalid", "a duration is positive"));
        return false;
      }
      return true;
    } catch (IllegalArgumentException e) {
      v.add(Violation.of(path, "duration.invalid", e.getMessage()));
      return false;
    }
  }

  private static Duration duration(String d, String field) {
    try {
      return Durations.parse(d);
    } catch (IllegalArgumentException e) {
      throw new NodeFailure("duration.invalid", field + ": " + e.getMessage(), false);
    }
  }

  @Override
  public NodeResult await(ApprovalNodeConfig c, WaitContext ctx) {
    Instant requested = ctx.now();
    Instant deadline = c.timeout() == null ? null : requested.plus(duration(c.timeout(), "timeout"));
    Duration every = c.reminderEvery() == null ? null : duration(c.reminderEvery(), "reminderEvery");
    if (every != null && every.compareTo(MIN_REMINDER) < 0) every = MIN_REMINDER;
    Instant nextReminder = every == null ? null : requested.plus(every);
    int quorum = c.quorumOrDefault();
    ObjectNode details = Json.object();
    details.put("quorum", quorum);
    HumanTask task = ctx.openTask(new HumanTask.Spec(HumanTask.Kind.APPROVAL, c.title(), c.description(), c.approvers(),
        List.of(APPROVE, REJECT), c.allowSelfApproval(), null, deadline, details));
    State s = new State(requested, quorum);
    while (true) {
      Optional<HumanTask.Decision> next = task.next(earliest(deadline, nextReminder));
      if (next.isPresent()) {
        HumanTask.Decision d = next.get();
        s.record(d);
        boolean rejected = REJECT.equals(d.action());
        String outcome = rejected ? REJECTED : s.approvals >= s.quorum ? APPROVED : "pending";
        task.answer(d, s.answer(ctx.nodeId(), d.action(), outcome));
        if (!"pending".equals(outcome)) return s.result(outcome, ctx.now(), false);
        continue;
      }
      Instant now = ctx.now();
      boolean due = deadline != null && !now.isBefore(deadline);
      if (nextReminder != null && !now.isBefore(nextReminder) && !due) {
        ObjectNode r = Json.object();
        r.put("approvals", s.approvals);
        r.put("quorum", s.quorum);
        task.remind(r);
        while (!now.isBefore(nextReminder)) nextReminder = nextReminder.plus(every);
      }
      if (!due) continue;
      String onTimeout = s.escalated ? c.escalation().onTimeout().name() : c.onTimeout().name();
      switch (onTimeout) {
        case "APPROVE" -> {
          return s.result(APPROVED, now, true);
        }
        case "FAIL" -> throw new NodeFailure("approval.timeout", "no decision within "
            + (s.escalated ? c.escalation().timeout() + " of escalation" : c.timeout()), false);
        case "ESCALATE" -> {
          s.escalate(c.escalation().quorumOrDefault());
          deadline = now.plus(duration(c.escalation().timeout(), "escalation.timeout"));
          task.reassign(c.escalation().approvers(), deadline);
        }
        default -> {
          return s.result(REJECTED, now, true);
        }
      }
    }
  }

  private static Instant earliest(Instant a, Instant b) {
    if (a == null) return b;
    if (b == null) return a;
    return a.isBefore(b) ? a : b;
  }

  /** The decisions so far. */
  private static final class State {
    final Instant requested;
    int quorum;
    int approvals;
    boolean escalated;
    final ArrayNode deciders = Json.MAPPER.createArrayNode();
    final ArrayNode comments = Json.MAPPER.createArrayNode();

    State(Instant requested, int quorum) {
      this.requested = requested;
      this.quorum = quorum;
    }

    void record(HumanTask.Decision d) {
      ObjectNode o = deciders.addObject();
      o.put("principal", d.principal());
      o.put("decision", d.action());
      if (d.comment() != null) {
        o.put("comment", d.comment());
        comments.add(d.comment());
      }
      o.put("at", d.at().toString());
      if (escalated) o.put("escalation", true);
      if (APPROVE.equals(d.action())) approvals++;
    }

    void escalate(int newQuorum) {
      escalated = true;
      quorum = newQuorum;
      approvals = 0;
    }

    ObjectNode answer(String nodeId, String action, String outcome) {
      ObjectNode o = Json.object();
      o.put("nodeId", nodeId);
      o.put("decision", action);
      o.put("outcome", outcome);
      o.put("approvals", approvals);
      o.put("quorum", quorum);
      return o;
    }

    NodeResult result(String decision, Instant at, boolean timedOut) {
      ObjectNode o = Json.object();
      o.put("decision", decision);
      o.put("approvals", approvals);
      o.put("quorum", quorum);
      o.set("deciders", deciders);
      o.set("comments", comments);
      o.put("requestedAt", requested.toString());
      o.put("decidedAt", at.toString());
      o.put("timedOut", timedOut);
      o.put("escalated", escalated);
      return NodeResult.routed(o, decision);
    }
  }
}
