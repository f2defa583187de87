package dev.weft.agent;

import dev.weft.agent.generate.Generation;
import dev.weft.agent.generate.WorkflowGenerator;
import dev.weft.domain.DomainException;
import dev.weft.definition.Json;
import dev.weft.definition.WorkflowDefinition;
import dev.weft.engine.HumanInput;
import dev.weft.node.NodeFailure;
import dev.weft.security.Role;
import dev.weft.security.WeftPrincipal;
import dev.weft.service.HumanTaskService;
import dev.weft.service.RunService;
import dev.weft.service.WorkflowService;
import dev.weft.store.AuditLog;
import dev.weft.store.ConversationStore;
import dev.weft.store.HumanTaskStore;
import dev.weft.store.VersionRecord;
import dev.weft.store.WorkflowRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The agent's tools for one turn of one conversation: the only things the model can do. Each acts as
 * the caller — with the caller's roles, through the same services as the REST API, so the same rules,
 * limits and audit apply — and each call is audited as {@code agent.tool.<name>}. Results are JSON; a
 * refusal is {@code {"error": {code, message}}} so the model can explain it.
 */
public class AgentTools {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AgentTools.class);
  /** What every tool needs from the turn it runs in. */
  public record Turn(WeftPrincipal caller, String conversationId, int number, String userMessage) {}

  /** The services the tools act through. */
  public record Services(WorkflowService workflows, WorkflowGenerator generator, RunService runs,
      HumanTaskService tasks, HumanTaskStore inbox, ConversationStore conversations, AuditLog audit, Duration chatRunWait,
      dev.weft.knowledge.KnowledgeSearch knowledge) {
    /** Without knowledge bases: query_knowledge_base finds none. */
    public Services(WorkflowService workflows, WorkflowGenerator generator, RunService runs, HumanTaskService tasks,
        HumanTaskStore inbox, ConversationStore conversations, AuditLog audit, Duration chatRunWait) {
      this(workflows, generator, runs, tasks, inbox, conversations, audit, chatRunWait, dev.weft.knowledge.KnowledgeSearch.NONE);
    }
  }

  private final Turn turn;
  private final Services s;
  private final WeftPrincipal caller;

  public AgentTools(Turn turn, Services services) {
    this.turn = turn;
    this.s = services;
    this.caller = turn.caller().withImpliedRoles();
  }

  @Tool(name = "list_workflows", description = "Lists the saved workflows: id, name, latest version, trigger type.")
  public String listWorkflows() {
    return tool("list_workflows", Map.of(), Role.VIEWER, () -> {
      List<ObjectNode> out = new ArrayList<>();
      for (WorkflowRecord w : s.workflows().list(false, 100, 0)) {
        ObjectNode o = Json.object();
        o.put("id", w.id());
        o.put("name", w.name());
        o.put("version", w.latestVersion());
        VersionRecord v = s.workflows().version(w.id(), w.latestVersion());
        o.put("trigger", v.definition().trigger() == null ? "manual" : v.definition().trigger().type());
        if (v.definition().description() != null) o.put("description", v.definition().description());
        out.add(o);
      }
      return Json.MAPPER.valueToTree(Map.of("workflows", out));
    });
  }

  @Tool(name = "describe_workflow", description = "The latest saved definition of one workflow.")
  public String describeWorkflow(@ToolParam(description = "the workflow id") String workflowId) {
    return tool("describe_workflow", Map.of("workflowId", nz(workflowId)), Role.VIEWER, () -> {
      WorkflowRecord w = s.workflows().workflow(workflowId);
      ObjectNode o = Json.object();
      o.put("id", w.id());
      o.put("version", w.latestVersion());
      o.set("definition", Json.MAPPER.valueToTree(s.workflows().version(w.id(), w.latestVersion()).definition()));
      return o;
    });
  }

  @Tool(name = "generate_workflow", description = "Writes a workflow from a plain-language description, or changes an "
      + "existing one when workflowId is given. The result is checked by the validator and a dry run and kept as a "
      + "draft: nothing is saved. Show the user what it does and ask them to confirm before save_workflow.")
  public String generateWorkflow(
      @ToolParam(description = "what the workflow should do, in the user's words") String description,
      @ToolParam(description = "the workflow to change; omit to create a new one", required = false) String workflowId) {
    Map<String, Object> args = new java.util.LinkedHashMap<>();
    args.put("description", nz(description));
    if (workflowId != null) args.put("workflowId", workflowId);
    return tool("generate_workflow", args, Role.EDITOR, () -> {
      Generation g = s.generator().generate(description, blankToNull(workflowId), null, turn.caller());
      String draftId = "draft-" + (s.conversations().draftCount(turn.conversationId()) + 1);
      if (g.definition() != null) {
        s.conversations().saveDraft(new ConversationStore.Draft(draftId, turn.conversationId(), turn.number(),
            blankToNull(workflowId), g.definition(), g.ok(), null, Instant.now()));
      }
      ObjectNode o = Json.object();
      if (g.definition() != null) o.put("draftId", draftId);
      o.put("ok", g.ok());
      o.put("attempts", g.attempts());
      o.set("definition", g.definition());
      o.set("violations", Json.MAPPER.valueToTree(g.report() == null ? List.of() : g.report().errors()));
      o.set("dryRun", g.dryRun());
      if (g.diff() != null) o.set("diff", g.diff());
      return o;
    });
  }

  @Tool(name = "save_workflow", description = "Saves a draft from generate_workflow as a new workflow or a new version. "
      + "Only after the user has seen the draft and confirmed, in a later message, that it should be saved.")
  public String saveWorkflow(@ToolParam(description = "the draftId generate_workflow returned") String draftId) {
    return tool("save_workflow", Map.of("draftId", nz(draftId)), Role.EDITOR, () -> {
      ConversationStore.Draft d = s.conversations().draft(turn.conversationId(), nz(draftId))
          .orElseThrow(() -> refusal("agent.draft_not_found", "no draft '" + draftId + "' in this conversation"));
      if (!d.ok()) throw refusal("agent.draft_invalid", "the draft did not pass validation and the dry run; generate it again");
      if (d.savedAs() != null) throw refusal("agent.draft_saved", "the draft is already saved as workflow '" + d.savedAs() + "'");
      if (d.turn() >= turn.number() || !Consent.confirmsSave(turn.userMessage())) {
        throw refusal("agent.confirmation_required",
            "the user has not confirmed saving this draft: show it to them and ask; save only after they say so");
      }
      String body = Json.MAPPER.writeValueAsString(d.definition());
      WorkflowService.Saved saved = d.workflowId() == null ? s.workflows().create(body, caller)
          : s.workflows().update(d.workflowId(), body, caller);
      s.conversations().markSaved(turn.conversationId(), d.id(), saved.workflow().id());
      ObjectNode o = Json.object();
      o.put("workflowId", saved.workflow().id());
      o.put("version", saved.version().version());
      o.put("changed", saved.changed());
      return o;
    });
  }

  @Tool(name = "start_run", description = "Starts a run of a saved workflow. For a workflow with a chat trigger the "
      + "user's message is passed in and the run's response comes back in the result.")
  public String startRun(
      @ToolParam(description = "the workflow id") String workflowId,
      @ToolParam(description = "the run's input as a JSON object", required = false) Map<String, Object> input) {
    Map<String, Object> args = new java.util.LinkedHashMap<>();
    args.put("workflowId", nz(workflowId));
    if (input != null) args.put("input", input);
    return tool("start_run", args, Role.OPERATOR, () -> {
      WorkflowRecord w = s.workflows().workflow(workflowId);
      WorkflowDefinition def = s.workflows().version(w.id(), w.latestVersion()).definition();
      boolean chat = def.trigger() != null && "chat".equals(def.trigger().type());
      ObjectNode in = input == null ? Json.object() : (ObjectNode) Json.MAPPER.valueToTree(input);
      if (chat) {
        ObjectNode chatInput = Json.object();
        chatInput.put("message", turn.userMessage());
        chatInput.put("conversationId", turn.conversationId());
        chatInput.put("user", caller.id());
        chatInput.setAll(in);
        in = chatInput;
      }
      RunService.Started started = s.runs().start(w.id(), null, in, "/input", null, chat ? "chat" : "agent", caller.id());
      ObjectNode o = Json.object();
      o.put("runId", started.runId());
      o.put("workflowId", started.workflowId());
      o.put("version", started.version());
      if (chat) {
        var ended = s.runs().await(started.runId(), s.chatRunWait());
        if (ended.isEmpty()) {
          o.put("status", "RUNNING");
        } else {
          o.put("status", ended.get().completed() ? "COMPLETED" : ended.get().state().path("status").asString("FAILED"));
          if (ended.get().completed()) o.set("response", ended.get().result().output());
          else o.set("error", ended.get().state().path("error"));
        }
      } else {
        o.put("status", "RUNNING");
      }
      return o;
    });
  }

  @Tool(name = "get_run", description = "A run's current state: status, each node's status and output preview, waiting "
      + "human tasks, error.")
  public String getRun(@ToolParam(description = "the run id") String runId) {
    return tool("get_run", Map.of("runId", nz(runId)), Role.VIEWER, () -> {
      s.runs().record(runId);
      return s.runs().state(runId);
    });
  }

  @Tool(name = "list_pending_tasks", description = "Approvals, forms and failure questions waiting for this user.")
  public String listPendingTasks() {
    return tool("list_pending_tasks", Map.of(), Role.VIEWER, () -> {
      List<ObjectNode> out = new ArrayList<>();
      for (HumanTaskStore.Task t : s.inbox().forPrincipal(caller.id(), caller.assigneeNames(), "pending", null, null, null, 50)) {
        ObjectNode o = Json.object();
        o.put("runId", t.runId());
        o.put("nodeId", t.nodeId());
        o.put("workflowId", t.workflowId());
        o.put("kind", t.kind());
        o.put("title", t.title());
        if (t.description() != null) o.put("description", t.description());
        o.set("actions", t.actions());
        o.put("startedBy", t.startedBy());
        o.put("openedAt", t.openedAt().toString());
        if (t.dueAt() != null) o.put("dueAt", t.dueAt().toString());
        out.add(o);
      }
      return Json.MAPPER.valueToTree(Map.of("tasks", out));
    });
  }

  @Tool(name = "decide_approval", description = "Approves or rejects a waiting approval as this user. Only when the user's "
      + "latest message explicitly asks for that decision; never on your own initiative.")
  public String decideApproval(
      @ToolParam(description = "the run id") String runId,
      @ToolParam(description = "the approval node id") String nodeId,
      @ToolParam(description = "approve or reject") String decision,
      @ToolParam(description = "a comment recorded with the decision", required = false) String comment) {
    Map<String, Object> args = new java.util.LinkedHashMap<>();
    args.put("runId", nz(runId));
    args.put("nodeId", nz(nodeId));
    args.put("decision", nz(decision));
    if (comment != null) args.put("comment", comment);
    return tool("decide_approval", args, Role.VIEWER, () -> {
      if (!"approve".equals(decision) && !"reject".equals(decision)) {
        throw refusal("agent.decision_invalid", "decision must be approve or reject");
      }
      if (!Consent.asksFor(decision, turn.userMessage())) {
        throw refusal("agent.explicit_request_required", "the user's latest message does not explicitly ask to " + decision
            + "; ask them first and decide only when they say so");
      }
      return s.tasks().decide(runId, nodeId, turn.caller(), new HumanInput.Builder(decision,
          comment == null ? "via the Weft agent" : comment, null, null));
    });
  }

  @Tool(name = "pause_run", description = "Pauses a run: no new node starts until it is resumed.")
  public String pauseRun(@ToolParam(description = "the run id") String runId,
      @ToolParam(description = "why", required = false) String reason) {
    return tool("pause_run", Map.of("runId", nz(runId)), Role.OPERATOR,
        () -> s.tasks().control(runId, true, turn.caller(), reason));
  }

  @Tool(name = "resume_run", description = "Resumes a paused run.")
  public String resumeRun(@ToolParam(description = "the run id") String runId) {
    return tool("resume_run", Map.of("runId", nz(runId)), Role.OPERATOR,
        () -> s.tasks().control(runId, false, turn.caller(), null));
  }

  @Tool(name = "cancel_run", description = "Cancels a run. Only when the user asks for it.")
  public String cancelRun(@ToolParam(description = "the run id") String runId) {
    return tool("cancel_run", Map.of("runId", nz(runId)), Role.OPERATOR, () -> {
      s.runs().cancel(runId, caller.id());
      ObjectNode o = Json.object();
      o.put("runId", runId);
      o.put("status", "CANCEL_REQUESTED");
      return o;
    });
  }

  @Tool(name = "query_knowledge_base", description = "Searches a knowledge base (documents the users uploaded) and returns "
      + "the best matching passages with their chunk ids and document names. Use it to answer questions from those "
      + "documents, and cite the document names you used.")
  public String queryKnowledgeBase(
      @ToolParam(description = "the knowledge base's name or id") String knowledgeBase,
      @ToolParam(description = "what to look for, in words") String query,
      @ToolParam(description = "how many passages, 1 to 10 (default 4)", required = false) Integer k) {
    Map<String, Object> args = new java.util.LinkedHashMap<>();
    args.put("knowledgeBase", nz(knowledgeBase));
    args.put("query", nz(query));
    if (k != null) args.put("k", k);
    return tool("query_knowledge_base", args, Role.VIEWER, () -> {
      int n = k == null ? 4 : k;
      if (n < 1 || n > 10) throw DomainException.invalid("/k", "knowledge.k_invalid", "k is from 1 to 10");
      var result = s.knowledge().search(nz(knowledgeBase), nz(query), n);
      ObjectNode o = Json.object();
      o.put("knowledgeBase", result.knowledgeBaseName());
      var hits = o.putArray("hits");
      result.hits().forEach(h -> hits.addObject().put("chunkId", h.chunkId()).put("documentName", h.documentName())
          .put("score", h.score()).put("text", h.text()));
      return o;
    });
  }

  /** Runs a tool as the caller: role check, audit, and failures as {@code {"error": ...}} for the model. */
  private String tool(String name, Map<String, Object> args, Role needs, Supplier<JsonNode> body) {
    ObjectNode details = Json.object();
    details.put("conversationId", turn.conversationId());
    details.set("arguments", Json.MAPPER.valueToTree(args));
    ObjectNode result;
    String code = null;
    try {
      if (!caller.hasRole(needs.wire())) {
        throw refusal("auth.forbidden", "your role does not allow " + name + " (needs " + needs.wire() + ")");
      }
      JsonNode out = body.get();
      result = out instanceof ObjectNode o ? o : Json.object().set("result", out);
    } catch (DomainException p) {
      code = p.code();
      result = error(p.code(), p.getMessage(), p.errors().isEmpty() ? null : Json.MAPPER.valueToTree(p.errors()));
    } catch (NodeFailure f) {
      code = f.code();
      result = error(f.code(), f.getMessage(), null);
    } catch (RuntimeException e) {
      log.warn("agent tool {} failed in conversation {}", name, turn.conversationId(), e);
      code = "agent.tool_failed";
      result = error(code, name + " failed: " + e.getClass().getSimpleName(), null);
    }
    details.put("ok", code == null);
    if (code != null) details.put("code", code);
    String runId = args.get("runId") instanceof String r ? r : result.path("runId").isString() ? result.path("runId").asString() : null;
    s.audit().record(turn.caller().id(), "agent.tool." + name, "conversation", turn.conversationId(), runId,
        args.get("nodeId") instanceof String n ? n : null, details);
    return Json.MAPPER.writeValueAsString(result);
  }

  /** A tool's refusal as the model sees it: {@code {"error": {code, message, errors?}}}. */
  static ObjectNode error(String code, String message, JsonNode errors) {
    ObjectNode e = Json.object();
    ObjectNode inner = e.putObject("error");
    inner.put("code", code);
    inner.put("message", message);
    if (errors != null) inner.set("errors", errors);
    return e;
  }

  private static DomainException refusal(String code, String message) {
    return DomainException.conflict("", code, message);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
