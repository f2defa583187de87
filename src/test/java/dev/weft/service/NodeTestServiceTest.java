package dev.weft.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import dev.weft.TestRegistries;
import dev.weft.definition.Json;
import dev.weft.engine.NodeInvoker;
import dev.weft.expression.ExpressionEngine;
import dev.weft.node.ActivityNodeType;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeResult;
import dev.weft.security.WeftPrincipal;
import dev.weft.store.AuditLog;
import dev.weft.store.WorkflowStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

/** What the HTTP tests cannot provoke with built-in nodes: a node that overruns its timeout, a node that prints. */
class NodeTestServiceTest {
  private static final WeftPrincipal ADA = new WeftPrincipal("ada", List.of("editor"), List.of());
  private final CountDownLatch interrupted = new CountDownLatch(1);
  private final Hang hang = new Hang(interrupted);
  private final Prints prints = new Prints();
  private final NodeTestService service = new NodeTestService(
      new WorkflowService(TestRegistries.validator(hang, prints), mock(WorkflowStore.class), mock(AuditLog.class),
          mock(ScheduleService.class)),
      new NodeInvoker(TestRegistries.registry(hang, prints), new ExpressionEngine()), mock(AuditLog.class), 1 << 20);

  @AfterEach
  void close() {
    service.close();
  }

  @Test
  void aNodeThatOverrunsItsTimeoutFailsWithNodeTimeoutAndIsInterrupted() throws InterruptedException {
    var definition = Json.parse("""
        {"name": "slow", "nodes": [{"id": "slow", "type": "test.hang", "timeout": "1s", "config": {}}], "edges": []}""");
    NodeTestService.Tested t = service.testInline(definition, "slow", Json.object(), Map.of(), ADA);
    assertThat(t.error().code()).isEqualTo("node.timeout");
    assertThat(t.output()).isNull();
    assertThat(t.ports()).isEmpty();
    assertThat(t.durationMs()).isBetween(900L, 10_000L);
    assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the node's thread is interrupted").isTrue();
  }

  @Test
  void theLinesANodePrintedComeBackOnSuccessAndFromAFailuresDetails() {
    var ok = Json.parse("""
        {"name": "p", "nodes": [{"id": "p", "type": "test.prints", "config": {"fail": false}}], "edges": []}""");
    NodeTestService.Tested done = service.testInline(ok, "p", Json.object(), Map.of(), ADA);
    assertThat(done.logs()).containsExactly("hello");
    assertThat(done.error()).isNull();

    var failing = Json.parse("""
        {"name": "p", "nodes": [{"id": "p", "type": "test.prints", "config": {"fail": true}}], "edges": []}""");
    NodeTestService.Tested failed = service.testInline(failing, "p", Json.object(), Map.of(), ADA);
    assertThat(failed.error().code()).isEqualTo("test.printed");
    assertThat(failed.logs()).containsExactly("before", "the failure");
  }

  record HangConfig(String unused) {}

  /** Waits until interrupted (the test's timeout) and says so. */
  record Hang(CountDownLatch interrupted) implements ActivityNodeType<HangConfig> {
    public String id() {
      return "test.hang";
    }

    public Class<HangConfig> configClass() {
      return HangConfig.class;
    }

    public String description() {
      return "hangs";
    }

    public NodeResult execute(HangConfig c, NodeContext ctx) {
      try {
        new CountDownLatch(1).await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        interrupted.countDown();
      }
      return NodeResult.of(JsonNodeFactory.instance.stringNode("late"));
    }
  }

  record PrintsConfig(boolean fail) {}

  /** Prints lines, like a code node, and fails with them in its details when asked. */
  static final class Prints implements ActivityNodeType<PrintsConfig> {
    public String id() {
      return "test.prints";
    }

    public Class<PrintsConfig> configClass() {
      return PrintsConfig.class;
    }

    public String description() {
      return "prints";
    }

    public NodeResult execute(PrintsConfig c, NodeContext ctx) {
      if (c.fail()) {
        var details = Json.object();
        details.putArray("logs").add("before").add("the failure");
        throw new NodeFailure("test.printed", "failed after printing", false, details);
      }
      return NodeResult.of(Json.object()).withLogs(List.of("hello"));
    }
  }
}
