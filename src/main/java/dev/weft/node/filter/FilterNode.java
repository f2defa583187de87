package dev.weft.node.filter;

import dev.weft.node.ControlNodeType;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeResult;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** Keeps the items of a list for which a condition over {@code item} holds, in order. */
@Component
public class FilterNode implements ControlNodeType<FilterNodeConfig> {

  @Override
  public String id() {
    return "filter";
  }

  @Override
  public Class<FilterNodeConfig> configClass() {
    return FilterNodeConfig.class;
  }

  @Override
  public String description() {
    return "Keeps the items of a list for which a condition over `item` holds.";
  }

  @Override
  public NodeResult evaluate(FilterNodeConfig config, NodeContext ctx) {
    JsonNode items = config.items() == null ? ctx.upstream() : ctx.evaluate(config.items(), "/items");
    if (!items.isArray()) {
      throw new NodeFailure("filter.not_a_list", "filter needs a list, got "
          + items.getNodeType().name().toLowerCase() + (config.items() == null ? " from upstream" : " from `" + config.items() + "`"), false);
    }
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (JsonNode item : items) {
      if (ctx.test(config.condition(), "/condition", item)) out.add(item);
    }
    return NodeResult.of(out);
  }
}
