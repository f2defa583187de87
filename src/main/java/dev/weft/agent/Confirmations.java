package dev.weft.agent;

import dev.weft.definition.Json;
import dev.weft.domain.DomainException;
import dev.weft.security.WeftPrincipal;
import dev.weft.store.AuditLog;
import dev.weft.store.ConfirmationStore;
import dev.weft.store.ConfirmationStore.Confirmation;
import java.time.Duration;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Consent by confirmation. A consequential tool call does not act: it stores a proposal — the action,
 * its checked arguments and a summary Weft writes from them (never the model's words) — and the action
 * runs only once the conversation's owner confirms that proposal's id: through the API, or in a later
 * message that the model maps to the id with its {@code confirm} tool. So consent does not depend on the
 * wording or language of a message, and the model cannot consent for the user: it can only confirm an id
 * that it proposed in this conversation, for this user, in an earlier turn, before the proposal expires.
 * Every decision is audited as the user's act ({@code agent.confirmation.confirm} / {@code .decline}).
 */
public class Confirmations {
  /** How a decision reached Weft. */
  public static final String VIA_ENDPOINT = "endpoint";
  public static final String VIA_CHAT = "chat";

  private final ConfirmationStore store;
  private final AuditLog audit;
  private final Duration ttl;

  /** @param ttl how long a proposal can be confirmed ({@code weft.agent.confirmation-ttl}) */
  public Confirmations(ConfirmationStore store, AuditLog audit, Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) throw new IllegalArgumentException("weft.agent.confirmation-ttl must be positive");
    this.store = store;
    this.audit = audit;
    this.ttl = ttl;
  }

  /** Stores a proposal of {@code action} made in {@code turn}; answers its view {@code {id, action, summary, ...}}. */
  ObjectNode propose(AgentTools.Turn turn, String action, JsonNode arguments, String summary) {
    Instant now = Instant.now();
    // Numbered per conversation: one reply at a time holds the conversation, so two proposals never race for a number.
    Confirmation c = new Confirmation("confirmation-" + (store.count(turn.conversationId()) + 1), turn.conversationId(), turn.caller().id(), turn.number(), action, arguments, summary, "pending", null, now,
        now.plus(ttl), null, null, null);
    store.propose(c);
    return view(c, now);
  }

  /**
   * The pending confirmation {@code id} that {@code turn}'s caller may decide now, else a refusal: not found
   * (another conversation's or user's is as unknown as a missing one), already decided, expired, or — through
   * the chat — proposed in this very turn, before the user could have seen it.
   */
  Confirmation decidable(AgentTools.Turn turn, String id, String via) {
    Confirmation c = store.find(turn.conversationId(), id == null ? "" : id)
        .filter(x -> x.owner().equals(turn.caller().id()))
        .orElseThrow(() -> DomainException.notFound("path.confirmationId", "agent.confirmation_not_found",
            "no confirmation '" + id + "' in this conversation"));
    refuseUndecidable(c, Instant.now());
    if (VIA_CHAT.equals(via) && c.turn() >= turn.number()) {
      throw DomainException.conflict("path.confirmationId", "agent.confirmation_same_turn",
          "confirmation '" + c.id() + "' was proposed in this turn: only the user's answer in a later message, or their "
              + "decision in the client, can confirm it");
    }
    return c;
  }

  /**
   * Records the decision on {@code c}; of two concurrent decisions only one gets here, so a confirmed action
   * runs once. Refuses when it was decided meanwhile or has just expired.
   */
  void claim(Confirmation c, boolean confirm, WeftPrincipal caller, String via) {
    Instant now = Instant.now();
    if (!store.decide(c.conversationId(), c.id(), confirm ? "confirmed" : "declined", caller.id(), via, now)) {
      refuseUndecidable(store.find(c.conversationId(), c.id()).orElseThrow(), now);
      throw DomainException.conflict("path.confirmationId", "agent.confirmation_decided", "confirmation '" + c.id()
          + "' was decided meanwhile");
    }
  }

  /** Keeps the action's result, audits the decision as the caller's act and answers the decided confirmation. */
  ObjectNode finish(Confirmation c, boolean confirm, WeftPrincipal caller, String via, JsonNode result, String code) {
    if (result != null) store.result(c.conversationId(), c.id(), result);
    ObjectNode details = Json.object();
    details.put("conversationId", c.conversationId());
    details.put("confirmationId", c.id());
    details.put("action", c.action());
    details.set("arguments", c.arguments());
    details.put("summary", c.summary());
    details.put("via", via);
    details.put("proposedInTurn", c.turn());
    if (confirm) {
      details.put("ok", code == null);
      if (code != null) details.put("code", code);
    }
    String runId = c.arguments().path("runId").isString() ? c.arguments().path("runId").asString()
        : result != null && result.path("runId").isString() ? result.path("runId").asString() : null;
    String nodeId = c.arguments().path("nodeId").isString() ? c.arguments().path("nodeId").asString() : null;
    audit.record(caller.id(), confirm ? "agent.confirmation.confirm" : "agent.confirmation.decline", "conversation",
        c.conversationId(), runId, nodeId, details);
    Confirmation decided = store.find(c.conversationId(), c.id()).orElseThrow();
    return view(decided, Instant.now());
  }

  /** The conversation's latest {@code limit} confirmations, oldest first. */
  java.util.List<Confirmation> forConversation(String conversationId, int limit) {
    return store.forConversation(conversationId, limit);
  }

  /** A confirmation as clients and the model see it; status {@code expired} for a pending one past its time. */
  public static ObjectNode view(Confirmation c, Instant now) {
    ObjectNode o = Json.object();
    o.put("id", c.id());
    o.put("action", c.action());
    o.put("summary", c.summary());
    o.put("status", c.expiredAt(now) ? "expired" : c.status());
    o.put("turn", c.turn());
    o.put("createdAt", c.createdAt().toString());
    o.put("expiresAt", c.expiresAt().toString());
    if (c.decidedAt() != null) {
      o.put("decidedAt", c.decidedAt().toString());
      o.put("decidedBy", c.decidedBy());
      o.put("via", c.via());
    }
    if (c.result() != null) o.set("result", c.result());
    return o;
  }

  private static void refuseUndecidable(Confirmation c, Instant now) {
    if (!"pending".equals(c.status())) {
      throw DomainException.conflict("path.confirmationId", "agent.confirmation_decided",
          "confirmation '" + c.id() + "' is already " + c.status());
    }
    if (c.expiredAt(now)) {
      throw DomainException.conflict("path.confirmationId", "agent.confirmation_expired",
          "confirmation '" + c.id() + "' expired at " + c.expiresAt() + "; ask the agent again");
    }
  }
}
