package dev.weft.node.switching;

import dev.weft.definition.Violation;
import dev.weft.node.ControlNodeType;
import dev.weft.node.GraphContext;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/** Routes to the port of the first case whose condition holds, else {@code default}. */
@Component
public class SwitchNode implements ControlNodeType<SwitchNodeConfig> {
  static final String DEFAULT = "default";
  private static final Set<String> RESERVED = Set.of(DEFAULT, "error", "main");

  @Override
  public String id() {
    return "switch";
  }

  @Override
  public Class<SwitchNodeConfig> configClass() {
    return SwitchNodeConfig.class;
  }

  @Override
  public String description() {
    return "Routes to the first case whose condition holds (port = case name), else port 'default'.";
  }

  @Override
  public List<String> ports(SwitchNodeConfig config) {
    List<String> ports = new ArrayList<>(config.cases().stream().map(SwitchNodeConfig.Case::name).toList());
    ports.add(DEFAULT);
    return ports;
  }

  @Override
  public List<Violation> validate(SwitchNodeConfig config, GraphContext graph) {
    List<Violation> v = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < config.cases().size(); i++) {
      String name = config.cases().get(i).name();
      if (RESERVED.contains(name)) {
        v.add(Violation.of("/cases/" + i + "/name", "switch.case_reserved", "'" + name + "' is reserved for a port of its own"));
      } else if (!seen.add(name)) {
        v.add(Violation.of("/cases/" + i + "/name", "switch.case_duplicate", "case '" + name + "' is listed twice"));
      }
    }
    return v;
  }

  @Override
  public NodeResult evaluate(SwitchNodeConfig config, NodeContext ctx) {
    for (int i = 0; i < config.cases().size(); i++) {
      SwitchNodeConfig.Case c = config.cases().get(i);
      if (ctx.test(c.condition(), "/cases/" + i + "/condition", null)) {
        return NodeResult.routed(ctx.upstream(), c.name());
      }
    }
    return NodeResult.routed(ctx.upstream(), DEFAULT);
  }
}
