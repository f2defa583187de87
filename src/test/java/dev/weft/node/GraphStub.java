package dev.weft.node;

import dev.weft.definition.NodeDef;
import java.util.Set;

/** A fixed {@link GraphContext} for {@code validate} tests. */
public record GraphStub(NodeDef node, Set<String> predecessors, Set<String> nodeIds) implements GraphContext {

  public static GraphStub of(String type) {
    return new GraphStub(new NodeDef("n", type, null, null, null, null, null), Set.of(), Set.of("n"));
  }
}
