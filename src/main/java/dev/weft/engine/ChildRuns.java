package dev.weft.engine;

import dev.weft.definition.Json;
import dev.weft.definition.NodeDef;
import dev.weft.engine.NodeExecutor.Outcome;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeResult;
import dev.weft.node.subworkflow.SubworkflowNodeConfig;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.common.RetryOptions;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TerminatedFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowCancellationType;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs started by a run: a {@code subworkflow} node's child run (a Temporal child workflow of the same
 * interpreter, which the Temporal UI shows under its parent) and a failed run's error workflow. The
 * child's definition is loaded by an activity ({@link DefinitionActivities}); its id is
 * {@code <parent run id>.<node key>}, so a retried parent never starts it twice. Owned by one
 * {@link RunWorkflowImpl} instance; workflow code.
 */
final class ChildRuns {
  private static final Logger log = Workflow.getLogger(ChildRuns.class);
  static final String FAILED = "subworkflow.failed";
  static final String CANCELED = "subworkflow.canceled";
  static final String TERMINATED = "subworkflow.terminated";
  static final String START_FAILED = "subworkflow.start_failed";

  private final NodeInvoker invoker;
  private final DefinitionActivities definitions = Workflow.newActivityStub(DefinitionActivities.class,
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumInterval(Duration.ofMinutes(1)).setMaximumAttempts(20)
              .setDoNotRetry(DefinitionActivities.UNKNOWN, DefinitionActivities.UNKNOWN_VERSION, DefinitionActivities.ARCHIVED)
              .build())
          .setSummary("load child definition")
          .build());

  ChildRuns(NodeInvoker invoker) {
    this.invoker = invoker;
  }

  /** Runs a subworkflow node: starts the child run and waits for its result, or only for its start. */
  Outcome run(NodeRun n, NodeDef def, NodeScope scope, int base, RunInput in, Instant parentStartedAt) {
    int attempt = base + 1;
    SubworkflowNodeConfig c;
    JsonNode childInput;
    try {
      c = (SubworkflowNodeConfig) invoker.resolveConfig(def, scope);
      childInput = c.input() != null ? c.input() : invoker.upstream(scope);
    } catch (NodeFailure f) {
      return Outcome.failed(new NodeError(f.code(), f.getMessage(), f.details()), attempt);
    }
    if (invoker.isSampling()) {
      // A dry run starts nothing: the child's output is a sample.
      ObjectNode sample = Json.object();
      sample.put("sampled", true);
      sample.put("workflowId", c.workflowId());
      if (!c.waits()) sample.put("runId", "dry-run." + n.key);
      return Outcome.ok(NodeResult.of(sample), attempt);
    }
    DefinitionSnapshot snapshot;
    try {
      snapshot = definitions.load(c.workflowId(), c.version(), parentStartedAt);
    } catch (ActivityFailure f) {
      if (f.getCause() instanceof CanceledFailure) return Outcome.cancelled();
      return Outcome.failed(activityError(f), attempt);
    } catch (CanceledFailure e) {
      return Outcome.cancelled();
    }
    NodeError invalid = invalidInput(snapshot, childInput);
    if (invalid != null) return Outcome.failed(invalid, attempt);
    String childId = runId() + "." + n.key + (base > 0 ? ".retry" + base : "");
    ChildWorkflowOptions.Builder options = ChildWorkflowOptions.newBuilder()
        .setWorkflowId(childId)
        .setTaskQueue(Workflow.getInfo().getTaskQueue())
        .setStaticSummary(snapshot.definition().name() + " v" + snapshot.version() + " (from " + n.key + ")")
        // A waiting parent takes its child along when it is cancelled or closes; one that does not wait lets it live.
        .setCancellationType(ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setParentClosePolicy(c.waits() ? ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL
            : ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON);
    // A node's own timeout bounds its child run (all of it, continue-as-new included).
    if (def.timeout() != null) options.setWorkflowExecutionTimeout(def.timeoutOrDefault());
    searchAttributes(snapshot, options);
    RunWorkflow child = Workflow.newChildWorkflowStub(RunWorkflow.class, options.build());
    Promise<RunResult> result = Async.function(child::run,
        new RunInput(snapshot, childInput, in.startedBy(), TemporalNames.TRIGGER_SUBWORKFLOW));
    try {
      WorkflowExecution started = Workflow.getWorkflowExecution(child).get();
      if (!c.waits()) {
        ObjectNode out = Json.object();
        out.put("runId", started.getWorkflowId());
        out.put("workflowId", snapshot.workflowId());
        out.put("version", snapshot.version());
        return Outcome.ok(NodeResult.of(out), attempt);
      }
      RunResult r = result.get();
      return Outcome.ok(NodeResult.of(r.output() == null ? Json.MAPPER.nullNode() : r.output()), attempt);
    } catch (ChildWorkflowFailure f) {
      return childFailed(f, childId, attempt);
    } catch (CanceledFailure e) {
      return Outcome.cancelled();
    }
  }

  /** A saved workflow's definition, as a run started at {@code asOf} sees it (an activity; fails as it does). */
  DefinitionSnapshot load(String workflowId, Integer version, Instant asOf) {
    return definitions.load(workflowId, version, asOf);
  }

  /**
   * Runs a saved workflow as a child run of an agent's tool call and waits for its output. Its id is
   * {@code <run id>.<name>} (the call's name), so a replayed or retried parent never starts it twice.
   */
  Outcome runTool(String name, DefinitionSnapshot snapshot, JsonNode input, RunInput in) {
    NodeError invalid = invalidInput(snapshot, input);
    if (invalid != null) return Outcome.failed(invalid, 1);
    String childId = runId() + "." + name;
    ChildWorkflowOptions.Builder options = ChildWorkflowOptions.newBuilder()
        .setWorkflowId(childId)
        .setTaskQueue(Workflow.getInfo().getTaskQueue())
        .setStaticSummary(snapshot.definition().name() + " v" + snapshot.version() + " (tool call " + name + ")")
        .setCancellationType(ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL);
    searchAttributes(snapshot, options);
    RunWorkflow child = Workflow.newChildWorkflowStub(RunWorkflow.class, options.build());
    try {
      RunResult r = child.run(new RunInput(snapshot, input, in.startedBy(), TemporalNames.TRIGGER_SUBWORKFLOW));
      return Outcome.ok(NodeResult.of(r.output() == null ? Json.MAPPER.nullNode() : r.output()), 1);
    } catch (ChildWorkflowFailure f) {
      return childFailed(f, childId, 1);
    } catch (CanceledFailure e) {
      return Outcome.cancelled();
    }
  }

  /** A child's input against its workflow's {@code inputSchema} (none: any input): {@code workflow.input_invalid}. */
  static NodeError invalidInput(DefinitionSnapshot snapshot, JsonNode input) {
    JsonNode schema = snapshot.definition().inputSchema();
    if (schema == null) return null;
    var errors = dev.weft.node.JsonSchemas.errors(schema, input == null ? Json.MAPPER.nullNode() : input);
    if (errors.isEmpty()) return null;
    ObjectNode details = Json.object();
    var list = details.putArray("errors");
    errors.forEach(e -> list.addObject().put("path", "/input" + e.path()).put("code", e.code()).put("message", e.message()));
    return new NodeError("workflow.input_invalid", "the input does not match the inputSchema of workflow '"
        + snapshot.workflowId() + "': " + errors.getFirst().message() + " at '/input" + errors.getFirst().path() + "'", details);
  }

  private static Outcome childFailed(ChildWorkflowFailure f, String childId, int attempt) {
    ObjectNode details = Json.object();
    details.put("childRunId", childId);
    Throwable cause = f.getCause();
    if (cause instanceof ApplicationFailure af) {
      NodeError childError = null;
      if (TemporalNames.RUN_FAILED.equals(af.getType()) && af.getDetails().getSize() > 0) {
        try {
          childError = af.getDetails().get(0, NodeError.class);
        } catch (RuntimeException e) {
          childError = null;
        }
      }
      String code = childError != null ? childError.code() : af.getType() == null ? FAILED : af.getType();
      String message = childError != null ? childError.message() : af.getOriginalMessage();
      if (childError != null && childError.details() != null) details.set("details", childError.details());
      return Outcome.failed(new NodeError(code, "child run " + childId + " failed: " + message, details), attempt);
    }
    if (cause instanceof CanceledFailure) {
      if (io.temporal.workflow.CancellationScope.current().isCancelRequested()) return Outcome.cancelled();
      return Outcome.failed(new NodeError(CANCELED, "child run " + childId + " was cancelled", details), attempt);
    }
    if (cause instanceof TerminatedFailure) {
      return Outcome.failed(new NodeError(TERMINATED, "child run " + childId + " was terminated", details), attempt);
    }
    if (cause instanceof TimeoutFailure) {
      return Outcome.failed(new NodeError("node.timeout", "child run " + childId + " did not end within the node's timeout",
          details), attempt);
    }
    return Outcome.failed(new NodeError(START_FAILED, "child run " + childId + " could not run: " + f.getMessage(), details),
        attempt);
  }

  private static NodeError activityError(ActivityFailure f) {
    if (f.getCause() instanceof ApplicationFailure af) return new NodeError(af.getType(), af.getOriginalMessage(), null);
    return new NodeError(START_FAILED, "the child's definition could not be loaded: " + f.getMessage(), null);
  }

  /** A child run is found like any run: by Weft's search attributes, in its parent's tenant. */
  private static void searchAttributes(DefinitionSnapshot snapshot, ChildWorkflowOptions.Builder options) {
    SearchAttributes parent = Workflow.getTypedSearchAttributes();
    if (!parent.containsKey(WeftSearchAttributes.STATUS)) return;
    SearchAttributes.Builder b = SearchAttributes.newBuilder()
        .set(WeftSearchAttributes.WORKFLOW_ID, snapshot.workflowId())
        .set(WeftSearchAttributes.WORKFLOW_VERSION, (long) snapshot.version())
        .set(WeftSearchAttributes.STATUS, RunStatus.RUNNING.name());
    if (parent.containsKey(WeftSearchAttributes.TENANT)) b.set(WeftSearchAttributes.TENANT, parent.get(WeftSearchAttributes.TENANT));
    options.setTypedSearchAttributes(b.build());
  }

  /**
   * A failed run starts its workflow's error workflow (the latest version) with
   * {@code {runId, workflowId, version, failedNode, error}}, and does not wait for it. A run that is
   * itself an error workflow's run starts none: no error loops. Nothing here fails the run further.
   */
  void startErrorWorkflow(RunInput in, NodeRun failedNode, NodeError error, Instant startedAt) {
    var onFailure = in.definition().definition().onFailure();
    if (onFailure == null || onFailure.workflowId() == null || TemporalNames.TRIGGER_ERROR.equals(in.trigger())
        || invoker.isSampling()) {
      return;
    }
    // Outside the run's own cancellation scope, which a failing run no longer needs.
    Workflow.newDetachedCancellationScope(() -> {
      try {
        DefinitionSnapshot snapshot = definitions.load(onFailure.workflowId(), null, null);
        ObjectNode input = Json.object();
        input.put("runId", runId());
        input.put("workflowId", in.definition().workflowId());
        input.put("version", in.definition().version());
        input.put("failedNode", failedNode.key);
        input.set("error", error.toJson());
        ChildWorkflowOptions.Builder options = ChildWorkflowOptions.newBuilder()
            .setWorkflowId(runId() + ".onfailure")
            .setTaskQueue(Workflow.getInfo().getTaskQueue())
            .setStaticSummary(snapshot.definition().name() + " v" + snapshot.version() + " (error workflow)")
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON);
        searchAttributes(snapshot, options);
        RunWorkflow child = Workflow.newChildWorkflowStub(RunWorkflow.class, options.build());
        Async.function(child::run, new RunInput(snapshot, input, in.startedBy(), TemporalNames.TRIGGER_ERROR));
        Workflow.getWorkflowExecution(child).get();
      } catch (RuntimeException e) {
        log.warn("run {}: error workflow {} did not start: {}", runId(), onFailure.workflowId(), e.toString());
      }
    }).run();
  }

  private static String runId() {
    return Workflow.getInfo().getWorkflowId();
  }
}
