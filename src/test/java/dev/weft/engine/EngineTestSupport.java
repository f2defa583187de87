package dev.weft.engine;

import dev.weft.TestRegistries;
import dev.weft.ai.LlmClient;
import dev.weft.ai.TestModels;
import dev.weft.definition.DefinitionLimits;
import dev.weft.definition.Json;
import dev.weft.validate.DefinitionValidator;
import dev.weft.validate.ValidationReport;
import dev.weft.expression.ExpressionEngine;
import dev.weft.node.NodeRegistry;
import dev.weft.security.WeftPrincipal;
import dev.weft.service.RunLauncher;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;

/**
 * A time-skipping Temporal test environment with the interpreter and the node activities registered,
 * the built-in node types plus {@link TestNodes}.
 */
final class EngineTestSupport implements AutoCloseable {
  final NodeRegistry registry;
  final ExpressionEngine expressions = new ExpressionEngine();
  final DefinitionValidator validator;
  final InMemoryPayloadStore store = new InMemoryPayloadStore();
  final RecordingEventSink events = new RecordingEventSink();
  final InMemoryAgentMemory memory = new InMemoryAgentMemory();
  /** What a knowledge tool searches; tests set it (none by default: every knowledge base is unknown). */
  volatile dev.weft.knowledge.KnowledgeSearch knowledge = dev.weft.knowledge.KnowledgeSearch.NONE;
  /** The MCP servers an mcp tool reaches; tests set it (by default none that is private: the outbound guard's default). */
  volatile dev.weft.node.agent.McpServers mcp = new dev.weft.node.agent.StreamableMcpServers(null, null);
  /** Saved workflows that subworkflow nodes and error workflows start, by id: each version in order. */
  final Map<String, List<DefinitionSnapshot>> saved = new ConcurrentHashMap<>();
  final TestWorkflowEnvironment env;
  final WorkflowClient client;
  final Worker worker;
  private EngineSettings settings;
  private final LlmClient llm;

  EngineTestSupport() {
    this(EngineSettings.DEFAULTS);
  }

  EngineTestSupport(EngineSettings settings) {
    this(settings, TestModels.offline());
  }

  /** @param llm what the {@code llm.*} nodes call */
  EngineTestSupport(LlmClient llm) {
    this(EngineSettings.DEFAULTS, llm);
  }

  EngineTestSupport(EngineSettings settings, LlmClient llm) {
    this.llm = llm;
    registry = TestRegistries.registry(llm, TestNodes.all().toArray(dev.weft.node.NodeType[]::new));
    validator = new DefinitionValidator(registry, expressions, DefinitionLimits.DEFAULTS);
    env = newEnvironment();
    this.settings = settings;
    // A loaded build machine can stall a workflow thread for over the SDK's 1 s (class loading, JIT): not
    // what these tests are about, so the deadlock detector waits longer.
    worker = env.newWorker(TemporalNames.TASK_QUEUE,
        io.temporal.worker.WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(10_000).build());
    register(worker);
    WeftSearchAttributes.ALL.forEach(k -> env.registerSearchAttribute(k.getName(), k.getValueType()));
    env.start();
    client = env.getWorkflowClient();
  }

  /** Registers the interpreter and the activities on a worker. */
  void register(Worker w) {
    NodeInvoker invoker = new NodeInvoker(registry, expressions);
    w.registerWorkflowImplementationFactory(RunWorkflow.class, () -> new RunWorkflowImpl(invoker, expressions, settings));
    w.registerActivitiesImplementations(new NodeActivities(invoker, store, settings, events), new RunEventActivitiesImpl(events),
        new SavedDefinitions(), new PayloadActivitiesImpl(expressions, store), new dev.weft.service.AgentActivitiesImpl(llm, invoker, memory,
            (kb, query, k) -> knowledge.search(kb, query, k), new dev.weft.node.agent.McpServers() {
              @Override
              public List<Tool> list(String server, String credential, java.time.Duration timeout) {
                return mcp.list(server, credential, timeout);
              }

              @Override
              public Result call(String server, String credential, String tool, JsonNode arguments, java.time.Duration timeout) {
                return mcp.call(server, credential, tool, arguments, timeout);
              }
            }));
  }

