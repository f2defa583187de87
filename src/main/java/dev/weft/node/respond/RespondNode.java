package dev.weft.node.respond;

import dev.weft.node.ControlNodeType;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeResult;
import org.springframework.stereotype.Component;

/**
 * Marks the run's output. The interpreter takes the output of the first {@code respond} node that runs
 * as the run's result, and its {@code status} for webhook answers.
 */
@Component
public class RespondNode implements ControlNodeType<RespondNodeConfig> {
  public static final String ID = "respond";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Class<RespondNodeConfig> configClass() {
    return RespondNodeConfig.class;
  }

  @Override
  public String description() {
    return "Sets the run's output (and the HTTP status of a synchronous webhook answer).";
  }

  @Override
  public NodeResult evaluate(RespondNodeConfig config, NodeContext ctx) {
    return NodeResult.respond(config.body() == null ? ctx.upstream() : config.body(),
        config.status() == null ? 200 : config.status());
  }
}
