package dev.weft.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A child run's input is checked against its workflow's inputSchema before the child starts. */
class ChildInputSchemaWorkflowTest {
  private final EngineTestSupport t = new EngineTestSupport();

  @AfterEach
  void tearDown() {
    t.close();
  }

  private static String parent(String input) {
    return """
        {"name": "parent", "nodes": [
          {"id": "child", "type": "subworkflow", "config": {"workflowId": "typed", "input": %s}}
        ], "edges": []}""".formatted(input);
  }

  @Test
  void aChildWhoseInputDoesNotMatchNeverStartsAndTheNodeSaysWhere() {
    t.save("typed", """
        {"name": "typed", "inputSchema": {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]},
         "nodes": [{"id": "out", "type": "respond", "config": {"body": {"n": "{{ input.n }}"}}}], "edges": []}""");

    WorkflowStub bad = t.start(parent("{\"n\": \"one\"}"), "{}");
    assertThatThrownBy(() -> bad.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
    NodeState child = t.state(bad).nodes().get("child");
    assertThat(child.error().code()).isEqualTo("workflow.input_invalid");
    assertThat(child.error().details().at("/errors/0/path").stringValue()).isEqualTo("/input/n");
    String childId = bad.getExecution().getWorkflowId() + ".child";
    assertThatThrownBy(() -> t.client.fetchHistory(childId)).as("the child never started").isInstanceOf(RuntimeException.class);

    WorkflowStub good = t.start(parent("{\"n\": 3}"), "{}");
    assertThat(good.getResult(RunResult.class).output().at("/child/n").asInt()).isEqualTo(3);
  }
}
