package dev.weft.node.loop;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a {@code forEach} loop does when one iteration fails. */
public enum OnItemError {
  /** The loop fails with the iteration's error (the other iterations in flight are cancelled). */
  @JsonProperty("fail")
  FAIL,
  /** The error object takes the iteration's slot in the output list. */
  @JsonProperty("continue")
  CONTINUE,
  /** The output is {@code {results, errors}}: the results in item order (null where it failed) and the errors. */
  @JsonProperty("collect")
  COLLECT
}
