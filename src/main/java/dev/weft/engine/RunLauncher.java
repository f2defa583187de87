package dev.weft.engine;

import dev.weft.definition.Json;
import dev.weft.definition.WorkflowDefinition;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import tools.jackson.databind.JsonNode;

/** Starts runs of frozen definitions on Temporal. */
public class RunLauncher {
  private final WorkflowClient client;
  private final String taskQueue;

  public RunLauncher(WorkflowClient client, String taskQueue) {
    this.client = client;
    this.taskQueue = taskQueue;
  }

  /**
   * Starts a run with a readable workflow id {@code <workflowId>-<runKey>}. Starting the same key again
   * while the run is open returns the existing run (Temporal's id-conflict policy).
   */
  public WorkflowStub start(DefinitionSnapshot definition, JsonNode input, String runKey) {
    WorkflowOptions options = WorkflowOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setWorkflowId(definition.workflowId() + "-" + runKey)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
        .setStaticSummary(definition.definition().name() + " v" + definition.version())
        .build();
    WorkflowStub stub = client.newUntypedWorkflowStub(TemporalNames.WORKFLOW_TYPE, options);
    stub.start(new RunInput(definition, input));
    return stub;
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
