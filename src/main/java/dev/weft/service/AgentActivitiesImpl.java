package dev.weft.service;

import dev.weft.ai.ChatModels;
import dev.weft.ai.LlmClient;
import dev.weft.ai.StructuredOutput;
import dev.weft.ai.LlmReply;
import dev.weft.ai.ModelProfile;
import dev.weft.definition.Json;
import dev.weft.engine.ActivityInput;
import dev.weft.engine.AgentActivities;
import dev.weft.engine.AgentMemoryStore;
import dev.weft.engine.FailureDetails;
import dev.weft.engine.NodeInvoker;
import dev.weft.node.CredentialResolver;
import dev.weft.node.NodeFailure;
import dev.weft.node.agent.McpServers;
import dev.weft.node.agent.StreamableMcpServers;
import dev.weft.node.http.OutboundGuard;
import dev.weft.node.NodeResult;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The engine's {@link AgentActivities} over the model profiles ({@link ChatModels}) and the node types ({@link NodeInvoker}).
 * Failures become {@link ApplicationFailure}s typed with the node failure's code ({@code llm.*}, {@code http.*}),
 * retryable as the failure says; the agent node's retry policy decides how often.
 */
public class AgentActivitiesImpl implements AgentActivities {
  private final LlmClient llm;
  private final NodeInvoker invoker;
  private final AgentMemoryStore memory;
  private final dev.weft.knowledge.KnowledgeSearch knowledge;
  private final McpServers mcp;

  public AgentActivitiesImpl(LlmClient llm, NodeInvoker invoker, AgentMemoryStore memory) {
    this(llm, invoker, memory, dev.weft.knowledge.KnowledgeSearch.NONE);
  }

  public AgentActivitiesImpl(LlmClient llm, NodeInvoker invoker, AgentMemoryStore memory, dev.weft.knowledge.KnowledgeSearch knowledge) {
    this(llm, invoker, memory, knowledge, new StreamableMcpServers(CredentialResolver.NONE, OutboundGuard.DEFAULT));
  }

  /** @param mcp the remote MCP servers {@code mcp} tools reach (through the outbound guard, with stored credentials) */
  public AgentActivitiesImpl(LlmClient llm, NodeInvoker invoker, AgentMemoryStore memory, dev.weft.knowledge.KnowledgeSearch knowledge,
      McpServers mcp) {
    this.mcp = mcp;
    this.knowledge = knowledge;
    this.llm = llm;
    this.invoker = invoker;
    this.memory = memory;
  }

  @Override
  public List<Message> recall(MemoryInput in) {
    return memory.recent(in.workflowId(), in.key(), in.window());
  }

  @Override
  public void remember(MemoryInput in) {
    memory.append(in.workflowId(), in.key(), in.runId(), in.nodeKey(), in.messages());
  }

