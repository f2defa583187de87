package dev.weft.node.merge;

import dev.weft.node.ControlNodeType;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeResult;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Joins branches. It runs once every incoming edge is resolved; inputs from skipped branches are
 * absent, so a merge after an {@code if} sees only the branch that ran.
 */
@Component
public class MergeNode implements ControlNodeType<MergeNodeConfig> {

  @Override
  public String id() {
    return "merge";
  }

  @Override
  public Class<MergeNodeConfig> configClass() {
    return MergeNodeConfig.class;
  }

  @Override
  public String description() {
    return "Joins branches: 'all' keyed by source id, 'append' as one list, or 'first' taken input.";
  }

  @Override
  public NodeResult evaluate(MergeNodeConfig config, NodeContext ctx) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return NodeResult.of(switch (config.mode()) {
      case ALL -> {
        ObjectNode o = f.objectNode();
        ctx.incoming().forEach(o::set);
        yield o;
      }
      case APPEND -> {
        ArrayNode a = f.arrayNode();
        for (JsonNode v : ctx.incoming().values()) {
          if (v.isArray()) a.addAll((ArrayNode) v);
          else a.add(v);
        }
        yield a;
      }
      case FIRST -> ctx.incoming().values().stream().findFirst().orElse(f.nullNode());
    });
  }
}