  /** Saves a (valid) definition as the next version of {@code workflowId}, for child runs to load. */
  DefinitionSnapshot save(String workflowId, String definitionJson) {
    ValidationReport report = validator.validate(definitionJson);
    if (!report.valid()) throw new AssertionError("invalid test definition: " + report.errors());
    List<DefinitionSnapshot> versions = saved.computeIfAbsent(workflowId, k -> new CopyOnWriteArrayList<>());
    DefinitionSnapshot s = new DefinitionSnapshot(workflowId, versions.size() + 1,
        RunLauncher.contentHash(report.definition()), report.definition().withId(workflowId));
    versions.add(s);
    return s;
  }

  /** {@link DefinitionActivities} over {@link #saved}. */
  private final class SavedDefinitions implements DefinitionActivities {
    @Override
    public DefinitionSnapshot load(String workflowId, Integer version, java.time.Instant asOf) {
      List<DefinitionSnapshot> versions = saved.get(workflowId);
      if (versions == null || versions.isEmpty()) {
        throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure("no workflow '" + workflowId + "'", UNKNOWN);
      }
      if (version == null) return versions.getLast();
      if (version > versions.size()) {
        throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure("no version " + version, UNKNOWN_VERSION);
      }
      return versions.get(version - 1);
    }
  }

  /** A time-skipping test environment speaking Weft's data converter. */
  static TestWorkflowEnvironment newEnvironment() {
    return TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(WeftDataConverter.create()).build())
        .build());
  }

  /** Validates the definition (tests only run valid ones) and starts it. */
  WorkflowStub start(String definitionJson, String inputJson) {
    return start(definitionJson, inputJson, WeftPrincipal.SYSTEM.id());
  }

  /** Starts a run as {@code startedBy}. */
  WorkflowStub start(String definitionJson, String inputJson, String startedBy) {
    ValidationReport report = validator.validate(definitionJson);
    if (!report.valid()) throw new AssertionError("invalid test definition: " + report.errors());
    DefinitionSnapshot snapshot = new DefinitionSnapshot("wf", 1, RunLauncher.contentHash(report.definition()), report.definition());
    JsonNode input = Json.parse(inputJson);
    return new RunLauncher(client, TemporalNames.TASK_QUEUE, true)
        .launch(snapshot, input, UUID.randomUUID().toString(), startedBy, "api").stub();
  }

  /** The typed stub of a run: updates and queries. */
  RunWorkflow run(WorkflowStub stub) {
    return client.newWorkflowStub(RunWorkflow.class, stub.getExecution().getWorkflowId());
  }

  RunState state(WorkflowStub stub) {
    return client.newWorkflowStub(RunWorkflow.class, stub.getExecution().getWorkflowId()).state();
  }

  /**
   * Every Temporal run of a run, in order: the first, then each one it continued-as-new into, following
   * the {@code WorkflowExecutionContinuedAsNew} events.
   */
  List<io.temporal.common.WorkflowExecutionHistory> chain(WorkflowStub stub) {
    String workflowId = stub.getExecution().getWorkflowId();
    String runId = stub.getExecution().getRunId();
    List<io.temporal.common.WorkflowExecutionHistory> out = new java.util.ArrayList<>();
    while (runId != null) {
      io.temporal.common.WorkflowExecutionHistory h = client.fetchHistory(workflowId, runId);
      out.add(h);
      var last = h.getLastEvent();
      runId = last.hasWorkflowExecutionContinuedAsNewEventAttributes()
          ? last.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId() : null;
    }
    return out;
  }

  @Override
  public void close() {
    TestNodes.reset();
    env.close();
  }
}
