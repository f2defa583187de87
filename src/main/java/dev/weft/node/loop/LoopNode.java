package dev.weft.node.loop;

import dev.weft.definition.Violation;
import dev.weft.node.CompositeNodeType;
import dev.weft.node.GraphContext;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Runs its body graph once per item ({@code forEach}) or until a condition holds ({@code repeat}). The
 * interpreter schedules the iterations: each is a nested graph whose nodes are named with the iteration,
 * {@code <bodyNode>[<index>]}. The body itself is checked like a top-level graph by the validator.
 */
@Component
public class LoopNode implements CompositeNodeType<LoopNodeConfig> {
  public static final String TYPE = "loop";

  @Override
  public String id() {
    return TYPE;
  }

  @Override
  public Class<LoopNodeConfig> configClass() {
    return LoopNodeConfig.class;
  }

  @Override
  public String description() {
    return "Runs a body graph (config.body: {nodes, edges}) once per item (mode forEach: items, concurrency, onItemError; "
        + "output = the body results in item order) or until a condition holds (mode repeat: until, maxIterations; "
        + "output = {result, iterations}). Body nodes read item, index and nodes before the loop.";
  }

  @Override
  public List<Violation> validate(LoopNodeConfig c, GraphContext graph) {
    List<Violation> out = new ArrayList<>();
    if (c.mode() == LoopMode.FOR_EACH) {
      if (c.items() == null || c.items().isBlank()) {
        out.add(Violation.of("/items", "loop.items_required", "a forEach loop needs `items`: an expression giving a list"));
      }
      if (c.until() != null) out.add(Violation.of("/until", "loop.field_unused", "`until` belongs to repeat loops"));
      if (c.maxIterations() != null) {
        out.add(Violation.of("/maxIterations", "loop.field_unused", "`maxIterations` belongs to repeat loops; a forEach runs once per item"));
      }
    } else if (c.mode() == LoopMode.REPEAT) {
      if (c.until() == null || c.until().isBlank()) {
        out.add(Violation.of("/until", "loop.until_required", "a repeat loop needs `until`: the condition that ends it"));
      }
      if (c.maxIterations() == null) {
        out.add(Violation.of("/maxIterations", "loop.max_iterations_required",
            "a repeat loop needs `maxIterations` (1.." + LoopNodeConfig.MAX_ITERATIONS + "): loops are always bounded"));
      }
      if (c.items() != null) out.add(Violation.of("/items", "loop.field_unused", "`items` belongs to forEach loops"));
      if (c.concurrency() != null && c.concurrency() != 1) {
        out.add(Violation.of("/concurrency", "loop.field_unused", "a repeat loop runs one iteration at a time"));
      }
      if (c.onItemError() != null) out.add(Violation.of("/onItemError", "loop.field_unused", "`onItemError` belongs to forEach loops"));
    }
    if (c.body() != null && c.body().nodes().isEmpty()) {
      out.add(Violation.of("/body/nodes", "loop.body_empty", "the loop's body has no nodes"));
    }
    return out;
  }
}
