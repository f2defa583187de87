package dev.weft.agent.generate;

import dev.weft.ai.AiProperties;
import dev.weft.ai.LlmClient;
import dev.weft.ai.LlmReply;
import dev.weft.ai.PromptBudget;
import dev.weft.domain.DomainException;
import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.definition.WorkflowDefinition;
import dev.weft.validate.DefinitionValidator;
import dev.weft.validate.ValidationReport;
import dev.weft.engine.EngineSettings;
import dev.weft.expression.ExpressionEngine;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeRegistry;
import dev.weft.security.WeftPrincipal;
import dev.weft.service.WorkflowService;
import dev.weft.store.AuditLog;
import dev.weft.store.WorkflowRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes or modifies a workflow definition from a description: asks the model, validates the answer with
 * the same validator as user definitions, dry-runs a valid one ({@link DryRun}), and hands violations back
 * to the model until an answer passes or {@code weft.ai.generation.max-attempts} answers were given. The
 * prompt fits the profile's {@code context-tokens} ({@link GenerationPrompt#assemble}) and the provider is
 * given the JSON schema of the answer ({@link DefinitionSchema}) as structured output.
 * Nothing is saved; each call is audited ({@code workflow.generate}).
 */
public class WorkflowGenerator {
  private final LlmClient llm;
  private final AiProperties.Generation settings;
  private final DefinitionValidator validator;
  private final WorkflowService workflows;
  private final AuditLog audit;
  private final GenerationPrompt prompt;
  private final DefinitionSchema definitionSchema = new DefinitionSchema();
  private final NodeRegistry registry;
  private final DryRun dryRun;
  private final java.util.function.Consumer<JsonNode> used;

  /** @param used told the usage of every model call (metrics) */
  public WorkflowGenerator(LlmClient llm, AiProperties props, NodeRegistry registry, ExpressionEngine expressions,
      DefinitionValidator validator, EngineSettings engine, WorkflowService workflows, AuditLog audit,
      java.util.function.Consumer<JsonNode> used) {
    this.used = used;
    this.llm = llm;
    this.settings = props.generation();
    this.validator = validator;
    this.workflows = workflows;
    this.audit = audit;
    this.prompt = new GenerationPrompt(registry);
    this.registry = registry;
    this.dryRun = new DryRun(registry, expressions, engine, settings.dryRunTimeout());
  }

  /**
   * @param workflowId the workflow to modify (its latest version), or null to write a new one
   * @param sampleInput the input of the dry run, or null (the model's sample input is used then)
   * @throws DomainException 400 {@code generate.prompt_blank} / {@code generate.prompt_too_long}, 404 {@code workflow.not_found}
   * @throws NodeFailure {@code llm.*} when the model cannot be asked
   */
  public Generation generate(String description, String workflowId, JsonNode sampleInput, WeftPrincipal caller) {
    checkPrompt(description);
    JsonNode current = null;
    if (workflowId != null) {
      WorkflowRecord w = workflows.workflow(workflowId);
      current = tree(workflows.version(workflowId, w.latestVersion()).definition());
    }
    String user = current == null ? GenerationPrompt.create(description, sampleInput)
        : GenerationPrompt.modify(workflowId, current, description, sampleInput);
    int budget;
    try {
      budget = PromptBudget.forPrompt(llm.models().require(settings.model()));
    } catch (NodeFailure f) {
      audit(caller, workflowId, description, 0, new Usage(), null, f.code(), null);
      throw f;
    }
    GenerationPrompt.Assembled assembled = prompt.assemble(description, user, current, budget);
    JsonNode schema = definitionSchema.answer(registry, assembled.types());
    List<Message> start = List.of(new SystemMessage(assembled.system()), new UserMessage(user));
    List<Message> messages = start;
    Usage usage = new Usage();
    Candidate last = null;
    int attempts = 0;
    try {
      while (attempts < Math.max(1, settings.maxAttempts())) {
        attempts++;
        LlmReply reply = llm.callWithSchema(settings.model(), messages, schema, null, null);
        usage.add(reply);
        used.accept(reply.usage());
        last = check(reply.text(), workflowId, sampleInput);
        if (last.violations().isEmpty()) break;
        messages = repair(prompt, description, user, current, assembled.budget(), reply.text(), last.violations());
      }
    } catch (NodeFailure f) {
      audit(caller, workflowId, description, attempts, usage, null, f.code(), assembled);
      throw f;
    }
    WorkflowDefinition parsed = last.report() == null ? null : last.report().definition();
    JsonNode diff = current == null || parsed == null ? null : DefinitionDiff.between(current, tree(parsed));
    boolean ok = last.violations().isEmpty();
    Generation g = new Generation(last.definition(), new ValidationReport(parsed, last.violations()), last.dryRun(), diff,
        attempts, ok, usage.json());
    audit(caller, workflowId, description, attempts, usage, g, null, assembled);
    return g;
  }

