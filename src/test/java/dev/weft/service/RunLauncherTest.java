package dev.weft.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.definition.Json;
import dev.weft.definition.NodeDef;
import dev.weft.definition.WorkflowDefinition;
import dev.weft.engine.DefinitionSnapshot;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What every API-started run asks Temporal for, whatever runs it. */
class RunLauncherTest {
  private final TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();

  @AfterEach
  void close() {
    env.close();
  }

  private static DefinitionSnapshot snapshot() {
    WorkflowDefinition def = new WorkflowDefinition("w", "w", null, null, List.of(new NodeDef("a", "respond", null, null, null, null, null)),
        List.of());
    return new DefinitionSnapshot("w", 1, RunLauncher.contentHash(def), def);
  }

  private WorkflowOptions started(boolean eager) {
    RunLauncher launcher = new RunLauncher(env.getWorkflowClient(), "q-" + UUID.randomUUID(), false, eager);
    RunLauncher.Launched run = launcher.launch(snapshot(), Json.object(), UUID.randomUUID().toString(), "ann", "api");
    return run.stub().getOptions().orElseThrow();
  }

  @Test
  void runsAskForEagerStartUnlessTurnedOff() {
    assertThat(started(true).isDisableEagerExecution()).isFalse();
    assertThat(started(false).isDisableEagerExecution()).isTrue();
    WorkflowOptions options = started(true);
    assertThat(options.getWorkflowIdConflictPolicy()).hasToString("WORKFLOW_ID_CONFLICT_POLICY_FAIL");
    assertThat(options.getWorkflowId()).startsWith("w-");
  }
}
