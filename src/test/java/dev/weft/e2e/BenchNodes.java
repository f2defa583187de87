package dev.weft.e2e;

import dev.weft.node.ActivityNodeType;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeResult;
import dev.weft.node.NodeType;
import java.util.List;
import tools.jackson.databind.node.JsonNodeFactory;

/** Arm A's node types: {@code bench.noop} and {@code bench.cpu} (burns {@code ms} of CPU), over {@link BenchWork}. */
final class BenchNodes {
  private BenchNodes() {}

  static List<NodeType<?>> all() {
    return List.of(new Noop(), new Cpu());
  }

  record NoopConfig(Integer unused) {}

  record CpuConfig(int ms) {}

  static final class Noop implements ActivityNodeType<NoopConfig> {
    public String id() {
      return "bench.noop";
    }

    public Class<NoopConfig> configClass() {
      return NoopConfig.class;
    }

    public String description() {
      return "does nothing (benchmark)";
    }

    public NodeResult execute(NoopConfig c, NodeContext ctx) {
      return NodeResult.of(JsonNodeFactory.instance.numberNode(BenchWork.burn(0)));
    }
  }

  static final class Cpu implements ActivityNodeType<CpuConfig> {
    public String id() {
      return "bench.cpu";
    }

    public Class<CpuConfig> configClass() {
      return CpuConfig.class;
    }

    public String description() {
      return "burns ms milliseconds of CPU (benchmark)";
    }

    public NodeResult execute(CpuConfig c, NodeContext ctx) {
      return NodeResult.of(JsonNodeFactory.instance.numberNode(BenchWork.burn(c.ms())));
    }
  }
}
