package dev.weft.service;

import dev.weft.definition.EdgeDef;
import dev.weft.definition.Graph;
import dev.weft.definition.Json;
import dev.weft.definition.NodeDef;
import dev.weft.definition.WorkflowDefinition;
import dev.weft.domain.DomainException;
import dev.weft.engine.NodeError;
import dev.weft.engine.NodeInvoker;
import dev.weft.engine.NodeScope;
import dev.weft.expression.Scope;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeKind;
import dev.weft.node.NodeResult;
import dev.weft.security.WeftPrincipal;
import dev.weft.store.AuditLog;
import dev.weft.domain.Tenants;
import dev.weft.store.VersionRecord;
import dev.weft.validate.ValidationReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tests one node of a definition, outside any run: its config's templates resolve against a given run
 * input and given upstream outputs, and the node really runs through the same {@link NodeInvoker} the
 * interpreter and the activity use (an {@code http} node calls its URL, an LLM node its model; control
 * nodes are evaluated). Nodes that wait for time or people cannot be tested, nor nodes that run other
 * nodes ({@code loop}, {@code subworkflow}). Nothing is written but
 * the audit entry; a node's failure is an answer, not a refusal.
 */
public class NodeTestService implements AutoCloseable {
  public static final String ACTION = "workflow.test_node";

  private final WorkflowService workflows;
  private final NodeInvoker invoker;
  private final AuditLog audit;
  private final int maxInputBytes;
  /** Each test on a thread of its own, so its timeout bounds it (the caller's thread waits at most that long). */
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  /**
   * How many tests a principal and a tenant may run a minute is the API's {@code test-node} rate limit
   * ({@code dev.weft.limits}), checked before a request reaches this service.
   *
   * @param maxInputBytes the largest {@code input} ({@code weft.limits.max-input-bytes}, as for a run)
   */
  public NodeTestService(WorkflowService workflows, NodeInvoker invoker, AuditLog audit, int maxInputBytes) {
    this.workflows = workflows;
    this.invoker = invoker;
    this.audit = audit;
    this.maxInputBytes = maxInputBytes;
  }

  /**
   * What the node did: its output and ports, or its failure ({@code output} null, no ports); the lines it
   * printed; how long it took.
   */
  public record Tested(JsonNode output, List<String> ports, NodeError error, long durationMs, List<String> logs) {}

  /**
   * Tests a node of a saved workflow's version ({@code version}, else the latest).
   *
   * @param input what expressions see as {@code input}
   * @param nodes node id → that node's output: the upstream outputs the test pretends exist
   */
  public Tested testSaved(String workflowId, String nodeId, Integer version, JsonNode input, Map<String, JsonNode> nodes,
      WeftPrincipal caller) {
    ObjectNode details = Json.object();
    details.put("mode", "saved");
    return audited(caller, workflowId, nodeId, details, () -> {
      checkInput(input);
      int v = version != null ? version : workflows.workflow(workflowId).latestVersion();
      VersionRecord saved = workflows.version(workflowId, v, "/version");
      details.put("version", saved.version());
      return test(saved.definition(), workflowId, saved.version(), nodeId, "path.nodeId", input, nodes, details);
    });
  }

  /**
   * Tests a node of a definition that is not saved: it is validated in full first (400
   * {@code definition.invalid} with every violation, as {@code POST /api/workflows/validate} reports them).
   */
  public Tested testInline(JsonNode definition, String nodeId, JsonNode input, Map<String, JsonNode> nodes,
      WeftPrincipal caller) {
    ObjectNode details = Json.object();
    details.put("mode", "inline");
    String target = definition.path("id").isString() ? definition.get("id").stringValue() : "inline";
    return audited(caller, target, nodeId, details, () -> {
      checkInput(input);
      ValidationReport report = workflows.validate(Json.MAPPER.writeValueAsString(definition), caller);
      if (!report.valid()) {
        throw DomainException.invalid("definition.invalid", report.errors().size() + " problem(s) in the definition",
            report.errors());
      }
      WorkflowDefinition def = report.definition();
      return test(def, def.id() != null ? def.id() : "inline", 0, nodeId, "/nodeId", input, nodes, details);
    });
  }

