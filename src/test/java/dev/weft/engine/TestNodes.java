package dev.weft.engine;

import dev.weft.node.ActivityNodeType;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeResult;
import dev.weft.node.NodeType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** Activity node types with scripted behaviour, for interpreter tests. */
final class TestNodes {
  /** Calls per run and node, across attempts. */
  static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
  static final Map<String, CyclicBarrier> BARRIERS = new ConcurrentHashMap<>();
  /** {@code test.track} executions running now, and the most that ever ran at once. */
  static final AtomicInteger IN_FLIGHT = new AtomicInteger();
  static final AtomicInteger MAX_IN_FLIGHT = new AtomicInteger();
  /** Released when a test ends, so blocked activity threads finish. */
  static volatile CountDownLatch release = new CountDownLatch(1);

  private TestNodes() {}

  static List<NodeType<?>> all() {
    return List.of(new Echo(), new Flaky(), new Barrier(), new Block(), new Big(), new Track(), new Short());
  }

  static int calls(String runId, String nodeId) {
    AtomicInteger n = CALLS.get(runId + "/" + nodeId);
    return n == null ? 0 : n.get();
  }

  static void reset() {
    IN_FLIGHT.set(0);
    MAX_IN_FLIGHT.set(0);
    release.countDown();
    release = new CountDownLatch(1);
    CALLS.clear();
    BARRIERS.clear();
  }

  private static int count(NodeContext ctx) {
    return CALLS.computeIfAbsent(ctx.runId() + "/" + ctx.nodeId(), k -> new AtomicInteger()).incrementAndGet();
  }

  record EchoConfig(JsonNode value) {}

  /** Returns its value. */
  static final class Echo implements ActivityNodeType<EchoConfig> {
    public String id() {
      return "test.echo";
    }

    public Class<EchoConfig> configClass() {
      return EchoConfig.class;
    }

    public String description() {
      return "echo";
    }

    public NodeResult execute(EchoConfig c, NodeContext ctx) {
      count(ctx);
      return NodeResult.of(c.value() == null ? ctx.upstream() : c.value());
    }
  }

  record FlakyConfig(int failures, Boolean retryable) {}

  /** Fails its first {@code failures} calls, then returns the call number. */
  static final class Flaky implements ActivityNodeType<FlakyConfig> {
    public String id() {
      return "test.flaky";
    }

    public Class<FlakyConfig> configClass() {
      return FlakyConfig.class;
    }

    public String description() {
      return "flaky";
    }

    public NodeResult execute(FlakyConfig c, NodeContext ctx) {
      int call = count(ctx);
      if (call <= c.failures()) {
        throw new NodeFailure("test.flaky", "failure " + call, !Boolean.FALSE.equals(c.retryable()));
      }
      return NodeResult.of(JsonNodeFactory.instance.numberNode(call));
    }
  }

  record BarrierConfig(String group, int parties) {}

  /** Completes only when {@code parties} nodes of its group run at the same time. */
  static final class Barrier implements ActivityNodeType<BarrierConfig> {
    public String id() {
      return "test.barrier";
    }

    public Class<BarrierConfig> configClass() {
      return BarrierConfig.class;
    }

    public String description() {
      return "barrier";
    }

    public NodeResult execute(BarrierConfig c, NodeContext ctx) {
      count(ctx);
      CyclicBarrier b = BARRIERS.computeIfAbsent(ctx.runId() + "/" + c.group(), k -> new CyclicBarrier(c.parties()));
      try {
        b.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
        throw new NodeFailure("test.not_concurrent", "the other branch never ran at the same time", false);
      }
      return NodeResult.of(JsonNodeFactory.instance.stringNode(ctx.nodeId()));
    }
  }

  record BlockConfig(String unused) {}

  /** Blocks until the test ends: for timeouts. */
  static final class Block implements ActivityNodeType<BlockConfig> {
    public String id() {
      return "test.block";
    }

    public Class<BlockConfig> configClass() {
      return BlockConfig.class;
    }

    public String description() {
      return "block";
    }

    public NodeResult execute(BlockConfig c, NodeContext ctx) {
      count(ctx);
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return NodeResult.of(JsonNodeFactory.instance.stringNode("late"));
    }
  }

  record BigConfig(int items) {}

  /** A large output: {@code items} objects of about 100 bytes each. */
  static final class Big implements ActivityNodeType<BigConfig> {
    public String id() {
      return "test.big";
    }

    public Class<BigConfig> configClass() {
      return BigConfig.class;
    }

    public String description() {
      return "big";
    }

    public NodeResult execute(BigConfig c, NodeContext ctx) {
      count(ctx);
      var list = JsonNodeFactory.instance.arrayNode();
      for (int i = 0; i < c.items(); i++) {
        var o = list.addObject();
        o.put("n", i);
        o.put("text", "x".repeat(80));
      }
      return NodeResult.of(list);
    }
  }

  record TrackConfig(JsonNode value, Integer holdMs) {}

  /** Returns its value (else its upstream) after holding a moment, counting how many run at once. */
  static final class Track implements ActivityNodeType<TrackConfig> {
    public String id() {
      return "test.track";
    }

    public Class<TrackConfig> configClass() {
      return TrackConfig.class;
    }

    public String description() {
      return "track";
    }

    public NodeResult execute(TrackConfig c, NodeContext ctx) {
      int now = IN_FLIGHT.incrementAndGet();
      MAX_IN_FLIGHT.accumulateAndGet(now, Math::max);
      try {
        if (c.holdMs() != null) Thread.sleep(c.holdMs());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        IN_FLIGHT.decrementAndGet();
      }
      return NodeResult.of(c.value() == null ? ctx.upstream() : c.value());
    }
  }

  record ShortConfig(JsonNode value) {}

  /** Like {@code test.echo}, but short by default (runs locally under {@code execution: auto}); returns its key too. */
  static final class Short implements ActivityNodeType<ShortConfig> {
    public String id() {
      return "test.short";
    }

    public Class<ShortConfig> configClass() {
      return ShortConfig.class;
    }

    public String description() {
      return "short";
    }

    @Override
    public boolean localByDefault(JsonNode config) {
      return true;
    }

    public NodeResult execute(ShortConfig c, NodeContext ctx) {
      count(ctx);
      var out = JsonNodeFactory.instance.objectNode();
      out.set("value", c.value());
      out.put("key", ctx.idempotencyKey());
      return NodeResult.of(out);
    }
  }
}
