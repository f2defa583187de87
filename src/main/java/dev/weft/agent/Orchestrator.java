package dev.weft.agent;

import dev.weft.ai.AiProperties;
import dev.weft.ai.ChatModels;
import dev.weft.ai.LlmClient;
import dev.weft.ai.LlmReply;
import dev.weft.ai.PromptText;
import dev.weft.domain.DomainException;
import dev.weft.definition.Json;
import dev.weft.node.NodeFailure;
import dev.weft.security.WeftPrincipal;
import dev.weft.store.ConversationStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.ToolCallback;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The orchestrator agent: one user message in, a streamed reply out. It drives the tool loop itself
 * (Spring AI 2 models do not execute tools): each round streams the model's answer, runs the tools it
 * asked for as the caller ({@link AgentTools}), and goes on until the model answers in text or the
 * round limit is reached. Every message, tool call and tool result is kept in PostgreSQL; long
 * conversations are summarized for the model and kept whole for people.
 */
public class Orchestrator {
  private static final Logger log = LoggerFactory.getLogger(Orchestrator.class);
  private static final int TITLE_CHARS = 80;

  /** Where a reply goes while it is made: SSE events, or a collector for a JSON answer. */
  public interface Sink {
    void event(String name, JsonNode data);
  }

  private final ChatModels models;
  private final LlmClient llm;
  private final ConversationStore store;
  private final AiProperties.Agent settings;
  private final Function<AgentTools.Turn, AgentTools> tools;
  private final Usage usage;
  private final Confirmations confirmations;

  /** Where the usage of each model call goes (metrics): {@code type} is {@code agent} or {@code agent.summary}. */
  public interface Usage {
    void used(String type, JsonNode usage);
  }

  /** The node types the workflows it writes may use, named in its system prompt. */
  private final java.util.List<String> nodeTypes;

  public Orchestrator(ChatModels models, LlmClient llm, ConversationStore store, AiProperties props,
      Function<AgentTools.Turn, AgentTools> tools, Usage usage, java.util.List<String> nodeTypes, Confirmations confirmations) {
    this.confirmations = confirmations;
    this.nodeTypes = java.util.List.copyOf(nodeTypes);
    this.models = models;
    this.llm = llm;
    this.store = store;
    this.settings = props.agent();
    this.tools = tools;
    this.usage = usage;
  }

  /**
   * Checks a request before any reply starts and claims the conversation (new, or the caller's own) for
   * it: one reply at a time per conversation, else 409 {@code conversation.busy}. {@link #reply} releases it.
   */
  public ConversationStore.Conversation open(WeftPrincipal caller, String conversationId, String message, String model) {
    if (model != null && models.profile(model).isEmpty()) {
      throw DomainException.invalid("/model", "llm.unknown_model", "no model profile named '" + model + "'");
    }
    if (message == null || message.isBlank()) throw DomainException.invalid("/message", "agent.message_blank", "message is required");
    if (message.length() > settings.maxMessageChars()) {
      throw DomainException.invalid("/message", "limit.message",
          "message is longer than " + settings.maxMessageChars() + " characters (weft.ai.agent.max-message-chars)");
    }
    String id = conversationId;
    if (id != null) {
      conversation(caller, id);
    } else {
      id = "conv-" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
      String title = message.strip().replaceAll("\\s+", " ");
      store.create(id, caller.id(), title.length() <= TITLE_CHARS ? title : title.substring(0, TITLE_CHARS) + "…", Instant.now());
    }
    Instant now = Instant.now();
    if (!store.claim(id, now, now.plus(settings.replyTimeout()))) {
      throw DomainException.conflict("/conversationId", "conversation.busy",
          "conversation '" + id + "' is still answering an earlier message; send this one when it is done");
    }
    return store.find(id).orElseThrow();
  }

  /** The caller's own conversation; someone else's is as unknown as a missing one. */
  public ConversationStore.Conversation conversation(WeftPrincipal caller, String id) {
    return store.find(id).filter(c -> c.owner().equals(caller.id()))
        .orElseThrow(() -> DomainException.notFound("path.id", "conversation.not_found", "no conversation '" + id + "'"));
  }

  /**
   * The caller decides a confirmation of their conversation {@code conversationId} ({@code confirm} or
   * {@code decline}): a confirmed action runs now, as the caller. See {@link AgentTools#decide}.
   */
  public ObjectNode decide(WeftPrincipal caller, String conversationId, String confirmationId, String decision) {
    ConversationStore.Conversation c = conversation(caller, conversationId);
    return tools.apply(new AgentTools.Turn(caller, c.id(), c.turns(), null))
        .decide(confirmationId, decision, Confirmations.VIA_ENDPOINT);
  }

