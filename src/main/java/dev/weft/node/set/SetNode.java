package dev.weft.node.set;

import dev.weft.node.ControlNodeType;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeResult;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Builds an object from values and templates, optionally on top of its upstream object. */
@Component
public class SetNode implements ControlNodeType<SetNodeConfig> {

  @Override
  public String id() {
    return "set";
  }

  @Override
  public Class<SetNodeConfig> configClass() {
    return SetNodeConfig.class;
  }

  @Override
  public String description() {
    return "Builds an object from literal values and {{ templates }}.";
  }

  @Override
  public NodeResult evaluate(SetNodeConfig config, NodeContext ctx) {
    ObjectNode out = Boolean.TRUE.equals(config.includeUpstream()) && ctx.upstream().isObject()
        ? ((ObjectNode) ctx.upstream()).deepCopy()
        : JsonNodeFactory.instance.objectNode();
    config.values().forEach(out::set);
    return NodeResult.of(out);
  }
}
