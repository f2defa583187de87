package dev.weft.engine;

import dev.weft.definition.Json;
import dev.weft.definition.NodeDef;
import dev.weft.definition.Violation;
import dev.weft.engine.AgentActivities.Message;
import dev.weft.engine.AgentActivities.ToolCall;
import dev.weft.engine.AgentActivities.ToolSpec;
import dev.weft.engine.AgentActivities.Turn;
import dev.weft.engine.NodeExecutor.Outcome;
import dev.weft.expression.ExpressionEngine;
import dev.weft.expression.ExpressionException;
import dev.weft.expression.Templates;
import dev.weft.node.HumanTask;
import dev.weft.node.JsonSchemas;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeResult;
import dev.weft.node.agent.AgentNodeConfig;
import dev.weft.node.agent.AgentTool;
import dev.weft.node.agent.AgentToolKind;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Workflow;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How an {@code agent} node runs: the model-with-tools loop, in workflow code. Each model turn is an
 * activity ({@link AgentActivities#turn}); each tool call is an activity ({@code http}), a child run
 * ({@code workflow}) or a deterministic evaluation here ({@code calculator}). Their results are in the
 * run's history, so a retry or a worker crash replays them and never makes a finished call again. The
 * model's arguments are checked against the tool's schema here, before anything runs; an invalid call goes
 * back to the model as an error, at most {@code maxInvalidToolCalls} times. A tool in
 * {@code requireApproval} waits for a person's decision first (an approval task like the approval node's).
 * Each turn and each tool call is an event ({@code agent_turn}, {@code agent_tool_call}). Owned by one
 * {@link RunWorkflowImpl} instance.
 */
final class AgentLoop {
  static final int MAX_TOOL_RESULT_CHARS = AgentActivities.MAX_TOOL_RESULT_CHARS;
  static final String MAX_ITERATIONS = "agent.max_iterations";
  /** The most characters of messages one model turn sends (each turn's input is recorded in history). */
  static final int MAX_CONVERSATION_CHARS = 512_000;
  /** The longest memory key. */
  static final int MAX_MEMORY_KEY = 200;
  static final String INVALID_TOOL_CALLS = "agent.invalid_tool_calls";
  static final String INVALID_OUTPUT = "agent.invalid_output";
  static final String APPROVE = "approve";
  static final String REJECT = "reject";
  static final String OUTPUT_RULE = "Your final answer (when you call no tool) is only one JSON object that matches this"
      + " JSON schema, no prose:";
  private static final Pattern FENCE = Pattern.compile("(?s)^\\s*```[A-Za-z]*\\s*\\n?(.*?)\\n?\\s*```\\s*$");

  private final NodeInvoker invoker;
  private final ExpressionEngine expressions;
  private final RunEvents events;
  private final HumanTasks tasks;
  private final ChildRuns children;
  private final RunLength length;
  private final EngineSettings settings;
  private final Runnable flush;

  AgentLoop(NodeInvoker invoker, ExpressionEngine expressions, RunEvents events, HumanTasks tasks, ChildRuns children,
      RunLength length, EngineSettings settings, Runnable flush) {
    this.invoker = invoker;
    this.expressions = expressions;
    this.events = events;
    this.tasks = tasks;
    this.children = children;
    this.length = length;
    this.settings = settings;
    this.flush = flush;
  }

  /** A failure that ends the node. */
  private static final class Failed extends RuntimeException {
    final NodeError error;

    Failed(String code, String message, JsonNode details) {
      super(message, null, false, false);
      this.error = new NodeError(code, message, details);
    }
  }

  /** The state of one execution of an agent node. */
  private final class Session {
    final NodeRun n;
    final NodeDef def;
    final AgentNodeConfig c;
    final NodeScope scope;
    final RunInput in;
    final Instant startedAt;
    /** The attempts of earlier executions of the node (retried after {@code onError: ask}): its calls are new ones. */
    final int base;
    final Map<String, AgentTool> tools = new LinkedHashMap<>();
    final Map<String, Integer> toolIndex = new LinkedHashMap<>();
    final Map<String, DefinitionSnapshot> workflows = new LinkedHashMap<>();
    /** The server tools of mcp entries, by the name the model sees (listed before the first turn). */
    final Map<String, AgentActivities.McpTool> mcp = new LinkedHashMap<>();
    final List<Message> messages = new ArrayList<>();
    int calls;
    int invalidCalls;
    int invalidOutputs;
    long tokensIn;
    long tokensOut;
    BigDecimal cost = BigDecimal.ZERO;
    String profile;
    String model;

    Session(NodeRun n, NodeDef def, AgentNodeConfig c, NodeScope scope, RunInput in, Instant startedAt, int base) {
      this.base = base;
      this.n = n;
      this.def = def;
      this.c = c;
      this.scope = scope;
      this.in = in;
      this.startedAt = startedAt;
      for (int i = 0; i < c.tools().size(); i++) {
        // An mcp entry's name only labels it: its server tools are added under their own names when listed.
        if (c.tools().get(i).kind() == AgentToolKind.MCP) continue;
        tools.put(c.tools().get(i).name(), c.tools().get(i));
        toolIndex.put(c.tools().get(i).name(), i);
      }
    }

    void used(JsonNode llm) {
      if (llm == null) return;
      tokensIn += llm.path("tokensIn").asLong(0);
      tokensOut += llm.path("tokensOut").asLong(0);
      if (llm.get("cost") != null && llm.get("cost").isNumber()) cost = cost.add(llm.get("cost").decimalValue());
      profile = llm.path("profile").asString(profile);
      model = llm.path("model").asString(model);
    }

    ObjectNode usage() {
      ObjectNode u = Json.object();
      u.put("profile", profile);
      u.put("model", model);
      u.put("tokensIn", tokensIn);
      u.put("tokensOut", tokensOut);
      u.put("cost", cost.stripTrailingZeros());
      return u;
    }
  }

  /** Runs an agent node to its answer, or its failure. */
  Outcome run(NodeRun n, NodeDef def, NodeScope scope, int base, RunInput in, Instant startedAt) {
    int attempt = base + 1;
    AgentNodeConfig c;
    try {
      c = (AgentNodeConfig) invoker.resolveConfig(def, scope);
    } catch (NodeFailure f) {
      return Outcome.failed(new NodeError(f.code(), f.getMessage(), f.details()), attempt);
    }
    if (invoker.isSampling()) {
      ObjectNode sample = Json.object();
      sample.put("sampled", true);
      sample.put("text", "(dry run)");
      if (c.outputSchema() != null) sample.set("data", JsonSchemas.sample(c.outputSchema()));
      sample.put("turns", 0);
      sample.put("toolCalls", 0);
      return Outcome.ok(NodeResult.of(sample), attempt);
    }
    Session s = new Session(n, def, c, scope, in, startedAt, base);
    try {
      return Outcome.ok(NodeResult.of(loop(s)), attempt);
    } catch (Failed f) {
      return Outcome.failed(f.error, attempt);
    } catch (CanceledFailure e) {
      return Outcome.cancelled();
    } catch (io.temporal.failure.TemporalFailure | io.temporal.worker.NonDeterministicException e) {
      throw e;
    } catch (RuntimeException e) {
      // A defect fails the node (as a control node's would) instead of failing the workflow task forever.
      return Outcome.failed(new NodeError("node.error", e.getClass().getSimpleName() + ": " + e.getMessage(), null), attempt);
    }
  }

  private JsonNode loop(Session s) {
    AgentNodeConfig c = s.c;
    List<ToolSpec> specs = specs(s);
    String system = c.outputSchema() == null ? c.system()
        : join(c.system(), OUTPUT_RULE + "\n" + Json.MAPPER.writeValueAsString(c.outputSchema()));
    if (system != null && !system.isBlank()) s.messages.add(Message.system(system));
    s.messages.addAll(recall(s));
    s.messages.add(Message.user(c.prompt()));
    int max = c.maxIterationsOrDefault();
    for (int turn = 1; turn <= max; turn++) {
      checkSize(s);
      flush.run();
      Turn t = turn(s, turn, specs);
      s.used(t.llm());
      turnEvent(s, turn, t);
      s.messages.add(Message.assistant(t.text(), t.toolCalls()));
      if (t.toolCalls().isEmpty()) {
        JsonNode out = answer(s, turn, t.text());
        if (out == null) continue;
        remember(s, t.text());
        return out;
      }
      for (ToolCall call : t.toolCalls()) s.messages.add(Message.tool(call, text(call(s, turn, call))));
    }
    ObjectNode details = Json.object();
    details.put("turns", max);
    details.put("toolCalls", s.calls);
    details.set("llm", s.usage());
    throw new Failed(MAX_ITERATIONS, "no final answer within maxIterations (" + max + " model turns)", details);
  }

  /**
   * Every turn sends (and records) the whole conversation: past {@link #MAX_CONVERSATION_CHARS} characters
   * the node fails rather than write ever larger activity inputs into the run's history.
   */
  private static void checkSize(Session s) {
    long chars = 0;
    for (Message m : s.messages) {
      chars += m.content() == null ? 0 : m.content().length();
      if (m.toolCalls() != null) {
        for (ToolCall c : m.toolCalls()) chars += c.arguments() == null ? 0 : c.arguments().length();
      }
    }
    if (chars > MAX_CONVERSATION_CHARS) {
      throw new Failed("agent.conversation_too_large", "the conversation has " + chars + " characters; an agent sends at"
          + " most " + MAX_CONVERSATION_CHARS + " to its model (fewer turns, smaller tool results, a smaller memory window)",
          null);
    }
  }

  /** The conversation the node's memory keeps under its key (none without {@code memory}). */
  private List<Message> recall(Session s) {
    if (s.c.memory() == null) return List.of();
    String key = s.c.memory().key();
    if (key == null || key.isBlank() || key.length() > MAX_MEMORY_KEY) {
      throw new Failed("agent.memory_key", "memory.key resolved to " + (key == null || key.isBlank() ? "nothing"
          : "a key of " + key.length() + " characters") + "; a key has 1.." + MAX_MEMORY_KEY, null);
    }
    AgentActivities stub = Workflow.newActivityStub(AgentActivities.class, memoryOptions(s, "recall"));
    try {
      List<Message> kept = new ArrayList<>(stub.recall(memoryInput(s, List.of())));
      // A window never starts with an answer: the model reads its memory from a question on.
      while (!kept.isEmpty() && !Message.USER.equals(kept.getFirst().role())) kept.removeFirst();
      return kept;
    } catch (ActivityFailure f) {
      throw activityFailed(s, f);
    }
  }

  /** Adds the prompt and the final answer to the node's memory (with {@code memory}). */
  private void remember(Session s, String answer) {
    if (s.c.memory() == null) return;
    AgentActivities stub = Workflow.newActivityStub(AgentActivities.class, memoryOptions(s, "remember"));
    try {
      stub.remember(memoryInput(s, List.of(Message.user(s.c.prompt()), Message.assistant(answer, null))));
    } catch (ActivityFailure f) {
      throw activityFailed(s, f);
    }
  }

  private AgentActivities.MemoryInput memoryInput(Session s, List<Message> messages) {
    return new AgentActivities.MemoryInput(s.in.definition().workflowId(), s.c.memory().key(),
        s.c.memory().windowOrDefault(), runId(), s.n.key, messages);
  }

  /** The store is retried (with backoff, a bounded number of times) until it answers. */
  private static ActivityOptions memoryOptions(Session s, String what) {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(java.time.Duration.ofSeconds(30))
        .setRetryOptions(io.temporal.common.RetryOptions.newBuilder().setMaximumInterval(java.time.Duration.ofMinutes(1))
            .setMaximumAttempts(20).build())
        .setSummary(s.n.key + " · memory " + what)
        .build();
  }

  /** The final answer as the node's output, or null when it does not match {@code outputSchema} and is re-asked. */
  private JsonNode answer(Session s, int turn, String text) {
    ObjectNode out = Json.object();
    out.put("text", text);
    if (s.c.outputSchema() != null) {
      JsonNode value = null;
      List<Violation> errors;
      String body = text.strip();
      Matcher m = FENCE.matcher(body);
      if (m.matches()) body = m.group(1).strip();
      try {
        value = Json.parse(body);
        errors = value != null && value.isObject() ? JsonSchemas.errors(s.c.outputSchema(), value)
            : List.of(Violation.of("", "schema.type", "the answer must be one JSON object"));
      } catch (JacksonException e) {
        errors = List.of(Violation.of("", "llm.not_json", "the answer is not JSON: " + e.getOriginalMessage()));
      }
      if (!errors.isEmpty()) {
        if (++s.invalidOutputs > s.c.maxInvalidOrDefault()) {
          ObjectNode details = Json.object();
          ArrayNode list = details.putArray("errors");
          errors.forEach(e -> list.addObject().put("path", e.path()).put("code", e.code()).put("message", e.message()));
          details.set("llm", s.usage());
          throw new Failed(INVALID_OUTPUT, "the final answer did not match outputSchema " + s.invalidOutputs + " times: "
              + errors.getFirst().code() + " at '" + errors.getFirst().path() + "'", details);
        }
        StringBuilder sb = new StringBuilder("Your answer is not valid:\n");
        errors.forEach(e -> sb.append("- at '").append(e.path()).append("': ").append(e.message()).append('\n'));
        s.messages.add(Message.user(sb.append("Answer again with only the corrected JSON object.").toString()));
        return null;
      }
      out.set("data", value);
    }
    out.put("turns", turn);
    out.put("toolCalls", s.calls);
    out.set("llm", s.usage());
    return out;
  }

  /** The tools as the model sees them; a workflow tool's parameters are its workflow's {@code inputSchema}. */
  private List<ToolSpec> specs(Session s) {
    List<ToolSpec> out = new ArrayList<>();
    for (AgentTool t : s.c.tools()) {
      JsonNode parameters = t.parameters();
      if (t.kind() == AgentToolKind.WORKFLOW) {
        DefinitionSnapshot snapshot;
        try {
          snapshot = children.load(t.workflowId(), t.version(), s.startedAt);
        } catch (ActivityFailure f) {
          RuntimeException e = activityFailed(s, f);
          if (e instanceof Failed failed) {
            throw new Failed(failed.error.code(), "tool '" + t.name() + "': " + failed.error.message(), null);
          }
          throw e;
        }
        s.workflows.put(t.name(), snapshot);
        if (parameters == null) parameters = snapshot.definition().inputSchema();
        if (parameters == null) parameters = Json.object().put("type", "object");
      }
      if (t.kind() == AgentToolKind.MCP) {
        out.addAll(mcpSpecs(s, t));
        continue;
      }
      if (t.kind() == AgentToolKind.KNOWLEDGE && parameters == null) parameters = AgentTool.knowledgeParameters();
      out.add(new ToolSpec(t.name(), t.description(), parameters));
    }
    return out;
  }

  /**
   * An mcp entry's allowed server tools, listed in an activity (once per node execution: a replay reads the
   * list from history). An allowed tool the server does not offer, or a server that cannot be listed, fails
   * the node: the workflow's configuration does not match the server.
   */
  private List<ToolSpec> mcpSpecs(Session s, AgentTool t) {
    flush.run();
    AgentActivities stub = Workflow.newActivityStub(AgentActivities.class, options(s, "list " + t.name()));
    List<AgentActivities.McpTool> listed;
    try {
      listed = stub.mcpList(new AgentActivities.McpList(t.server(), t.credential(), List.copyOf(t.allow()),
          s.def.timeoutOrDefault().toMillis()));
    } catch (ActivityFailure f) {
      RuntimeException e = activityFailed(s, f);
      if (e instanceof Failed failed) {
        throw new Failed(failed.error.code(), "tool '" + t.name() + "': " + failed.error.message(), failed.error.details());
      }
      throw e;
    }
    List<String> missing = new ArrayList<>(t.allow());
    List<ToolSpec> out = new ArrayList<>();
    for (AgentActivities.McpTool m : listed) {
      if (!missing.remove(m.name())) continue;
      String name = t.mcpName(m.name());
      s.tools.put(name, t);
      s.mcp.put(name, m);
      out.add(new ToolSpec(name, t.mcpDescription(m.description()), m.inputSchema()));
    }
    if (!missing.isEmpty()) {
      ObjectNode details = Json.object();
      details.put("server", t.server());
      ArrayNode list = details.putArray("missing");
      missing.forEach(list::add);
      throw new Failed("agent.mcp_tool_missing", "tool '" + t.name() + "': the MCP server offers no tool named "
          + String.join(", ", missing), details);
    }
    return out;
  }

  private Turn turn(Session s, int turn, List<ToolSpec> specs) {
    AgentActivities stub = Workflow.newActivityStub(AgentActivities.class, options(s, "turn " + turn));
    try {
      // outputSchema travels with each turn: the provider constrains a final answer to it (structured output).
      return stub.turn(new AgentActivities.TurnInput(runId(), s.n.key, s.c.model(), List.copyOf(s.messages), specs,
          s.c.outputSchema()));
    } catch (ActivityFailure f) {
      throw activityFailed(s, f);
    }
  }

  private ActivityOptions options(Session s, String what) {
    NodeDef d = s.def;
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(d.timeoutOrDefault())
        .setRetryOptions(NodeExecutor.retryOptions(d.retry()))
        .setSummary(s.n.key + " · " + what)
        .build();
  }

  private RuntimeException activityFailed(Session s, ActivityFailure f) {
    return switch (f.getCause()) {
      case CanceledFailure c -> c;
      case ApplicationFailure af -> {
        FailureDetails details = af.getDetails().getSize() == 0 ? null : af.getDetails().get(0, FailureDetails.class);
        yield new Failed(af.getType(), af.getOriginalMessage(), details == null ? null : details.details());
      }
      case TimeoutFailure tf -> new Failed("node.timeout", "no result within " + s.def.timeoutOrDefault() + " ("
          + tf.getTimeoutType() + ")", null);
      case null, default -> new Failed("node.error", f.getMessage(), null);
    };
  }

  /** Checks and runs one tool call; its result (or error) is what the model sees next. */
  private JsonNode call(Session s, int turn, ToolCall call) {
    int ordinal = ++s.calls;
    AgentTool tool = s.tools.get(call.name());
    JsonNode args = null;
    NodeError invalid = null;
    if (tool == null) {
      invalid = new NodeError("agent.unknown_tool", "there is no tool '" + call.name() + "'; the tools are "
          + String.join(", ", s.tools.keySet()), null);
    } else {
      try {
        args = call.arguments() == null || call.arguments().isBlank() ? Json.object() : Json.parse(call.arguments());
      } catch (JacksonException e) {
        invalid = new NodeError("agent.arguments_not_json", "the arguments are not JSON: " + e.getOriginalMessage(), null);
      }
      if (invalid == null) {
        JsonNode schema = tool.kind() == AgentToolKind.WORKFLOW ? workflowSchema(s, tool)
            : tool.kind() == AgentToolKind.MCP ? s.mcp.get(call.name()).inputSchema()
            : tool.kind() == AgentToolKind.KNOWLEDGE && tool.parameters() == null ? AgentTool.knowledgeParameters()
            : tool.parameters();
        List<Violation> errors = args == null || !args.isObject()
            ? List.of(Violation.of("", "schema.type", "the arguments are one JSON object")) : JsonSchemas.errors(schema, args);
        if (!errors.isEmpty()) {
          ArrayNode list = Json.MAPPER.createArrayNode();
          errors.forEach(e -> list.addObject().put("path", e.path()).put("code", e.code()).put("message", e.message()));
          ObjectNode details = Json.object();
          details.set("errors", list);
          invalid = new NodeError("agent.invalid_arguments", "the arguments of " + call.name()
              + " do not match its parameters: " + errors.getFirst().code() + " at '" + errors.getFirst().path() + "'", details);
        }
      }
    }
    if (invalid != null) {
      toolEvent(s, ordinal, turn, call, args, null, invalid);
      if (++s.invalidCalls > s.c.maxInvalidOrDefault()) {
        ObjectNode details = Json.object();
        details.put("invalidCalls", s.invalidCalls);
        details.set("last", invalid.toJson());
        details.set("llm", s.usage());
        throw new Failed(INVALID_TOOL_CALLS, "the model made " + s.invalidCalls + " invalid tool calls (at most "
            + s.c.maxInvalidOrDefault() + " are sent back to it); the last: " + invalid.message(), details);
      }
      return errorResult(invalid);
    }
    if (s.c.requireApproval().contains(call.name())) {
      JsonNode rejection = approval(s, ordinal, call.name(), tool, args);
      if (rejection != null) {
        toolEvent(s, ordinal, turn, call, args, rejection, null);
        return rejection;
      }
    }
    JsonNode result;
    NodeError error = null;
    try {
      result = switch (tool.kind()) {
        case CALCULATOR -> calculate(s, tool, args);
        case HTTP -> http(s, tool, args, ordinal);
        case WORKFLOW -> workflow(s, tool, args, ordinal);
        case KNOWLEDGE -> knowledge(s, tool, args, ordinal);
        case MCP -> mcp(s, tool, call.name(), args, ordinal);
      };
    } catch (ToolError e) {
      error = e.error;
      result = errorResult(e.error);
    }
    toolEvent(s, ordinal, turn, call, args, error == null ? result : null, error);
    return result;
  }

  /** A tool that failed in a way the model can react to (its answer is the error). */
  private static final class ToolError extends RuntimeException {
    final NodeError error;

    ToolError(NodeError error) {
      super(error.message(), null, false, false);
      this.error = error;
    }
  }

  private static JsonNode errorResult(NodeError e) {
    ObjectNode o = Json.object();
    ObjectNode err = o.putObject("error");
    err.put("code", e.code());
    err.put("message", e.message());
    if (e.details() != null) err.set("details", e.details());
    return o;
  }

  private JsonNode calculate(Session s, AgentTool tool, JsonNode args) {
    try {
      JsonNode v = expressions.evaluate(Templates.unwrap(tool.expression()),
          "/config/tools/" + s.toolIndex.get(tool.name()) + "/expression", s.scope.expressionScope().withItem(args), true);
      ObjectNode o = Json.object();
      o.set("result", v);
      return o;
    } catch (ExpressionException e) {
      throw new ToolError(new NodeError(e.code(), e.describe(), null));
    }
  }

  private JsonNode http(Session s, AgentTool tool, JsonNode args, int ordinal) {
    JsonNode request = s.def.config().path("tools").path(s.toolIndex.get(tool.name())).path("request");
    NodeDef node = new NodeDef(s.def.id(), "http", s.def.name(), request, s.def.timeout(), s.def.retry(), null);
    NodeScope scope = s.scope;
    // The request's templates read the arguments as item (and the call's number as index); its
    // idempotency key names the call: <run id>/<node key>.call<n>.
    NodeScope toolScope = new NodeScope(scope.input(), scope.nodes(), scope.run(), scope.takenSources(), args, ordinal,
        (scope.iteration() == null ? "" : scope.iteration()) + ".call" + ordinal);
    flush.run();
    AgentActivities stub = Workflow.newActivityStub(AgentActivities.class, options(s, "call " + ordinal + " " + tool.name()));
    try {
      return stub.http(new ActivityInput(runId(), node, toolScope, 0));
    } catch (ActivityFailure f) {
      RuntimeException e = activityFailed(s, f);
      // A request that does not resolve is the workflow's mistake, not the model's: the node fails.
      if (e instanceof Failed failed && !failed.error.code().startsWith("expr.")) throw new ToolError(failed.error);
      throw e;
    }
  }

  private JsonNode knowledge(Session s, AgentTool tool, JsonNode args, int ordinal) {
    flush.run();
    AgentActivities stub = Workflow.newActivityStub(AgentActivities.class, options(s, "call " + ordinal + " " + tool.name()));
    try {
      return stub.knowledge(new AgentActivities.KnowledgeCall(tool.knowledgeBase(), args.path("query").asString(""),
          tool.k() == null ? AgentTool.DEFAULT_K : tool.k()));
    } catch (ActivityFailure f) {
      RuntimeException e = activityFailed(s, f);
      // An unknown knowledge base or a failing embedding model is the tool's answer: the model may go on without it.
      if (e instanceof Failed failed) throw new ToolError(failed.error);
      throw e;
    }
  }

  private JsonNode mcp(Session s, AgentTool tool, String name, JsonNode args, int ordinal) {
    flush.run();
    AgentActivities stub = Workflow.newActivityStub(AgentActivities.class, options(s, "call " + ordinal + " " + name));
    try {
      return stub.mcp(new AgentActivities.McpCall(tool.server(), tool.credential(), s.mcp.get(name).name(), args,
          s.def.timeoutOrDefault().toMillis()));
    } catch (ActivityFailure f) {
      RuntimeException e = activityFailed(s, f);
      // An error result, a failing or refusing server is the tool's answer: the model may go on without it.
      if (e instanceof Failed failed) throw new ToolError(failed.error);
      throw e;
    }
  }

  private JsonNode workflowSchema(Session s, AgentTool tool) {
    JsonNode declared = tool.parameters() != null ? tool.parameters() : s.workflows.get(tool.name()).definition().inputSchema();
    return declared != null ? declared : Json.object().put("type", "object");
  }

  private JsonNode workflow(Session s, AgentTool tool, JsonNode args, int ordinal) {
    DefinitionSnapshot snapshot = s.workflows.get(tool.name());
    flush.run();
    // <run id>.<node key>.call<n>; after an onError: ask retry .retry<attempts before>.call<n>: a new child.
    Outcome o = children.runTool(s.n.key + (s.base > 0 ? ".retry" + s.base : "") + ".call" + ordinal, snapshot, args, s.in);
    if (o.canceled()) throw new CanceledFailure("run cancelled");
    if (o.error() != null) throw new ToolError(o.error());
    ObjectNode out = Json.object();
    out.set("result", o.result().output());
    return out;
  }

  /** Waits for a person to approve the call; null when approved, else the rejection the model sees as the answer. */
  private JsonNode approval(Session s, int ordinal, String name, AgentTool tool, JsonNode args) {
    ObjectNode details = Json.object();
    details.put("tool", name);
    details.put("kind", tool.kind().name().toLowerCase());
    details.set("arguments", args);
    details.put("call", ordinal);
    length.waitStarted();
    try {
      HumanTask task = tasks.open(s.n, new HumanTask.Spec(HumanTask.Kind.APPROVAL,
          "Agent '" + s.n.key + "' wants to call " + name, tool.kind() == AgentToolKind.MCP
              ? tool.mcpDescription(s.mcp.get(name).description()) : tool.description(), s.c.approversOrDefault(),
          List.of(APPROVE, REJECT), s.c.allowSelfApproval(), null, null, details));
      HumanTask.Decision d = task.next(null).orElseThrow();
      boolean approved = APPROVE.equals(d.action());
      ObjectNode answer = Json.object();
      answer.put("nodeId", s.n.key);
      answer.put("decision", d.action());
      answer.put("outcome", approved ? "approved" : "rejected");
      answer.put("call", ordinal);
      task.answer(d, answer);
      if (approved) return null;
      ObjectNode rejected = Json.object();
      ObjectNode r = rejected.putObject("rejected");
      r.put("by", d.principal());
      if (d.comment() != null) r.put("comment", d.comment());
      r.put("message", "a person rejected this call; do not call it again with the same arguments");
      return rejected;
    } finally {
      tasks.closeOpen(s.n);
      length.waitEnded();
    }
  }

  private void turnEvent(Session s, int turn, Turn t) {
    ObjectNode out = Json.object();
    out.put("text", t.text());
    ArrayNode calls = out.putArray("toolCalls");
    t.toolCalls().forEach(c -> calls.addObject().put("id", c.id()).put("name", c.name()).put("arguments", c.arguments()));
    // The usage is data, never cut to a preview: the metrics count it.
    ObjectNode data = Json.object();
    if (t.llm() != null) data.set("llm", t.llm());
    events.emit(new RunEvent(runId(), s.n.key, s.n.def.type(), turn, EventKind.AGENT_TURN, now(), null, null,
        Previews.of(out, settings.eventInputBytes()), null, data));
  }

  private void toolEvent(Session s, int ordinal, int turn, ToolCall call, JsonNode args, JsonNode result, NodeError error) {
    ObjectNode data = Json.object();
    data.put("tool", call.name());
    AgentTool tool = s.tools.get(call.name());
    if (tool != null) data.put("kind", tool.kind().name().toLowerCase());
    if (tool != null && tool.kind() == AgentToolKind.MCP) {
      data.put("server", tool.server());
      data.put("serverTool", s.mcp.get(call.name()).name());
    }
    data.put("turn", turn);
    data.put("callId", call.id());
    events.emit(new RunEvent(runId(), s.n.key, s.n.def.type(), ordinal, EventKind.AGENT_TOOL_CALL, now(), null,
        args == null ? null : Previews.of(args, settings.eventInputBytes()),
        result == null ? null : Previews.of(result, settings.eventInputBytes()), error, data));
  }

  /** What the model reads of a result: its JSON, cut at {@link #MAX_TOOL_RESULT_CHARS}. */
  private static String text(JsonNode result) {
    String t = Json.MAPPER.writeValueAsString(result);
    return t.length() <= MAX_TOOL_RESULT_CHARS ? t : t.substring(0, MAX_TOOL_RESULT_CHARS) + "…(truncated)";
  }

  private static String join(String a, String b) {
    if (a == null || a.isBlank()) return b;
    return a.strip() + "\n\n" + b;
  }

  private static String runId() {
    return Workflow.getInfo().getWorkflowId();
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
