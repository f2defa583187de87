package dev.weft.api;

import dev.weft.agent.Orchestrator;
import dev.weft.config.ServesApi;
import dev.weft.definition.Json;
import dev.weft.limits.RateLimit;
import dev.weft.security.WeftPrincipal;
import dev.weft.store.ConversationStore;
import dev.weft.domain.Tenants;
import io.swagger.v3.oas.annotations.Operation;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The orchestrator agent: chat (streamed as SSE, or one JSON answer) and conversation history. */
@RestController
@ServesApi
class AgentController {
  private static final Logger log = LoggerFactory.getLogger(AgentController.class);
  private static final Set<String> FIELDS = Set.of("conversationId", "message", "model");
  private static final String SHAPE = "{message, conversationId?, model?}";

  private final Orchestrator agent;
  private final ConversationStore store;
  private final Duration replyTimeout;

  AgentController(Orchestrator agent, ConversationStore store, dev.weft.ai.AiProperties props) {
    this.agent = agent;
    this.store = store;
    this.replyTimeout = props.agent().replyTimeout();
  }

  @Operation(summary = "Chat with the agent", description = "Streams the reply as server-sent events: conversation "
      + "{conversationId, turn}, delta {text}, tool_call {id, name, arguments}, tool_result {id, name, result}, "
      + "confirmation {id, action, summary, status, expiresAt, ...} (a proposed action waiting for the user, or one decided "
      + "in this reply), message {text} (the whole reply), error {code, message}, then done. With Accept: "
      + "application/json, one JSON answer {conversationId, turn, reply, toolCalls, confirmations, error?} instead. 429 rate.limited over the agent-messages rate limit; "
      + "429 llm.budget_exhausted once the tenant's LLM tokens for today are spent (Retry-After: until 00:00 UTC).")
  @RateLimited(value = RateLimit.AGENT_MESSAGES, llmBudget = true)
  @PostMapping(value = "/api/agent/chat", produces = {MediaType.TEXT_EVENT_STREAM_VALUE, MediaType.APPLICATION_JSON_VALUE})
  ResponseEntity<?> chat(@RequestBody(required = false) String body,
      @RequestHeader(value = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
      @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept,
      @AuthenticationPrincipal WeftPrincipal caller) {
    JsonNode req = JsonBodies.object(body, contentType, FIELDS, "a chat message", SHAPE);
    String message = text(req, "message");
    String conversationId = text(req, "conversationId");
    String model = text(req, "model");
    ConversationStore.Conversation conversation = agent.open(caller, conversationId, message, model);
    if (wantsJson(accept)) {
      Collected c = new Collected();
      try (Tenants.Scope ignored = Tenants.open(caller.tenant())) {
        agent.reply(caller, conversation, message, model, c);
      }
      return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(c.answer());
    }
    SseEmitter emitter = new SseEmitter(replyTimeout.toMillis());
    Thread.ofVirtual().name("weft-agent-" + conversation.id()).start(dev.weft.domain.Tenants.bound(() -> {
      MDC.put("conversationId", conversation.id());
      // The reply's model calls count against the caller's tenant's LLM budget.
      try (Tenants.Scope ignored = Tenants.open(caller.tenant())) {
        agent.reply(caller, conversation, message, model, (name, data) -> {
          try {
            emitter.send(SseEmitter.event().name(name).data(Json.MAPPER.writeValueAsString(data), MediaType.APPLICATION_JSON));
          } catch (IOException | IllegalStateException e) {
            throw new ClientGone(e);
          }
        });
        emitter.send(SseEmitter.event().name("done").data("{}", MediaType.APPLICATION_JSON));
        emitter.complete();
      } catch (ClientGone | IOException | IllegalStateException e) {
        // The client went away: the reply so far is stored; nothing more to send.
        emitter.complete();
      } catch (RuntimeException e) {
        log.warn("agent reply in {} failed", conversation.id(), e);
        try {
          emitter.send(SseEmitter.event().name("error").data(Json.MAPPER.writeValueAsString(
              Map.of("code", "agent.failed", "message", "the agent failed: " + e.getClass().getSimpleName())),
              MediaType.APPLICATION_JSON));
        } catch (IOException | IllegalStateException ignored) {
          // nobody to tell
        }
        emitter.complete();
      } finally {
        MDC.remove("conversationId");
      }
    }));
    return ResponseEntity.ok().header("Cache-Control", "no-store").header("X-Accel-Buffering", "no")
        .contentType(MediaType.TEXT_EVENT_STREAM).body(emitter);
  }

  @Operation(summary = "The caller's conversations, newest first")
  @GetMapping("/api/agent/conversations")
  Map<String, Object> conversations(@RequestParam(defaultValue = "50") int limit, @AuthenticationPrincipal WeftPrincipal caller) {
    if (limit < 1 || limit > 500) throw ApiProblem.badRequest("query.limit", "query.limit", "limit is 1 to 500");
    List<Map<String, Object>> items = new ArrayList<>();
    for (ConversationStore.Conversation c : store.forOwner(caller.id(), limit)) items.add(summary(c));
    return Map.of("items", items);
  }

  @Operation(summary = "One conversation with every message, tool call and tool result")
  @GetMapping("/api/agent/conversations/{id}")
  Map<String, Object> conversation(@PathVariable String id, @AuthenticationPrincipal WeftPrincipal caller) {
    ConversationStore.Conversation c = agent.conversation(caller, id);
    Map<String, Object> out = summary(c);
    out.put("summary", c.summary());
    ArrayNode messages = Json.MAPPER.createArrayNode();
    for (ConversationStore.Message m : store.messages(id, 0)) {
      ObjectNode o = messages.addObject();
      o.put("seq", m.seq());
      o.put("turn", m.turn());
      o.put("role", m.role());
      if (m.content() != null) o.put("content", m.content());
      if (m.toolCalls() != null) o.set("toolCalls", m.toolCalls());
      if (m.toolCallId() != null) o.put("toolCallId", m.toolCallId());
      if (m.toolName() != null) o.put("toolName", m.toolName());
      o.put("at", m.createdAt().toString());
    }
    out.put("messages", messages);
    out.put("confirmations", agent.confirmations(id));
    return out;
  }

  @Operation(summary = "Confirm or decline an action the agent proposed",
      description = "Body {decision: confirm|decline}. Only the conversation's owner decides; a confirmed action runs now, "
          + "as the caller, with the arguments stored when it was proposed, and answers the decided confirmation with its "
          + "result (a failure of the action itself is in result.error). 404 conversation.not_found / "
          + "agent.confirmation_not_found; 409 agent.confirmation_decided, agent.confirmation_expired; 403 auth.forbidden "
          + "when the caller's role does not allow the action (it stays pending).")
  @PostMapping("/api/agent/conversations/{id}/confirmations/{confirmationId}")
  JsonNode decide(@PathVariable String id, @PathVariable String confirmationId,
      @RequestBody(required = false) String body,
      @RequestHeader(value = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
      @AuthenticationPrincipal WeftPrincipal caller) {
    JsonNode req = JsonBodies.object(body, contentType, Set.of("decision"), "a decision", "{decision: confirm|decline}");
    String decision = text(req, "decision");
    if (decision == null) throw ApiProblem.badRequest("/decision", "agent.decision_invalid", "decision is confirm or decline");
    return agent.decide(caller, id, confirmationId, decision);
  }

  private static Map<String, Object> summary(ConversationStore.Conversation c) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("id", c.id());
    o.put("title", c.title());
    o.put("turns", c.turns());
    o.put("createdAt", c.createdAt());
    o.put("updatedAt", c.updatedAt());
    return o;
  }

  private static boolean wantsJson(String accept) {
    if (accept == null || accept.isBlank()) return false;
    List<MediaType> types;
    try {
      types = MediaType.parseMediaTypes(accept);
    } catch (org.springframework.http.InvalidMediaTypeException e) {
      return false;
    }
    return types.stream().anyMatch(t -> t.equalsTypeAndSubtype(MediaType.APPLICATION_JSON))
        && types.stream().noneMatch(t -> t.equalsTypeAndSubtype(MediaType.TEXT_EVENT_STREAM));
  }

  private static String text(JsonNode req, String field) {
    JsonNode v = req.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.isString()) throw ApiProblem.badRequest("/" + field, "json.type", field + " is a string");
    return v.asString();
  }

  /** Gathers a reply for a JSON answer. */
  private static final class Collected implements Orchestrator.Sink {
    private final ObjectNode answer = Json.object();
    private final ArrayNode tools = Json.MAPPER.createArrayNode();
    private final ArrayNode confirmations = Json.MAPPER.createArrayNode();

    @Override
    public void event(String name, JsonNode data) {
      switch (name) {
        case "conversation" -> answer.setAll((ObjectNode) data);
        case "tool_call" -> tools.addObject().put("id", data.path("id").asString()).put("name", data.path("name").asString())
            .set("arguments", data.path("arguments"));
        case "tool_result" -> {
          for (JsonNode t : tools) {
            if (t.path("id").asString().equals(data.path("id").asString())) ((ObjectNode) t).set("result", data.path("result"));
          }
        }
        case "confirmation" -> confirmations.add(data);
        case "message" -> answer.put("reply", data.path("text").asString());
        case "error" -> answer.set("error", data);
        default -> { }
      }
    }

    ObjectNode answer() {
      answer.set("toolCalls", tools);
      answer.set("confirmations", confirmations);
      return answer;
    }
  }

  private static final class ClientGone extends RuntimeException {
    ClientGone(Throwable cause) {
      super(cause);
    }
  }
}
