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
import dev.weft.store.ConfirmationStore;
import dev.weft.store.ConversationStore;
import dev.weft.store.HumanTaskStore;
import dev.weft.store.RunRecord;
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
      Confirmations confirmations, dev.weft.knowledge.KnowledgeSearch knowledge) {
    /** Without knowledge bases: query_knowledge_base finds none. */
    public Services(WorkflowService workflows, WorkflowGenerator generator, RunService runs, HumanTaskService tasks,
        HumanTaskStore inbox, ConversationStore conversations, AuditLog audit, Duration chatRunWait, Confirmations confirmations) {
      this(workflows, generator, runs, tasks, inbox, conversations, audit, chatRunWait, confirmations,
          dev.weft.knowledge.KnowledgeSearch.NONE);
    }
  }

  private final Turn turn;
  private final Services s;
  private final WeftPrincipal caller;
  private final List<ObjectNode> proposed = new ArrayList<>();
  private final List<ObjectNode> decided = new ArrayList<>();

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

  @Tool(name = "save_workflow", description = "Proposes saving a draft from generate_workflow as a new workflow or a new "
      + "version. Nothing is saved until the user confirms the proposal (see confirm).")
  public String saveWorkflow(@ToolParam(description = "the draftId generate_workflow returned") String draftId) {
    return propose("save_workflow", Map.of("draftId", nz(draftId)), Role.EDITOR, () -> {
      ConversationStore.Draft d = savableDraft(nz(draftId));
      String name = d.definition().path("name").asString(d.definition().path("id").asString());
      return d.workflowId() == null
          ? "Save draft " + d.id() + " as the new workflow '" + d.definition().path("id").asString(WorkflowService.slug(name))
              + "' (" + name + ")"
          : "Save draft " + d.id() + " as a new version of workflow '" + d.workflowId() + "' (" + name + ")";
    });
  }

  private ConversationStore.Draft savableDraft(String draftId) {
    ConversationStore.Draft d = s.conversations().draft(turn.conversationId(), draftId)
        .orElseThrow(() -> refusal("agent.draft_not_found", "no draft '" + draftId + "' in this conversation"));
    if (!d.ok()) throw refusal("agent.draft_invalid", "the draft did not pass validation and the dry run; generate it again");
    if (d.savedAs() != null) throw refusal("agent.draft_saved", "the draft is already saved as workflow '" + d.savedAs() + "'");
    return d;
  }

  private JsonNode doSaveWorkflow(JsonNode args) {
    ConversationStore.Draft d = savableDraft(args.path("draftId").asString());
    String body = Json.MAPPER.writeValueAsString(d.definition());
    WorkflowService.Saved saved = d.workflowId() == null ? s.workflows().create(body, caller)
        : s.workflows().update(d.workflowId(), body, caller);
    s.conversations().markSaved(turn.conversationId(), d.id(), saved.workflow().id());
    ObjectNode o = Json.object();
    o.put("workflowId", saved.workflow().id());
    o.put("version", saved.version().version());
    o.put("changed", saved.changed());
    return o;
  }

  @Tool(name = "start_run", description = "Starts a run of a saved workflow. For a workflow with a chat trigger the "
      + "user's message is passed in, the run starts at once and its response comes back in the result; for any other "
      + "workflow this proposes the run and it starts once the user confirms (see confirm).")
  public String startRun(
      @ToolParam(description = "the workflow id") String workflowId,
      @ToolParam(description = "the run's input as a JSON object", required = false) Map<String, Object> input) {
    Map<String, Object> args = new java.util.LinkedHashMap<>();
    args.put("workflowId", nz(workflowId));
    if (input != null) args.put("input", input);
    return tool("start_run", args, Role.OPERATOR, () -> {
      WorkflowRecord w = s.workflows().workflow(workflowId);
      WorkflowDefinition def = s.workflows().version(w.id(), w.latestVersion()).definition();
      ObjectNode in = input == null ? Json.object() : (ObjectNode) Json.MAPPER.valueToTree(input);
      // A chat-triggered workflow is made to answer chat messages: passing the user's message on is what they asked for.
      if (def.trigger() != null && "chat".equals(def.trigger().type())) return startChatRun(w, in);
      // The run to confirm is the version the user was shown, not whatever is latest when they confirm.
      ObjectNode stored = Json.object();
      stored.put("workflowId", w.id());
      stored.put("version", w.latestVersion());
      stored.set("input", in);
      return proposal("start_run", stored, "Start a run of workflow '" + w.id() + "' (" + w.name() + ", version "
          + w.latestVersion() + ") with input " + abbreviated(in));
    });
  }

  private JsonNode startChatRun(WorkflowRecord w, ObjectNode input) {
    ObjectNode in = Json.object();
    in.put("message", turn.userMessage());
    in.put("conversationId", turn.conversationId());
    in.put("user", caller.id());
    in.setAll(input);
    RunService.Started started = s.runs().start(w.id(), null, in, "/input", null, "chat", caller.id());
    ObjectNode o = Json.object();
    o.put("runId", started.runId());
    o.put("workflowId", started.workflowId());
    o.put("version", started.version());
    var ended = s.runs().await(started.runId(), s.chatRunWait());
    if (ended.isEmpty()) {
      o.put("status", "RUNNING");
    } else {
      o.put("status", ended.get().completed() ? "COMPLETED" : ended.get().state().path("status").asString("FAILED"));
      if (ended.get().completed()) o.set("response", ended.get().result().output());
      else o.set("error", ended.get().state().path("error"));
    }
    return o;
  }

  private JsonNode doStartRun(JsonNode args) {
    RunService.Started started = s.runs().start(args.path("workflowId").asString(), args.path("version").asInt(),
        args.path("input"), "/input", null, "agent", caller.id());
    ObjectNode o = Json.object();
    o.put("runId", started.runId());
    o.put("workflowId", started.workflowId());
    o.put("version", started.version());
    o.put("status", "RUNNING");
    return o;
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

  @Tool(name = "decide_approval", description = "Proposes approving or rejecting a waiting approval as this user. "
      + "Nothing is decided until the user confirms the proposal (see confirm). Only when the user asks for that "
      + "decision; never on your own initiative.")
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
    return propose("decide_approval", args, Role.VIEWER, () -> {
      if (!"approve".equals(decision) && !"reject".equals(decision)) {
        throw refusal("agent.decision_invalid", "decision must be approve or reject");
      }
      String title = pendingTaskTitle(nz(runId), nz(nodeId));
      return ("approve".equals(decision) ? "Approve" : "Reject") + " '" + title + "' (node '" + nodeId + "' of run '" + runId
          + "')" + (comment == null ? "" : " with the comment " + abbreviated(Json.MAPPER.getNodeFactory().stringNode(comment)));
    });
  }

  /** How many of the caller's pending tasks a proposal looks through for the one it names. */
  private static final int MAX_TASKS_SEARCHED = 5_000;
  private static final int TASK_PAGE = 200;

  /** The title of the task waiting for the caller at {@code nodeId} of {@code runId}, else a refusal. */
  private String pendingTaskTitle(String runId, String nodeId) {
    HumanTaskStore.Task last = null;
    for (int seen = 0; seen < MAX_TASKS_SEARCHED; seen += TASK_PAGE) {
      List<HumanTaskStore.Task> page = s.inbox().forPrincipal(caller.id(), caller.assigneeNames(), "pending",
          last == null ? null : last.openedAt(), last == null ? null : last.runId(), last == null ? null : last.nodeId(), TASK_PAGE);
      for (HumanTaskStore.Task t : page) {
        if (t.runId().equals(runId) && t.nodeId().equals(nodeId)) return t.title();
      }
      if (page.size() < TASK_PAGE) break;
      last = page.getLast();
    }
    throw refusal("agent.task_not_found", "no approval waiting for you at node '" + nodeId + "' of run '" + runId + "'");
  }

  private JsonNode doDecideApproval(JsonNode args) {
    String comment = args.path("comment").isString() ? args.path("comment").asString() : "via the Weft agent";
    return s.tasks().decide(args.path("runId").asString(), args.path("nodeId").asString(), turn.caller(),
        new HumanInput.Builder(args.path("decision").asString(), comment, null, null));
  }

  @Tool(name = "pause_run", description = "Pauses a run: no new node starts until it is resumed.")
  public String pauseRun(@ToolParam(description = "the run id") String runId,
      @ToolParam(description = "why", required = false) String reason) {
    return tool("pause_run", Map.of("runId", nz(runId)), Role.OPERATOR,
        () -> s.tasks().control(runId, true, turn.caller(), reason));
  }

  @Tool(name = "resume_run", description = "Proposes resuming a paused run; it resumes once the user confirms (see confirm).")
  public String resumeRun(@ToolParam(description = "the run id") String runId) {
    return propose("resume_run", Map.of("runId", nz(runId)), Role.OPERATOR, () -> {
      RunRecord r = s.runs().record(runId);
      return "Resume run '" + r.runId() + "' of workflow '" + r.workflowId() + "' (now " + r.status() + ")";
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

  @Tool(name = "cancel_run", description = "Proposes cancelling a run; it is cancelled once the user confirms (see "
      + "confirm). Only when the user asks for it.")
  public String cancelRun(@ToolParam(description = "the run id") String runId) {
    return propose("cancel_run", Map.of("runId", nz(runId)), Role.OPERATOR, () -> {
      RunRecord r = s.runs().record(runId);
      return "Cancel run '" + r.runId() + "' of workflow '" + r.workflowId() + "' (now " + r.status() + ")";
    });
  }

  private JsonNode doCancelRun(JsonNode args) {
    String runId = args.path("runId").asString();
    s.runs().cancel(runId, caller.id());
    ObjectNode o = Json.object();
    o.put("runId", runId);
    o.put("status", "CANCEL_REQUESTED");
    return o;
  }

  @Tool(name = "confirm", description = "Carries out (decision confirm) or drops (decision decline) an action you "
      + "proposed, once the user has answered the proposal in a later message, in whatever words or language. Use the "
      + "id from the proposal. Never call it without the user's answer: a confirmation in the turn that proposed it is "
      + "refused.")
  public String confirm(
      @ToolParam(description = "the confirmation id from the proposal") String confirmationId,
      @ToolParam(description = "confirm or decline") String decision) {
    return tool("confirm", Map.of("confirmationId", nz(confirmationId), "decision", nz(decision)), Role.VIEWER,
        () -> decide(confirmationId, decision, Confirmations.VIA_CHAT));
  }

  /**
   * Decides the pending confirmation {@code confirmationId} of this conversation as the caller: declines it,
   * or confirms it and runs its action with the stored arguments and the caller's roles, audited as theirs.
   * Refusals are {@link DomainException}s: not found, already decided, expired, proposed in this turn (through
   * the chat), or a role that does not allow the action (the confirmation then stays pending).
   */
  public ObjectNode decide(String confirmationId, String decision, String via) {
    if (!"confirm".equals(decision) && !"decline".equals(decision)) {
      throw DomainException.invalid("/decision", "agent.decision_invalid", "decision is confirm or decline");
    }
    boolean confirm = "confirm".equals(decision);
    ConfirmationStore.Confirmation c = s.confirmations().decidable(turn, confirmationId, via);
    Role needs = CONSEQUENTIAL.get(c.action());
    if (needs == null) throw new IllegalStateException("confirmation " + c.id() + " names no consequential action: " + c.action());
    if (confirm && !caller.hasRole(needs.wire())) {
      throw DomainException.of(DomainException.Kind.FORBIDDEN, "", "auth.forbidden",
          "your role does not allow " + c.action() + " (needs " + needs.wire() + ")");
    }
    s.confirmations().claim(c, confirm, turn.caller(), via);
    Outcome done = confirm ? run(c.action(), needs, () -> perform(c.action(), c.arguments())) : null;
    ObjectNode out = s.confirmations().finish(c, confirm, turn.caller(), via, done == null ? null : done.result(),
        done == null ? null : done.code());
    decided.add(out);
    return out;
  }

  private JsonNode perform(String action, JsonNode args) {
    return switch (action) {
      case "save_workflow" -> doSaveWorkflow(args);
      case "start_run" -> doStartRun(args);
      case "decide_approval" -> doDecideApproval(args);
      case "cancel_run" -> doCancelRun(args);
      case "resume_run" -> s.tasks().control(args.path("runId").asString(), false, turn.caller(), null);
      default -> throw new IllegalStateException("no consequential action " + action);
    };
  }

  /**
   * The tools whose effect needs the user's consent, with the role each needs: they change what is saved
   * (save_workflow), act in the outside world or on others' work (start_run of a workflow that is not
   * chat-triggered, resume_run), decide in the user's name (decide_approval) or cannot be undone (cancel_run).
   * pause_run is not among them: it only holds a run back, at once, and resume_run undoes it.
   */
  static final Map<String, Role> CONSEQUENTIAL = Map.of("save_workflow", Role.EDITOR, "start_run", Role.OPERATOR,
      "decide_approval", Role.VIEWER, "cancel_run", Role.OPERATOR, "resume_run", Role.OPERATOR);

  /** The confirmations proposed or decided since the last call, for the client's stream; then forgets them. */
  public List<ObjectNode> drainConfirmations() {
    List<ObjectNode> out = new ArrayList<>(proposed);
    out.addAll(decided);
    proposed.clear();
    decided.clear();
    return out;
  }

  /** A consequential tool: checks the call as the caller, stores a proposal and answers it; nothing runs yet. */
  private String propose(String name, Map<String, Object> args, Role needs, Supplier<String> check) {
    return tool(name, args, needs, () -> proposal(name, Json.MAPPER.valueToTree(args), check.get()));
  }

  private ObjectNode proposal(String name, JsonNode args, String summary) {
    ObjectNode c = s.confirmations().propose(turn, name, args, summary);
    proposed.add(c);
    ObjectNode o = Json.object();
    o.put("status", "confirmation_required");
    o.set("confirmation", c);
    o.put("note", "Nothing has been done yet. Tell the user what this will do and ask them. It runs once they confirm "
        + "it in the client, or answer you in a later message: then call confirm with this id and their decision.");
    return o;
  }

  private record Outcome(ObjectNode result, String code) {}

  /** Runs a tool's body as the caller: role check, and failures as {@code {"error": ...}} for the model. */
  private Outcome run(String name, Role needs, Supplier<JsonNode> body) {
    try {
      if (!caller.hasRole(needs.wire())) {
        throw refusal("auth.forbidden", "your role does not allow " + name + " (needs " + needs.wire() + ")");
      }
      JsonNode out = body.get();
      return new Outcome(out instanceof ObjectNode o ? o : Json.object().set("result", out), null);
    } catch (DomainException p) {
      return new Outcome(error(p.code(), p.getMessage(), p.errors().isEmpty() ? null : Json.MAPPER.valueToTree(p.errors())),
          p.code());
    } catch (NodeFailure f) {
      return new Outcome(error(f.code(), f.getMessage(), null), f.code());
    } catch (RuntimeException e) {
      log.warn("agent tool {} failed in conversation {}", name, turn.conversationId(), e);
      return new Outcome(error("agent.tool_failed", name + " failed: " + e.getClass().getSimpleName(), null), "agent.tool_failed");
    }
  }

  /** Runs a tool as the caller (see {@link #run}) and audits the call as {@code agent.tool.<name>}. */
  private String tool(String name, Map<String, Object> args, Role needs, Supplier<JsonNode> body) {
    ObjectNode details = Json.object();
    details.put("conversationId", turn.conversationId());
    details.set("arguments", Json.MAPPER.valueToTree(args));
    Outcome done = run(name, needs, body);
    ObjectNode result = done.result();
    String code = done.code();
    details.put("ok", code == null);
    if (code != null) details.put("code", code);
    if (result.path("confirmation").path("id").isString()) details.put("confirmationId", result.path("confirmation").path("id").asString());
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

  /** A value for a summary the user reads: its JSON, cut at {@value #SUMMARY_VALUE_CHARS} characters. */
  private static String abbreviated(JsonNode value) {
    String text = Json.MAPPER.writeValueAsString(value);
    return text.length() <= SUMMARY_VALUE_CHARS ? text : text.substring(0, SUMMARY_VALUE_CHARS) + "…";
  }

  private static final int SUMMARY_VALUE_CHARS = 300;

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
