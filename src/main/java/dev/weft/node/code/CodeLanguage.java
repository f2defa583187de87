package dev.weft.node.code;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The languages of the {@code code} node, with the GraalVM language id each runs on. */
public enum CodeLanguage {
  @JsonProperty("javascript")
  JAVASCRIPT("js"),
  @JsonProperty("python")
  PYTHON("python");

  private final String graalId;

  CodeLanguage(String graalId) {
    this.graalId = graalId;
  }

  String graalId() {
    return graalId;
  }

  public String wire() {
    return this == PYTHON ? "python" : "javascript";
  }
}