  @Override
  public Turn turn(TurnInput in) {
    ChatModels models = llm.models();
    try {
      String name = models.resolve(in.profile());
      ModelProfile profile = models.require(name);
      llm.checkBudget();
      ChatModels.Use use = models.use(name, null);
      List<ToolCallback> tools = in.tools().stream().<ToolCallback>map(Declared::new).toList();
      // With an outputSchema the provider is given it (structured output) unless the profile's endpoint has
      // refused one; the loop still checks the answer and re-asks, the fallback for endpoints that ignore it.
      // (JSON null arrives as a NullNode: no schema.)
      boolean hasSchema = in.outputSchema() != null && in.outputSchema().isObject();
      boolean structured = hasSchema && models.sendsSchema(name);
      long started = System.nanoTime();
      ChatResponse response;
      try {
        response = call(use, name, prompt(models, name, in, tools, structured));
      } catch (NodeFailure f) {
        if (!structured || !StructuredOutput.rejectsSchema(f)) throw f;
        models.schemaRejected(name);
        structured = false;
        response = call(use, name, prompt(models, name, in, tools, false));
      }
      long latencyMs = (System.nanoTime() - started) / 1_000_000;
      ChatResponseMetadata meta = response == null ? null : response.getMetadata();
      Usage usage = meta == null ? null : meta.getUsage();
      long tokensIn = usage == null || usage.getPromptTokens() == null ? 0 : usage.getPromptTokens();
      long tokensOut = usage == null || usage.getCompletionTokens() == null ? 0 : usage.getCompletionTokens();
      llm.spent(tokensIn, tokensOut);
      AssistantMessage out = response == null || response.getResult() == null ? null : response.getResult().getOutput();
      if (out == null) throw new NodeFailure("llm.empty", "model profile '" + name + "' gave an empty answer", true);
      List<ToolCall> calls = new ArrayList<>();
      for (AssistantMessage.ToolCall c : out.getToolCalls()) {
        calls.add(new ToolCall(c.id() == null || c.id().isBlank() ? "call_" + calls.size() : c.id(), c.name(),
            c.arguments() == null ? "" : c.arguments()));
      }
      String text = out.getText() == null ? "" : out.getText();
      if (text.isBlank() && calls.isEmpty()) {
        throw new NodeFailure("llm.empty", "model profile '" + name + "' gave an empty answer", true);
      }
      String model = meta == null || meta.getModel() == null || meta.getModel().isBlank() ? profile.model() : meta.getModel();
      LlmReply reply = new LlmReply(text, name, model, tokensIn, tokensOut, latencyMs, profile.cost(tokensIn, tokensOut));
      if (hasSchema) reply = reply.structured(structured ? LlmReply.SCHEMA : LlmReply.PROMPT);
      return new Turn(text, calls, reply.usage());
    } catch (NodeFailure f) {
      throw failure(f);
    }
  }

  private static Prompt prompt(ChatModels models, String name, TurnInput in, List<ToolCallback> tools, boolean structured) {
    List<org.springframework.ai.chat.messages.Message> msgs = messages(in.messages());
    if (structured) return new Prompt(msgs, models.agentOptions(name, tools, in.outputSchema()));
    return tools.isEmpty() ? new Prompt(msgs) : new Prompt(msgs, models.toolOptions(name, tools));
  }

  /** One call of the model, its failures as {@link NodeFailure}s with the key redacted. */
  private static ChatResponse call(ChatModels.Use use, String name, Prompt prompt) {
    try {
      return use.model().call(prompt);
    } catch (NodeFailure f) {
      throw new NodeFailure(f.code(), use.redact().apply(f.getMessage()), f.retryable(), null, f.retryAfter().orElse(null));
    } catch (RuntimeException e) {
      NodeFailure f = LlmClient.failure(name, e);
      throw new NodeFailure(f.code(), use.redact().apply(f.getMessage()), f.retryable(), null, f.retryAfter().orElse(null));
    }
  }

  @Override
  public JsonNode knowledge(KnowledgeCall in) {
    dev.weft.knowledge.Retriever.Result found;
    try {
      found = knowledge.search(in.knowledgeBase(), in.query(), in.k());
    } catch (dev.weft.domain.DomainException e) {
      throw failure(new NodeFailure(e.code(), e.getMessage(), false));
    } catch (NodeFailure f) {
      throw failure(f);
    }
    ObjectNode out = Json.object();
    out.put("knowledgeBase", found.knowledgeBaseName());
    var hits = out.putArray("hits");
    int chars = 0;
    for (var h : found.hits()) {
      String text = h.text();
      if (chars + text.length() > MAX_TOOL_RESULT_CHARS) text = text.substring(0, Math.max(0, MAX_TOOL_RESULT_CHARS - chars));
      chars += text.length();
      hits.addObject().put("chunkId", h.chunkId()).put("documentName", h.documentName()).put("score", h.score()).put("text", text);
    }
    return out;
  }

  @Override
  public List<McpTool> mcpList(McpList in) {
    try {
      List<McpTool> out = new ArrayList<>();
      for (McpServers.Tool t : mcp.list(in.server(), in.credential(), Duration.ofMillis(in.timeoutMillis()))) {
        if (in.allow().contains(t.name())) out.add(new McpTool(t.name(), t.description(), t.inputSchema()));
      }
      return out;
    } catch (NodeFailure f) {
      throw failure(f);
    }
  }

