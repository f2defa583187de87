package dev.weft.service;

import dev.weft.definition.Json;
import dev.weft.definition.WorkflowDefinition;
import dev.weft.engine.DefinitionSnapshot;
import dev.weft.engine.RunInput;
import dev.weft.engine.RunStatus;
import dev.weft.engine.TemporalNames;
import dev.weft.engine.WeftSearchAttributes;
import dev.weft.engine.TenantPropagator;
import java.util.List;
import dev.weft.security.WeftPrincipal;
import dev.weft.domain.Tenants;
import io.temporal.client.WorkflowClient;
import io.temporal.common.SearchAttributes;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import tools.jackson.databind.JsonNode;

/**
 * Starts runs of frozen definitions on Temporal: the run's options (task queue, readable id, search
 * attributes with the tenant) and who started it. Lives beside the services that start runs (the API,
 * schedules, the agent's dry runs), not in the engine, which only interprets them.
 */
public class RunLauncher {
  private final WorkflowClient client;
  private final String taskQueue;
  private final boolean searchAttributes;
  private final boolean eagerStart;

  /**
   * @param searchAttributes whether runs carry Weft's search attributes (they must then be registered
   *     on the namespace; see {@link WeftSearchAttributes})
   */
  public RunLauncher(WorkflowClient client, String taskQueue, boolean searchAttributes) {
    this(client, taskQueue, searchAttributes, true);
  }

  /**
   * @param eagerStart ask for eager workflow start: when a worker of this process, built on the same
   *     client, has a free slot, the server hands the run's first workflow task back in the start's
   *     answer instead of through the task queue, saving one dispatch; otherwise (the worker is in another
   *     process, the server does not offer it) the start is a plain one
   */
  public RunLauncher(WorkflowClient client, String taskQueue, boolean searchAttributes, boolean eagerStart) {
    this.client = client;
    this.taskQueue = taskQueue;
    this.searchAttributes = searchAttributes;
    this.eagerStart = eagerStart;
  }

  /** A started run, or the existing one that holds the same id. */
  public record Launched(WorkflowStub stub, String runId, String temporalRunId, boolean existing) {}

  /**
   * Starts a run with a readable workflow id {@code <workflowId>-<runKey>}. Starting the same key again
   * returns the existing run, open or closed: Temporal refuses a second start of the id (conflict policy
   * fail, reuse policy reject-duplicate), so a repeated trigger never runs a workflow twice, and the
   * caller learns exactly which start was the first.
   */
  public Launched launch(DefinitionSnapshot definition, JsonNode input, String runKey, String startedBy, String trigger) {
    String runId = runId(definition.workflowId(), runKey);
    WorkflowOptions options = runOptions(definition, runId)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
        .setDisableEagerExecution(!eagerStart)
        .build();
    WorkflowStub stub = client.newUntypedWorkflowStub(TemporalNames.WORKFLOW_TYPE, options);
    try {
      WorkflowExecution execution = stub.start(new RunInput(definition, input, startedBy, trigger));
      return new Launched(stub, runId, execution.getRunId(), false);
    } catch (WorkflowExecutionAlreadyStarted e) {
      return new Launched(client.newUntypedWorkflowStub(runId), runId, e.getExecution().getRunId(), true);
    }
  }

  /** The run id of a start of {@code workflowId} keyed {@code runKey}, in the current tenant. */
  public static String runId(String workflowId, String runKey) {
    return Tenants.temporalId(workflowId + "-" + runKey);
  }

  /**
   * The options every run of {@code definition} starts with, whoever starts it: the API here, or a
   * Temporal Schedule (whose action carries them; Temporal appends the scheduled time to the id).
   */
  public WorkflowOptions.Builder runOptions(DefinitionSnapshot definition, String workflowId) {
    WorkflowOptions.Builder options = WorkflowOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setWorkflowId(workflowId)
        .setStaticSummary(definition.definition().name() + " v" + definition.version())
        // The tenant travels in a header to the workflow, its activities and child runs (also from a schedule).
        .setContextPropagators(List.of(TenantPropagator.INSTANCE));
    if (searchAttributes) {
      options.setTypedSearchAttributes(SearchAttributes.newBuilder()
          .set(WeftSearchAttributes.WORKFLOW_ID, definition.workflowId())
          .set(WeftSearchAttributes.WORKFLOW_VERSION, (long) definition.version())
          .set(WeftSearchAttributes.TENANT, Tenants.current())
          .set(WeftSearchAttributes.STATUS, RunStatus.RUNNING.name())
          .build());
    }
    return options;
  }

  /** Starts a run (see {@link #launch}) and returns its stub. */
  public WorkflowStub start(DefinitionSnapshot definition, JsonNode input, String runKey) {
    return launch(definition, input, runKey, WeftPrincipal.SYSTEM.id(), "api").stub();
  }

  /** The content hash of a definition: SHA-256 of its JSON. */
  public static String contentHash(WorkflowDefinition def) {
    try {
      byte[] bytes = Json.MAPPER.writeValueAsString(def).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
