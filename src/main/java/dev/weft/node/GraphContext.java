package dev.weft.node;

import dev.weft.definition.NodeDef;
import java.util.Set;

/** The parts of the definition a node type's {@code validate} may look at. */
public interface GraphContext {

  NodeDef node();

  /** Ids of the nodes with an edge into this one. */
  Set<String> predecessors();

  /** Ids of every node in the definition. */
  Set<String> nodeIds();
}
