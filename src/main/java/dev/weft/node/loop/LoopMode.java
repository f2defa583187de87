package dev.weft.node.loop;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a loop repeats its body. */
public enum LoopMode {
  /** Once per item of {@code items}, with {@code item} and {@code index} in scope. */
  @JsonProperty("forEach")
  FOR_EACH,
  /** Again until {@code until} holds, at most {@code maxIterations} times. */
  @JsonProperty("repeat")
  REPEAT
}
