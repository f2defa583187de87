package dev.weft.engine;

import dev.weft.definition.Durations;
import dev.weft.definition.Execution;
import dev.weft.definition.NodeDef;
import dev.weft.definition.RetryDef;
import dev.weft.node.ActivityNodeType;
import dev.weft.node.HumanTask;
import dev.weft.node.NodeKind;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeResult;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.ActivityStub;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * How one node execution runs, once the scheduling loop has started it: evaluated in place, on
 * durable timers (a wait node, with the human tasks it opens) or as an activity whose type is the node
 * type and whose options (timeout, retry policy, summary) come from the node; and how it ended, as an
 * {@link Outcome}. Owned by one {@link RunWorkflowImpl} instance. Workflow code: only {@link Workflow}
 * APIs, no I/O of its own.
 */
final class NodeExecutor {
  /** How one node execution ended. */
  record Outcome(NodeResult result, int attempts, NodeError error, boolean canceled, LoopProgress suspended) {
    static Outcome ok(NodeResult r, int attempts) {
      return new Outcome(r, attempts, null, false, null);
    }

    static Outcome failed(NodeError e, int attempts) {
      return new Outcome(null, attempts, e, false, null);
    }

    static Outcome cancelled() {
      return new Outcome(null, 0, null, true, null);
    }

    /** A loop stopped at a safe point for a continue-as-new, with its progress. */
    static Outcome suspended(LoopProgress p) {
      return new Outcome(null, 0, null, false, p);
    }
  }

  /**
   * A local node's retry waits in the worker (its workflow task kept open) only while the delay is
   * shorter than this; a longer one (a large backoff, a {@code Retry-After}) is a durable timer, which a
   * crash does not lose and which leaves queries and updates free meanwhile.
   */
  static final Duration LOCAL_RETRY_THRESHOLD = Duration.ofSeconds(5);

  private final NodeInvoker invoker;
  private final HumanTasks tasks;
  private final RunLength length;
  private final RunEvents events;
  /** Whether this run may use local activities (runs recorded before they existed never do). */
  private boolean localActivities;

  NodeExecutor(NodeInvoker invoker, HumanTasks tasks, RunLength length, RunEvents events) {
    this.invoker = invoker;
    this.tasks = tasks;
    this.length = length;
    this.events = events;
  }

  /** Set once per run from {@code Workflow.getVersion}: {@link TemporalNames#CHANGE_LOCAL_ACTIVITIES}. */
  void localActivities(boolean enabled) {
    this.localActivities = enabled;
  }

  /**
   * Whether this node execution runs as a local activity: as its {@code execution} says, and under
   * {@code auto} for a control node (it runs outside the workflow only to read a large value, pure
   * computation) and for an activity type whose {@linkplain ActivityNodeType#localByDefault node says it is
   * short and harmless to repeat} with a timeout of at most {@link Execution#LOCAL_MAX_TIMEOUT}.
   */
  boolean runsLocally(NodeRun n, NodeDef d) {
    if (!localActivities) return false;
    return switch (d.executionMode()) {
      case LOCAL -> true;
      case ACTIVITY -> false;
      case AUTO -> n.kind == NodeKind.CONTROL
          || (invoker.registry().get(d.type()).type() instanceof ActivityNodeType<?> a && a.localByDefault(d.config())
              && d.timeoutOrDefault().compareTo(Execution.LOCAL_MAX_TIMEOUT) <= 0);
    };
  }

  /** Evaluates a control node in the workflow. */
  Outcome evaluate(NodeDef def, NodeScope scope, int base) {
    try {
      return Outcome.ok(invoker.invoke(runId(), def, scope, null), base + 1);
    } catch (NodeFailure f) {
      return Outcome.failed(new NodeError(f.code(), f.getMessage(), f.details()), base + 1);
    } catch (RuntimeException e) {
      return Outcome.failed(new NodeError("node.error", e.getClass().getSimpleName() + ": " + e.getMessage(), null), base + 1);
    }
  }

