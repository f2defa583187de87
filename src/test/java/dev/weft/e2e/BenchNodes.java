package dev.weft.e2e;

import dev.weft.node.ActivityNodeType;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeResult;
import dev.weft.node.NodeType;
import java.util.List;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Arm A's node types: {@code bench.noop}, {@code bench.cpu} (burns {@code ms} of CPU) and {@code bench.blob}
 * (outputs a string of {@code bytes} characters), over {@link BenchWork}.
 */
final class BenchNodes {
  private BenchNodes() {}

  static List<NodeType<?>> all() {
    return List.of(new Noop(), new Cpu(), new Blob());
  }

  record NoopConfig(Integer unused) {}

  record CpuConfig(int ms) {}

  record BlobConfig(int bytes) {}

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

  static final class Blob implements ActivityNodeType<BlobConfig> {
    public String id() {
      return "bench.blob";
    }

    public Class<BlobConfig> configClass() {
      return BlobConfig.class;
    }

    public String description() {
      return "outputs a string of bytes ASCII characters (benchmark)";
    }

    public NodeResult execute(BlobConfig c, NodeContext ctx) {
      return NodeResult.of(JsonNodeFactory.instance.stringNode(BenchWork.blob(c.bytes())));
    }
  }
}
