package dev.weft.engine;

import dev.weft.definition.Json;
import dev.weft.domain.Tenants;
import dev.weft.expression.Scope;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import io.temporal.activity.DynamicActivity;
import io.temporal.common.converter.EncodedValues;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;

/**
 * The one activity implementation: its activity type is the node type ({@code http}, ...), so the
 * Temporal UI reads like the graph. It loads claim-checked inputs, runs the node, and claim-checks a
 * large output. Node failures become {@link ApplicationFailure}s typed with the node's error code;
 * non-retryable ones are marked so, and the node's retry policy handles the rest.
 *
 * <p>Attempt-level events (a retry starting, an attempt failing) are written here, best effort: the
 * workflow writes the durable node lifecycle (started, completed, failed) itself, so a store outage
 * never fails an attempt and never repeats a node's side effects.
 */
public class NodeActivities implements DynamicActivity {
  private static final Logger log = LoggerFactory.getLogger(NodeActivities.class);

  private final NodeInvoker invoker;
  private final PayloadStore store;
  private final EngineSettings settings;
  private final RunEventSink events;
  private static final int EVENT_WRITE_TRIES = 3;
  /**
   * How long an attempt waits for its event write at most, and what it keeps in hand before its own
   * timeout: a store that does not answer (PostgreSQL restarting, the pool waiting for a connection)
   * must never hold a completed attempt past its timeout, which would make Temporal run it again.
   */
  static final Duration EVENT_WRITE_BUDGET = Duration.ofSeconds(2);
  static final Duration EVENT_WRITE_MARGIN = Duration.ofMillis(500);
  /** Event writes run here, so that an attempt can stop waiting for one. */
  private static final ExecutorService WRITERS = Executors.newVirtualThreadPerTaskExecutor();

  public NodeActivities(NodeInvoker invoker, PayloadStore store, EngineSettings settings) {
    this(invoker, store, settings, RunEventSink.NONE);
  }

  public NodeActivities(NodeInvoker invoker, PayloadStore store, EngineSettings settings, RunEventSink events) {
    this.invoker = invoker;
    this.store = store;
    this.settings = settings;
    this.events = events;
  }

  @Override
  public Object execute(EncodedValues args) {
    ActivityInfo info = Activity.getExecutionContext().getInfo();
    ActivityInput in = args.get(0, ActivityInput.class);
    int attempt = in.base() + info.getAttempt();
    // The attempt's own deadline, from its start-to-close timeout: event writes never outlast it.
    Instant deadline = info.getStartToCloseTimeout().isZero() ? null : Instant.now().plus(info.getStartToCloseTimeout());
    MDC.put(Mdc.RUN_ID, in.runId());
    MDC.put(Mdc.NODE_ID, in.key());
    long started = System.currentTimeMillis();
    if (info.getAttempt() > 1) record(in, attempt, deadline, EventKind.NODE_STARTED, null, null, null, null);
    try {
      NodeResult r = invoker.invoke(in.runId(), in.node(), loaded(in.scope()), null);
      JsonNode output = checked(in, attempt, r.output());
      boolean recorded = record(in, attempt, deadline, EventKind.NODE_ATTEMPT_COMPLETED, System.currentTimeMillis() - started, output,
          null, logs(r.logs()));
      return new ActivityOutput(output, r.ports(), r.responseStatus(), attempt, recorded ? null : Boolean.TRUE);
    } catch (NodeFailure f) {
      FailureDetails details = new FailureDetails(attempt, f.details());
      log.info("node {} of run {} failed on attempt {}: {} {}", in.key(), in.runId(), attempt, f.code(), f.getMessage());
      record(in, attempt, deadline, EventKind.NODE_ATTEMPT_FAILED, System.currentTimeMillis() - started, null,
          new NodeError(f.code(), f.getMessage(), f.details()), null);
      ApplicationFailure.Builder failure = ApplicationFailure.newBuilder()
          .setMessage(f.getMessage()).setType(f.code()).setDetails(details).setNonRetryable(!f.retryable());
      f.retryAfter().ifPresent(failure::setNextRetryDelay);
      throw failure.build();
    } catch (RuntimeException e) {
      log.warn("node {} of run {} crashed on attempt {}", in.key(), in.runId(), attempt, e);
      record(in, attempt, deadline, EventKind.NODE_ATTEMPT_FAILED, System.currentTimeMillis() - started, null,
          new NodeError("node.error", e.getClass().getSimpleName() + ": " + e.getMessage(), null), null);
      throw ApplicationFailure.newFailure(e.getClass().getSimpleName() + ": " + e.getMessage(), "node.error",
          new FailureDetails(attempt, null));
    } finally {
      MDC.remove(Mdc.RUN_ID);
      MDC.remove(Mdc.NODE_ID);
    }
  }

