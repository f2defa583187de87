package dev.weft.node.ifelse;

import dev.weft.node.ControlNodeType;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeResult;
import java.util.List;
import org.springframework.stereotype.Component;

/** Routes to port {@code true} or {@code false}; its output is its upstream value, unchanged. */
@Component
public class IfNode implements ControlNodeType<IfNodeConfig> {

  @Override
  public String id() {
    return "if";
  }

  @Override
  public Class<IfNodeConfig> configClass() {
    return IfNodeConfig.class;
  }

  @Override
  public String description() {
    return "Branches on a condition: port 'true' or 'false'; passes its input through.";
  }

  @Override
  public List<String> ports(IfNodeConfig config) {
    return List.of("true", "false");
  }

  @Override
  public NodeResult evaluate(IfNodeConfig config, NodeContext ctx) {
    boolean taken = ctx.test(config.condition(), "/condition", null);
    return NodeResult.routed(ctx.upstream(), taken ? "true" : "false");
  }
}