  /**
   * Runs a wait node on durable timers; a task it opens for people closes when it ends. It counts as a
   * wait in flight meanwhile: a drain for a continue-as-new never cuts timers and human tasks.
   */
  Outcome runWait(NodeRun n, NodeDef def, NodeScope scope, int base) {
    length.waitStarted();
    try {
      return Outcome.ok(invoker.invoke(runId(), def, scope, new NodeInvoker.Clock() {
        public Instant now() {
          return Instant.ofEpochMilli(Workflow.currentTimeMillis());
        }

        public void sleep(Duration d) {
          Workflow.sleep(d);
        }

        public HumanTask openTask(HumanTask.Spec spec) {
          return tasks.open(n, spec);
        }
      }), base + 1);
    } catch (CanceledFailure e) {
      return Outcome.cancelled();
    } catch (NodeFailure f) {
      return Outcome.failed(new NodeError(f.code(), f.getMessage(), f.details()), base + 1);
    } finally {
      tasks.closeOpen(n);
      length.waitEnded();
    }
  }

  /**
   * Runs a node as one activity whose type is the node type, with options from the node: a local
   * activity when {@link #runsLocally} says so (its arguments stay out of the history's marker: a replay
   * needs only the result), else an activity.
   */
  Outcome runActivity(NodeRun n, NodeDef d, NodeScope scope, int base) {
    RetryOptions retry = retryOptions(d.retry());
    String summary = d.name() == null ? d.id() : d.id() + " · " + d.name();
    n.local = runsLocally(n, d);
    ActivityStub stub = n.local
        ? Workflow.newUntypedLocalActivityStub(LocalActivityOptions.newBuilder()
            .setStartToCloseTimeout(d.timeoutOrDefault())
            .setRetryOptions(retry)
            .setDoNotIncludeArgumentsIntoMarker(true)
            .setLocalRetryThreshold(LOCAL_RETRY_THRESHOLD)
            .setSummary(summary)
            .build())
        : Workflow.newUntypedActivityStub(ActivityOptions.newBuilder()
            .setStartToCloseTimeout(d.timeoutOrDefault())
            .setRetryOptions(retry)
            .setSummary(summary)
            .build());
    try {
      // The node waits for the round's events (its node_started among them) to be written, so that the
      // attempt events it writes itself follow them in the store: a local activity starts at once, in
      // this workflow task, and an activity can finish first while the store is down and the write waits.
      if (localActivities) events.awaitWritten();
      ActivityOutput out = stub.execute(d.type(), ActivityOutput.class, new ActivityInput(runId(), d, scope, base));
      n.unrecorded = Boolean.TRUE.equals(out.unrecorded());
      return Outcome.ok(new NodeResult(out.output(), out.ports(), out.responseStatus()), out.attempt());
    } catch (ActivityFailure f) {
      return switch (f.getCause()) {
        case CanceledFailure c -> Outcome.cancelled();
        case ApplicationFailure af -> {
          FailureDetails details = af.getDetails().getSize() == 0 ? null : af.getDetails().get(0, FailureDetails.class);
          JsonNode extra = details == null || details.details() == null || details.details().isNull() ? null : details.details();
          yield Outcome.failed(new NodeError(af.getType(), af.getOriginalMessage(), extra),
              details == null ? base + 1 : details.attempt());
        }
        case TimeoutFailure tf -> Outcome.failed(new NodeError("node.timeout",
            "no result within " + Durations.format(d.timeoutOrDefault()) + " (" + tf.getTimeoutType() + ")", null),
            base + (f.getRetryState() == RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED ? retry.getMaximumAttempts() : 1));
        case null, default -> Outcome.failed(new NodeError("node.error", f.getMessage(), null), base + 1);
      };
    } catch (CanceledFailure e) {
      return Outcome.cancelled();
    }
  }

  static RetryOptions retryOptions(RetryDef r) {
    Duration initial = r == null || r.initialInterval() == null ? RetryDef.DEFAULT_INITIAL_INTERVAL : Durations.parse(r.initialInterval());
    RetryOptions.Builder b = RetryOptions.newBuilder()
        .setMaximumAttempts(r == null || r.maxAttempts() == null ? 1 : r.maxAttempts())
        .setInitialInterval(initial)
        .setBackoffCoefficient(r == null || r.backoffCoefficient() == null ? 2.0 : r.backoffCoefficient())
        .setMaximumInterval(r == null || r.maxInterval() == null ? initial.multipliedBy(100) : Durations.parse(r.maxInterval()));
    if (r != null && r.nonRetryableErrors() != null && !r.nonRetryableErrors().isEmpty()) {
      b.setDoNotRetry(r.nonRetryableErrors().toArray(String[]::new));
    }
    return b.build();
  }

  private static String runId() {
    return Workflow.getInfo().getWorkflowId();
  }
}