  /**
   * The conversation of a repair, under the same budget as the first request: the system prompt assembled
   * again with room for the latest answer and its problems (the parts of least priority give way), the
   * request, the answer, its problems; not the earlier rounds. When the answer alone leaves no room, it is
   * left out and only its problems are handed back.
   */
  static List<Message> repair(GenerationPrompt prompt, String description, String user, JsonNode current, int budget,
      String answer, List<Violation> violations) {
    String problems = GenerationPrompt.repair(violations);
    try {
      GenerationPrompt.Assembled smaller = prompt.assemble(description, user, current,
          budget - PromptBudget.tokens(answer) - PromptBudget.tokens(problems));
      return List.of(new SystemMessage(smaller.system()), new UserMessage(user), new AssistantMessage(answer),
          new UserMessage(problems));
    } catch (DomainException noRoom) {
      String without = "An earlier answer of yours (too long to repeat here) was rejected. "
          + problems.replace("Your answer has", "It had");
      GenerationPrompt.Assembled smaller = prompt.assemble(description, user, current, budget - PromptBudget.tokens(without));
      return List.of(new SystemMessage(smaller.system()), new UserMessage(user), new UserMessage(without));
    }
  }

  private void checkPrompt(String description) {
    if (description == null || description.isBlank()) {
      throw DomainException.invalid("/prompt", "generate.prompt_blank", "describe the workflow in prompt");
    }
    if (description.length() > settings.maxPromptChars()) {
      throw DomainException.invalid("/prompt", "generate.prompt_too_long", "prompt is at most " + settings.maxPromptChars()
          + " characters");
    }
  }

  /** One answer, read, validated and (when valid) dry-run. */
  private record Candidate(JsonNode definition, ValidationReport report, JsonNode dryRun, List<Violation> violations) {}

  private Candidate check(String answer, String workflowId, JsonNode userInput) {
    Optional<JsonNode> json = JsonAnswer.extract(answer);
    if (json.isEmpty()) {
      return new Candidate(null, null, null, List.of(Violation.of("", "generate.not_json",
          "the answer holds no JSON object; answer with one object {\"definition\": ..., \"sampleInput\": ...}")));
    }
    JsonNode wrapper = json.get();
    JsonNode def = wrapper.path("definition").isObject() ? wrapper.get("definition") : wrapper;
    List<Violation> v = new ArrayList<>();
    if (workflowId != null && def instanceof ObjectNode o) {
      if (!o.has("id")) o.put("id", workflowId);
      else if (!workflowId.equals(o.get("id").asString())) {
        v.add(Violation.of("/id", "generate.id_changed", "the modified definition must keep the id '" + workflowId + "'"));
      }
    }
    ValidationReport report = validator.validate(def);
    v.addAll(report.errors());
    if (!v.isEmpty()) return new Candidate(def, report, null, v);
    JsonNode input = userInput != null ? userInput
        : wrapper != def && wrapper.has("sampleInput") && !wrapper.get("sampleInput").isNull() ? wrapper.get("sampleInput")
        : defaultInput(report.definition());
    DryRun.Result run = dryRun.run(report.definition(), input);
    v.addAll(run.violations());
    return new Candidate(def, report, run.report(), v);
  }

  /** Without a sample: what the trigger hands a run ({@code {body, query, headers}} for a webhook), else {@code {}}. */
  private static JsonNode defaultInput(WorkflowDefinition def) {
    ObjectNode in = Json.object();
    if (def.trigger() != null && "webhook".equals(def.trigger().type())) {
      in.putObject("body");
      in.putObject("query");
      in.putObject("headers");
    }
    return in;
  }

  private void audit(WeftPrincipal caller, String workflowId, String description, int attempts, Usage usage, Generation g,
      String errorCode, GenerationPrompt.Assembled assembled) {
    ObjectNode d = Json.object();
    d.put("mode", workflowId == null ? "create" : "modify");
    d.put("promptChars", description.length());
    if (assembled != null) {
      d.put("promptTokens", assembled.tokens());
      d.put("promptBudget", assembled.budget());
      d.set("types", Json.MAPPER.valueToTree(assembled.types()));
    }
    d.put("attempts", attempts);
    if (g != null) {
      d.put("ok", g.ok());
      d.put("violations", g.report().errors().size());
    }
    if (errorCode != null) d.put("error", errorCode);
    d.set("usage", usage.json());
    audit.record(caller.id(), "workflow.generate", "workflow", workflowId == null ? "new" : workflowId, null, null, d);
  }

  private static JsonNode tree(WorkflowDefinition def) {
    return Json.MAPPER.valueToTree(def);
  }

  /** The summed usage of the model calls ({@link LlmReply#plus}). */
  private static final class Usage {
    int calls;
    LlmReply total;

    void add(LlmReply r) {
      calls++;
      total = total == null ? r : total.plus(r);
    }

    ObjectNode json() {
      ObjectNode u = Json.object();
      u.put("calls", calls);
      if (total == null) {
        u.put("tokensIn", 0).put("tokensOut", 0).put("cost", 0).put("latencyMs", 0);
      } else {
        u.setAll(total.usage());
      }
      return u;
    }
  }
}