  private Tested test(WorkflowDefinition def, String workflowId, int version, String nodeId, String nodePath, JsonNode input,
      Map<String, JsonNode> given, ObjectNode details) {
    NodeDef node = def.node(nodeId).orElseThrow(() -> DomainException.notFound(nodePath, "node.not_found",
        "workflow '" + workflowId + "' has no node '" + nodeId + "'"));
    details.put("nodeType", node.type());
    NodeKind kind = invoker.registry().get(node.type()).type().kind();
    if (kind == NodeKind.WAIT) {
      throw DomainException.invalid(nodePath, "node.not_testable", "node '" + nodeId + "' is a " + node.type()
          + " node: it waits (for time, a decision or a form) and runs only in a run");
    }
    if (kind == NodeKind.COMPOSITE) {
      throw DomainException.of(DomainException.Kind.UNPROCESSABLE, nodePath, "node.test_unsupported", "node '" + nodeId
          + "' is a " + node.type() + " node: it runs other nodes (a loop's body, another workflow) and cannot be tested "
          + "on its own; run the workflow instead");
    }
    // The scope the interpreter would build once the given nodes had completed.
    Map<String, Scope.NodeView> nodes = new LinkedHashMap<>();
    given.forEach((id, output) -> nodes.put(id, new Scope.NodeView("COMPLETED", output)));
    List<String> taken = new ArrayList<>();
    for (EdgeDef e : new Graph(def).incoming(nodeId)) {
      if (nodes.containsKey(e.from()) && !taken.contains(e.from())) taken.add(e.from());
    }
    String runId = "test-" + UUID.randomUUID();
    details.put("testRunId", runId);
    ObjectNode run = Json.object();
    run.put("id", runId);
    run.put("workflowId", workflowId);
    run.put("version", version);
    run.put("startedAt", Instant.now().toString());
    NodeScope scope = new NodeScope(input, nodes, run, taken);
    return invoke(runId, node, scope);
  }

  /** Runs the node on its own thread, bounded by its timeout. */
  private Tested invoke(String runId, NodeDef node, NodeScope scope) {
    Duration timeout = node.timeoutOrDefault();
    long started = System.nanoTime();
    String tenant = Tenants.current();
    Future<NodeResult> running = executor.submit(() -> Tenants.call(tenant, () -> invoker.invoke(runId, node, scope, null)));
    try {
      NodeResult r = running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Tested(r.output(), r.ports(), null, millisSince(started), r.logs());
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      NodeError error = cause instanceof NodeFailure f ? new NodeError(f.code(), f.getMessage(), f.details())
          : new NodeError("node.error", cause.getClass().getSimpleName() + ": " + cause.getMessage(), null);
      return new Tested(null, List.of(), error, millisSince(started), logsOf(error.details()));
    } catch (TimeoutException e) {
      running.cancel(true);
      NodeError error = new NodeError("node.timeout", "node '" + node.id() + "' did not finish within its timeout of "
          + timeout, null);
      return new Tested(null, List.of(), error, millisSince(started), List.of());
    } catch (InterruptedException e) {
      running.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while testing node '" + node.id() + "'", e);
    }
  }

  private void checkInput(JsonNode input) {
    if (Json.sizeOf(input) > maxInputBytes) {
      throw DomainException.invalid("/input", "limit.input",
          "input is larger than " + maxInputBytes + " bytes (weft.limits.max-input-bytes)");
    }
  }

  /**
   * Audits the test with its outcome ({@code completed}, {@code failed} with the node's error code, or
   * {@code refused} with the refusal's code): never the input, the given outputs or the node's output.
   */
  private Tested audited(WeftPrincipal caller, String workflowId, String nodeId, ObjectNode details, Supplier<Tested> work) {
    String outcome = "refused";
    String code = null;
    try {
      Tested t = work.get();
      outcome = t.error() == null ? "completed" : "failed";
      if (t.error() != null) code = t.error().code();
      details.put("nodeDurationMs", t.durationMs());
      return t;
    } catch (DomainException e) {
      code = e.code();
      throw e;
    } catch (RuntimeException e) {
      outcome = "error";
      code = e.getClass().getSimpleName();
      throw e;
    } finally {
      details.put("outcome", outcome);
      if (code != null) details.put("code", code);
      audit.record(caller.id(), ACTION, "workflow", workflowId, null, nodeId, details);
    }
  }

  private static List<String> logsOf(JsonNode details) {
    if (details == null || !details.path("logs").isArray()) return List.of();
    List<String> lines = new ArrayList<>();
    details.get("logs").forEach(l -> lines.add(l.isString() ? l.stringValue() : l.toString()));
    return lines;
  }

  private static long millisSince(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
