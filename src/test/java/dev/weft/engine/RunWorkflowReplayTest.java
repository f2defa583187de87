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
    WorkflowReplayer.replayWorkflowExecution(WorkflowExecutionHistory.fromJson(Files.readString(file)), t.worker);
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
        Files.writeString(DIR.resolve(s.getKey() + "." + TemporalNames.CHANGE_RUN_EVENTS + "-1.json"), history.toJson(true));
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
