package dev.weft.node.merge;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Config of {@code merge}. */
public record MergeNodeConfig(
    @JsonPropertyDescription("all: object keyed by source node id; append: one list (lists are concatenated); "
        + "first: the first taken input in edge order. Default all.")
    Mode mode) {

  public MergeNodeConfig {
    mode = mode == null ? Mode.ALL : mode;
  }

  /** How inputs are combined. */
  public enum Mode {
    @JsonProperty("all") ALL,
    @JsonProperty("append") APPEND,
    @JsonProperty("first") FIRST
  }
}