  @Override
  public JsonNode mcp(McpCall in) {
    McpServers.Result r;
    try {
      r = mcp.call(in.server(), in.credential(), in.tool(), in.arguments(), Duration.ofMillis(in.timeoutMillis()));
    } catch (NodeFailure f) {
      throw failure(f);
    }
    String text = r.text();
    boolean truncated = text.length() > MAX_TOOL_RESULT_CHARS;
    if (truncated) text = text.substring(0, MAX_TOOL_RESULT_CHARS);
    if (r.error()) {
      throw failure(new NodeFailure("mcp.tool_error", "tool '" + in.tool() + "' answered an error: " + text, false));
    }
    ObjectNode out = Json.object();
    out.put("text", text);
    if (truncated) out.put("truncated", true);
    return out;
  }

  @Override
  public JsonNode http(ActivityInput in) {
    try {
      NodeResult r = invoker.invoke(in.runId(), in.node(), in.scope(), null);
      ObjectNode out = Json.object();
      out.set("status", r.output().get("status"));
      JsonNode body = r.output().get("body");
      String text = body == null ? "null" : Json.MAPPER.writeValueAsString(body);
      if (text.length() > MAX_TOOL_RESULT_CHARS) {
        out.put("body", text.substring(0, MAX_TOOL_RESULT_CHARS));
        out.put("truncated", true);
      } else {
        out.set("body", body);
      }
      return out;
    } catch (NodeFailure f) {
      throw failure(f);
    }
  }

  private static ApplicationFailure failure(NodeFailure f) {
    ApplicationFailure.Builder b = ApplicationFailure.newBuilder().setType(f.code()).setMessage(f.getMessage())
        .setNonRetryable(!f.retryable());
    if (f.details() != null) b.setDetails(new FailureDetails(0, f.details()));
    f.retryAfter().ifPresent(b::setNextRetryDelay);
    return b.build();
  }

  private static List<org.springframework.ai.chat.messages.Message> messages(List<Message> in) {
    List<org.springframework.ai.chat.messages.Message> out = new ArrayList<>();
    List<ToolResponseMessage.ToolResponse> pending = new ArrayList<>();
    for (Message m : in) {
      if (!Message.TOOL.equals(m.role()) && !pending.isEmpty()) {
        out.add(ToolResponseMessage.builder().responses(List.copyOf(pending)).build());
        pending.clear();
      }
      switch (m.role()) {
        case Message.SYSTEM -> out.add(new SystemMessage(m.content()));
        case Message.USER -> out.add(new UserMessage(m.content()));
        case Message.ASSISTANT -> {
          List<AssistantMessage.ToolCall> calls = new ArrayList<>();
          if (m.toolCalls() != null) {
            m.toolCalls().forEach(c -> calls.add(new AssistantMessage.ToolCall(c.id(), "function", c.name(), c.arguments())));
          }
          out.add(AssistantMessage.builder().content(m.content() == null ? "" : m.content()).toolCalls(calls).build());
        }
        case Message.TOOL -> pending.add(new ToolResponseMessage.ToolResponse(m.toolCallId(), m.toolName(), m.content()));
        default -> throw new IllegalArgumentException("unknown message role " + m.role());
      }
    }
    if (!pending.isEmpty()) out.add(ToolResponseMessage.builder().responses(List.copyOf(pending)).build());
    return out;
  }

  /** A tool offered to the model: only its definition; calls come back to the workflow and are never run here. */
  private record Declared(ToolSpec spec) implements ToolCallback {
    @Override
    public ToolDefinition getToolDefinition() {
      return ToolDefinition.builder().name(spec.name()).description(spec.description())
          .inputSchema(Json.MAPPER.writeValueAsString(spec.parameters())).build();
    }

    @Override
    public String call(String toolInput) {
      throw new IllegalStateException("tool '" + spec.name() + "' runs in the agent's workflow, not inside the model call");
    }
  }
}