  /** The conversation's latest {@value #CONFIRMATIONS_SHOWN} confirmations, oldest first, as clients see them. */
  public List<ObjectNode> confirmations(String conversationId) {
    Instant now = Instant.now();
    return confirmations.forConversation(conversationId, CONFIRMATIONS_SHOWN).stream()
        .map(c -> Confirmations.view(c, now)).toList();
  }

  /** What the model is told of each confirmation: no timestamps or deciders, results cut short. */
  private static List<ObjectNode> forModel(List<ObjectNode> confirmations) {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode c : confirmations) {
      ObjectNode o = Json.object();
      for (String field : List.of("id", "action", "summary", "status", "turn")) o.set(field, c.get(field));
      if (c.has("result")) {
        String result = Json.MAPPER.writeValueAsString(c.get("result"));
        o.put("result", result.length() <= RESULT_CHARS_FOR_MODEL ? result : result.substring(0, RESULT_CHARS_FOR_MODEL) + "…");
      }
      out.add(o);
    }
    return out;
  }

  /** How much of a decided confirmation's result the model is shown at later turns. */
  private static final int RESULT_CHARS_FOR_MODEL = 300;

  /** How many of a conversation's latest confirmations clients and the model are shown. */
  static final int CONFIRMATIONS_SHOWN = 20;

  /** Answers {@code message} in {@code conversation}, streaming events to {@code sink}. */
  /** @param model the profile for this reply; null = {@code weft.ai.agent.model}, else the default */
  public void reply(WeftPrincipal caller, ConversationStore.Conversation conversation, String message, String model,
      Sink sink) {
    String id = conversation.id();
    try {
      answer(caller, id, message, model, sink);
    } catch (NodeFailure f) {
      log.info("agent reply in {} failed: {} {}", id, f.code(), f.getMessage());
      sink.event("error", problem(f.code(), f.getMessage()));
    } finally {
      store.release(id);
    }
  }

  private void answer(WeftPrincipal caller, String id, String message, String model, Sink sink) {
    int turn = store.nextTurn(id, Instant.now());
    store.append(id, turn, "user", message, null, null, null, Instant.now());
    ObjectNode start = Json.object();
    start.put("conversationId", id);
    start.put("turn", turn);
    sink.event("conversation", start);
    ConversationStore.Conversation c = summarizeIfLong(store.find(id).orElseThrow());
    List<Message> messages = new ArrayList<>();
    messages.add(new SystemMessage(AgentPrompts.system(caller.withImpliedRoles(), Instant.now(), nodeTypes)));
    if (c.summary() != null) messages.add(new SystemMessage("Summary of the earlier conversation:\n" + c.summary()));
    List<ObjectNode> proposals = confirmations(id);
    if (!proposals.isEmpty()) {
      messages.add(new SystemMessage(AgentPrompts.confirmations(Json.MAPPER.writeValueAsString(forModel(proposals)))));
    }
    messages.addAll(history(store.messages(id, c.summarizedThrough())));
    AgentTools turnTools = tools.apply(new AgentTools.Turn(caller, id, turn, message));
    ToolCallback[] callbacks = ToolCallbacks.from(turnTools);
    Map<String, ToolCallback> byName = new LinkedHashMap<>();
    for (ToolCallback cb : callbacks) byName.put(cb.getToolDefinition().name(), cb);
    loop(models.resolve(model != null ? model : settings.model()), id, turn, messages, callbacks, byName, turnTools, sink);
  }

  private void loop(String profile, String id, int turn, List<Message> messages, ToolCallback[] callbacks,
      Map<String, ToolCallback> byName, AgentTools turnTools, Sink sink) {
    for (int round = 1; round <= settings.maxToolRounds(); round++) {
      Round r = stream(profile, new Prompt(messages, models.toolOptions(profile, List.of(callbacks))), sink);
      if (r.calls.isEmpty()) {
        store.append(id, turn, "assistant", r.text.toString(), null, null, null, Instant.now());
        ObjectNode done = Json.object();
        done.put("text", r.text.toString());
        sink.event("message", done);
        return;
      }
      ArrayNode calls = Json.MAPPER.createArrayNode();
      for (AssistantMessage.ToolCall call : r.calls) {
        calls.addObject().put("id", call.id()).put("name", call.name()).put("arguments", call.arguments());
      }
      store.append(id, turn, "assistant", r.text.isEmpty() ? null : r.text.toString(), calls, null, null, Instant.now());
      messages.add(AssistantMessage.builder().content(r.text.toString()).toolCalls(r.calls).build());
      List<ToolResponseMessage.ToolResponse> responses = new ArrayList<>();
      for (AssistantMessage.ToolCall call : r.calls) {
        ObjectNode ev = Json.object();
        ev.put("id", call.id());
        ev.put("name", call.name());
        ev.set("arguments", parse(call.arguments()));
        sink.event("tool_call", ev);
        String result = invoke(byName.get(call.name()), call);
        store.append(id, turn, "tool", result, null, call.id(), call.name(), Instant.now());
        responses.add(new ToolResponseMessage.ToolResponse(call.id(), call.name(), result));
        ObjectNode res = Json.object();
        res.put("id", call.id());
        res.put("name", call.name());
        res.set("result", parse(result));
        sink.event("tool_result", res);
        // A proposal waits for the user: the client shows it with its own confirm and decline.
        for (ObjectNode confirmation : turnTools.drainConfirmations()) sink.event("confirmation", confirmation);
      }
      messages.add(ToolResponseMessage.builder().responses(responses).build());
    }
    String text = "I stopped after " + settings.maxToolRounds() + " steps without finishing; tell me how to go on.";
    store.append(id, turn, "assistant", text, null, null, null, Instant.now());
    sink.event("error", problem("agent.too_many_steps", text));
    ObjectNode done = Json.object();
    done.put("text", text);
    sink.event("message", done);
  }

  private static String invoke(ToolCallback callback, AssistantMessage.ToolCall call) {
    if (callback == null) {
      return Json.MAPPER.writeValueAsString(AgentTools.error("agent.unknown_tool", "there is no tool '" + call.name() + "'", null));
    }
    try {
      return callback.call(call.arguments() == null || call.arguments().isBlank() ? "{}" : call.arguments());
    } catch (RuntimeException e) {
      // Arguments the tool cannot bind: tell the model, which can try again.
      return Json.MAPPER.writeValueAsString(AgentTools.error("agent.tool_arguments",
          "the arguments of " + call.name() + " are not valid: " + e.getClass().getSimpleName(), null));
    }
  }

  /** One model call, streamed: text deltas go out as they come; tool calls are gathered. */
  private Round stream(String profile, Prompt prompt, Sink sink) {
    Round r = new Round();
    llm.checkBudget();
    long started = System.nanoTime();
    // A profile keyed by a credential resolves it here, on the request's thread (its tenant).
    var use = models.use(profile, null);
    try {
      use.model().stream(prompt).toIterable().forEach(chunk -> r.add(chunk, sink));
    } catch (NodeFailure f) {
      throw new NodeFailure(f.code(), use.redact().apply(f.getMessage()), f.retryable(), null, f.retryAfter().orElse(null));
    } catch (RuntimeException e) {
      NodeFailure f = LlmClient.failure(profile, e);
      throw new NodeFailure(f.code(), use.redact().apply(f.getMessage()), f.retryable(), null, f.retryAfter().orElse(null));
    }
    var p = models.require(profile);
    llm.spent(r.tokensIn, r.tokensOut);
    usage.used("agent", new LlmReply(r.text.toString(), profile, r.model == null ? p.model() : r.model, r.tokensIn,
        r.tokensOut, (System.nanoTime() - started) / 1_000_000, p.cost(r.tokensIn, r.tokensOut)).usage());
    return r;
  }

  private static final class Round {
    final StringBuilder text = new StringBuilder();
    final List<AssistantMessage.ToolCall> calls = new ArrayList<>();
    long tokensIn;
    long tokensOut;
    String model;

    void add(ChatResponse chunk, Sink sink) {
      if (chunk == null) return;
      var meta = chunk.getMetadata();
      if (meta != null) {
        if (meta.getModel() != null && !meta.getModel().isBlank()) model = meta.getModel();
        var u = meta.getUsage();
        // Providers report usage once, on the last chunk; some repeat running totals: keep the largest.
        if (u != null && u.getPromptTokens() != null) tokensIn = Math.max(tokensIn, u.getPromptTokens());
        if (u != null && u.getCompletionTokens() != null) tokensOut = Math.max(tokensOut, u.getCompletionTokens());
      }
      if (chunk.getResults() == null) return;
      for (var gen : chunk.getResults()) {
        AssistantMessage out = gen.getOutput();
        if (out == null) continue;
        String delta = out.getText();
        if (delta != null && !delta.isEmpty()) {
          text.append(delta);
          ObjectNode d = Json.object();
          d.put("text", delta);
          sink.event("delta", d);
        }
        for (AssistantMessage.ToolCall call : out.getToolCalls()) merge(call);
      }
    }

    /** Providers that stream a call in pieces send its id and name first, then argument fragments. */
    private void merge(AssistantMessage.ToolCall call) {
      boolean continuation = (call.id() == null || call.id().isEmpty()) && !calls.isEmpty();
      if (continuation) {
        AssistantMessage.ToolCall last = calls.removeLast();
        calls.add(new AssistantMessage.ToolCall(last.id(), last.type(), last.name(),
            nz(last.arguments()) + nz(call.arguments())));
      } else {
        calls.add(new AssistantMessage.ToolCall(call.id() == null || call.id().isEmpty() ? "call-" + calls.size() : call.id(),
            call.type() == null ? "function" : call.type(), call.name(), nz(call.arguments())));
      }
    }
  }

  /** The stored messages as the model's messages; a window never starts inside a tool exchange. */
  static List<Message> history(List<ConversationStore.Message> rows) {
    List<Message> out = new ArrayList<>();
    List<ToolResponseMessage.ToolResponse> pending = new ArrayList<>();
    for (ConversationStore.Message m : rows) {
      if (!"tool".equals(m.role()) && !pending.isEmpty()) {
        out.add(ToolResponseMessage.builder().responses(List.copyOf(pending)).build());
        pending.clear();
      }
      switch (m.role()) {
        case "user" -> out.add(new UserMessage(nz(m.content())));
        case "assistant" -> {
          List<AssistantMessage.ToolCall> calls = new ArrayList<>();
          if (m.toolCalls() != null) {
            for (JsonNode c : m.toolCalls()) {
              calls.add(new AssistantMessage.ToolCall(c.path("id").asString(), "function", c.path("name").asString(),
                  c.path("arguments").asString("{}")));
            }
          }
          out.add(AssistantMessage.builder().content(nz(m.content())).toolCalls(calls).build());
        }
        case "tool" -> pending.add(new ToolResponseMessage.ToolResponse(m.toolCallId(), m.toolName(), nz(m.content())));
        default -> { }
      }
    }
    if (!pending.isEmpty()) out.add(ToolResponseMessage.builder().responses(List.copyOf(pending)).build());
    return out;
  }

  /**
   * Folds all but the last {@code keepMessages} messages into the summary, cutting at a user message so
   * no tool exchange is split. A failed summary leaves the conversation as it was.
   */
  private ConversationStore.Conversation summarizeIfLong(ConversationStore.Conversation c) {
    List<ConversationStore.Message> rows = store.messages(c.id(), c.summarizedThrough());
    if (rows.size() <= settings.keepMessages()) return c;
    int cut = rows.size() - settings.keepMessages();
    while (cut < rows.size() && !"user".equals(rows.get(cut).role())) cut++;
    if (cut <= 0 || cut >= rows.size()) return c;
    StringBuilder transcript = new StringBuilder();
    if (c.summary() != null) transcript.append("Earlier summary: ").append(c.summary()).append("\n\n");
    for (ConversationStore.Message m : rows.subList(0, cut)) {
      transcript.append(m.role()).append(m.toolName() == null ? "" : " (" + m.toolName() + ")").append(": ")
          .append(m.content() == null ? Json.MAPPER.writeValueAsString(m.toolCalls()) : m.content()).append('\n');
    }
    try {
      LlmReply reply = llm.call(settings.model(), List.of(
          new SystemMessage(AgentPrompts.SUMMARIZE + "\n" + PromptText.DATA_RULE),
          new UserMessage(PromptText.delimit("conversation", transcript.toString()))));
      usage.used("agent.summary", reply.usage());
      store.summarize(c.id(), reply.text().strip(), rows.get(cut - 1).seq());
      return store.find(c.id()).orElseThrow();
    } catch (NodeFailure f) {
      log.warn("conversation {} was not summarized: {} {}", c.id(), f.code(), f.getMessage());
      return c;
    }
  }

  private static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json == null || json.isBlank() ? "{}" : json);
    } catch (RuntimeException e) {
      return Json.MAPPER.getNodeFactory().stringNode(json);
    }
  }

  private static ObjectNode problem(String code, String message) {
    ObjectNode p = Json.object();
    p.put("code", code);
    p.put("message", message);
    return p;
  }


  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
