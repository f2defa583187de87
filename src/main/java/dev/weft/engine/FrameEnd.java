package dev.weft.engine;

import tools.jackson.databind.JsonNode;

/**
 * How scheduling one {@link Frame} ended: every node ended ({@code result} is the frame's result), a node
 * failed it ({@code failed}), it stopped at a safe point for a continue-as-new ({@code carry}), or it was
 * cancelled.
 */
record FrameEnd(NodeRun failed, JsonNode result, RunCarry.FrameCarry carry, boolean canceled) {
  static final FrameEnd CANCELED = new FrameEnd(null, null, null, true);

  boolean suspended() {
    return carry != null;
  }
}
