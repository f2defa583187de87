package dev.weft.node;

import dev.weft.definition.EdgeDef;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A node's output and the ports whose edges the run follows next. {@code responseStatus} is set when
 * the output is the run's response (see {@link #respond}). {@code logs} are lines the node printed (a
 * code node's {@code console.log}), bounded by the node; they go into the attempt's event, not the output.
 */
public record NodeResult(JsonNode output, List<String> ports, Integer responseStatus, List<String> logs) {

  public NodeResult {
    ports = List.copyOf(ports);
    logs = logs == null ? List.of() : List.copyOf(logs);
  }

  public NodeResult(JsonNode output, List<String> ports, Integer responseStatus) {
    this(output, ports, responseStatus, List.of());
  }

  public NodeResult withLogs(List<String> lines) {
    return new NodeResult(output, ports, responseStatus, lines);
  }

  public static NodeResult of(JsonNode output) {
    return new NodeResult(output, List.of(EdgeDef.MAIN), null);
  }

  public static NodeResult routed(JsonNode output, String port) {
    return new NodeResult(output, List.of(port), null);
  }

  /** The run's output: the first node that responds sets it. */
  public static NodeResult respond(JsonNode output, int status) {
    return new NodeResult(output, List.of(EdgeDef.MAIN), status);
  }

  public boolean isResponse() {
    return responseStatus != null;
  }
}
