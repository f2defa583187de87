package dev.weft.definition;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A directed edge; {@code port} names the source's outgoing branch, absent meaning {@code main}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EdgeDef(String from, String port, String to) {
  public static final String MAIN = "main";

  public String portOrMain() {
    return port == null ? MAIN : port;
  }
}
