package dev.weft.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replay safety: the histories recorded in src/test/resources/histories must replay on the current
 * interpreter without a non-determinism error, so a deploy never breaks runs in flight. Set
 * {@code -Dweft.recordHistories=true} to (re)record them after a deliberate, versioned change.
 */
class RunWorkflowReplayTest {
  private static final Path DIR = Path.of("src/test/resources/histories");
  private EngineTestSupport t;

  @BeforeEach
  void setUp() {
    t = new EngineTestSupport();
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  static Stream<Path> recorded() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      List<Path> list = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      assertThat(list).as("recorded histories").hasSizeGreaterThanOrEqualTo(2);
      return list.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("recorded")
  void recordedHistoryReplays(Path file) throws Exception {
    String json = Files.readString(file);
    // A history does not name its own workflow id; a child run's id starts with it (<run id>.<node>), and
    // replay checks it, so histories with children are replayed under the id they were recorded with.
    java.util.regex.Matcher parent = java.util.regex.Pattern.compile("\"workflowId\"\\s*:\\s*\"(wf-[0-9a-f-]{36})\\.")
        .matcher(json);
    WorkflowExecutionHistory history = parent.find() ? WorkflowExecutionHistory.fromJson(json, parent.group(1))
        : WorkflowExecutionHistory.fromJson(json);
    WorkflowReplayer.replayWorkflowExecution(history, t.worker);
  }

  /** The scenarios run now replay too; when asked, their histories become the recorded ones. */
  @Test
  void freshHistoriesReplay() throws Exception {
    for (Map.Entry<String, String[]> s : ReplayScenarios.all().entrySet()) {
      WorkflowStub run = t.start(s.getValue()[0], s.getValue()[1]);
      run.getResult(RunResult.class);
      WorkflowExecutionHistory history = t.client.fetchHistory(run.getExecution().getWorkflowId());
      WorkflowReplayer.replayWorkflowExecution(history, t.worker);
      if (Boolean.getBoolean("weft.recordHistories")) {
        // Named after the interpreter's latest change: histories of earlier interpreters stay as they are.
        Files.writeString(DIR.resolve(s.getKey() + "." + TemporalNames.CHANGE_LOCAL_ACTIVITIES + "-1.json"), history.toJson(true));
      }
    }
  }

  /**
   * Runs of the composite change ({@code composite-nodes}): a loop with an approval in each iteration, a
   * parent with a child run, and a run that continues-as-new (every one of its Temporal runs) replay;
   * when asked, they become recorded histories too.
   */
  @Test
  void compositeHistoriesReplay() throws Exception {
    Map<String, List<WorkflowExecutionHistory>> recorded = new java.util.LinkedHashMap<>();

    WorkflowStub loop = t.start("""
        {"name": "loop with approvals", "nodes": [
          {"id": "each", "type": "loop", "config": {"mode": "forEach", "items": "input.ids", "concurrency": 2, "body": {
            "nodes": [
              {"id": "ok", "type": "approval", "config": {"title": "Pay {{ item }}?", "approvers": ["maria"]}},
              {"id": "pay", "type": "test.echo", "config": {"value": {"paid": "{{ item }}", "at": "{{ index }}"}}}
            ],
            "edges": [{"from": "ok", "port": "approved", "to": "pay"}]}}},
          {"id": "pages", "type": "loop", "config": {"mode": "repeat", "maxIterations": 5, "until": "nodes.n.output >= 3",
            "body": {"nodes": [{"id": "page", "type": "set", "config": {"values": {"n": "{{ index + 1 }}"}}},
              {"id": "n", "type": "code", "config": {"language": "javascript", "source": "return input.n"}}],
              "edges": [{"from": "page", "to": "n"}]}}}
        ], "edges": [{"from": "each", "to": "pages"}]}
        """, "{\"ids\": [\"a\", \"b\"]}", "sam");
    RunWorkflow typed = t.run(loop);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> t.state(loop).waiting().containsAll(List.of("ok[0]", "ok[1]")));
    Actor maria = new Actor("maria", List.of("editor"), List.of());
    typed.decide(new HumanInput("ok[1]", maria, "approve", null, null, null));
    typed.decide(new HumanInput("ok[0]", maria, "approve", null, null, null));
    loop.getResult(RunResult.class);
    recorded.put("loop-approvals", t.chain(loop));

    t.save("child", """
        {"name": "child", "nodes": [{"id": "double", "type": "set", "config": {"values": {"v": "{{ input.n * 2 }}"}}}]}
        """);
    WorkflowStub parent = t.start("""
        {"name": "parent", "nodes": [
          {"id": "call", "type": "subworkflow", "config": {"workflowId": "child", "input": {"n": "{{ input.n }}"}}},
          {"id": "fire", "type": "subworkflow", "config": {"workflowId": "child", "wait": false}}
        ]}
        """, "{\"n\": 21}");
    parent.getResult(RunResult.class);
    recorded.put("subworkflow", t.chain(parent));

    try (EngineTestSupport small = new EngineTestSupport(EngineSettings.DEFAULTS.withHistoryBudget(120))) {
      WorkflowStub long_ = small.start("""
          {"name": "long", "nodes": [
            {"id": "each", "type": "loop", "config": {"mode": "forEach", "items": "input.items", "concurrency": 3, "body": {
              "nodes": [{"id": "work", "type": "test.echo", "config": {"value": "{{ item }}"}}]}}},
            {"id": "sum", "type": "set", "config": {"values": {"n": "{{ size(nodes.each.output) }}"}}}
          ], "edges": [{"from": "each", "to": "sum"}]}
          """, "{\"items\": [" + java.util.stream.IntStream.range(0, 40).mapToObj(Integer::toString)
              .collect(java.util.stream.Collectors.joining(",")) + "]}");
      long_.getResult(RunResult.class);
      List<WorkflowExecutionHistory> chain = small.chain(long_);
      assertThat(chain).as("Temporal runs").hasSizeGreaterThanOrEqualTo(2);
      recorded.put("continue-as-new", chain);
    }

    for (Map.Entry<String, List<WorkflowExecutionHistory>> e : recorded.entrySet()) {
      List<WorkflowExecutionHistory> chain = e.getValue();
      for (int i = 0; i < chain.size(); i++) {
        WorkflowReplayer.replayWorkflowExecution(chain.get(i), t.worker);
        if (Boolean.getBoolean("weft.recordHistories") && i < 3) {
          String suffix = chain.size() == 1 ? "" : ".run" + (i + 1);
          Files.writeString(DIR.resolve(e.getKey() + suffix + "." + TemporalNames.CHANGE_COMPOSITE + "-1.json"),
              chain.get(i).toJson(true));
        }
      }
    }
  }

  /** A replayer that does not notice a changed interpreter would make the tests above worthless. */
  @Test
  void replayDetectsAChangedInterpreter() throws Exception {
    Path file = recorded().findFirst().orElseThrow();
    try (TestWorkflowEnvironment other = EngineTestSupport.newEnvironment()) {
      Worker altered = other.newWorker(TemporalNames.TASK_QUEUE);
      NodeInvoker invoker = new NodeInvoker(t.registry, t.expressions);
      altered.registerWorkflowImplementationFactory(RunWorkflow.class,
          () -> new RunWorkflowImpl(invoker, t.expressions, EngineSettings.DEFAULTS) {
            @Override
            public RunResult run(RunInput input) {
              Workflow.sleep(Duration.ofSeconds(1));
              return super.run(input);
            }
          });
      assertThatThrownBy(() -> WorkflowReplayer.replayWorkflowExecution(
          WorkflowExecutionHistory.fromJson(Files.readString(file)), altered))
          .hasStackTraceContaining("NonDeterministic");
    }
  }
}