  /**
   * Writes an attempt-level event, trying a few times, and waits for it at most
   * {@link #EVENT_WRITE_BUDGET} and never closer than {@link #EVENT_WRITE_MARGIN} to the attempt's
   * deadline; it never fails the attempt, which could repeat the node's side effects. The workflow's own
   * node events are the durable record. A write given up on is cancelled (a write already under way may
   * still land). Returns whether the event was written.
   */
  private boolean record(ActivityInput in, int attempt, Instant deadline, EventKind kind, Long durationMs, JsonNode output,
      NodeError error, JsonNode data) {
    List<RunEvent> event = List.of(new RunEvent(in.runId(), in.key(), in.node().type(), attempt, kind, Instant.now(),
        durationMs, null, output, error, data));
    Duration wait = EVENT_WRITE_BUDGET;
    if (deadline != null) {
      Duration left = Duration.between(Instant.now(), deadline).minus(EVENT_WRITE_MARGIN);
      if (left.compareTo(wait) < 0) wait = left;
    }
    if (wait.isNegative() || wait.isZero()) {
      log.warn("event {} of node {} attempt {} was not recorded: too close to the attempt's timeout", kind.wire(), in.key(), attempt);
      return false;
    }
    // The writer thread works in this attempt's tenant and logs with its run and node.
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    String tenant = Tenants.current();
    AtomicBoolean abandoned = new AtomicBoolean();
    Future<Boolean> write = WRITERS.submit(() -> Tenants.call(tenant, () -> {
      if (mdc != null) MDC.setContextMap(mdc);
      return writeWithRetries(event, kind, in.key(), attempt, abandoned);
    }));
    try {
      return write.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // Abandoned (no further try) and interrupted, so that it does not land later, after the events the
      // workflow writes next.
      abandoned.set(true);
      write.cancel(true);
      log.warn("event {} of node {} attempt {} was not recorded within {} ms: the attempt goes on without it", kind.wire(),
          in.key(), attempt, wait.toMillis());
    } catch (ExecutionException e) {
      log.warn("event {} of node {} attempt {} was not recorded: {}", kind.wire(), in.key(), attempt, e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  private boolean writeWithRetries(List<RunEvent> event, EventKind kind, String key, int attempt, AtomicBoolean abandoned) {
    for (int i = 1; ; i++) {
      if (abandoned.get()) return false;
      try {
        events.record(event);
        return true;
      } catch (RuntimeException e) {
        if (i == EVENT_WRITE_TRIES || abandoned.get()) {
          log.warn("event {} of node {} attempt {} was not recorded: {}", kind.wire(), key, attempt, e.toString());
          return false;
        }
        try {
          Thread.sleep(200L * i);
        } catch (InterruptedException interrupted) {
          return false;
        }
      }
    }
  }

  /** The lines a node printed, as the attempt event's {@code data.logs}; none: no data. */
  private static JsonNode logs(List<String> lines) {
    if (lines.isEmpty()) return null;
    tools.jackson.databind.node.ObjectNode data = Json.object();
    lines.forEach(data.putArray("logs")::add);
    return data;
  }

  private NodeScope loaded(NodeScope scope) {
    Map<String, Scope.NodeView> nodes = new LinkedHashMap<>();
    scope.nodes().forEach((id, v) -> nodes.put(id, new Scope.NodeView(v.status(), ClaimCheck.load(v.output(), store))));
    return scope.withNodes(nodes);
  }

  private JsonNode checked(ActivityInput in, int attempt, JsonNode output) {
    int bytes = Json.sizeOf(output);
    if (bytes <= settings.claimCheckBytes()) return output;
    return ClaimCheck.ref(store.put(in.runId(), in.key(), attempt, output), bytes);
  }
}
