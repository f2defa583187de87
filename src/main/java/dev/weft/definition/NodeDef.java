package dev.weft.definition;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * One node of a definition, as written. {@code config} stays JSON here: it may hold {@code {{ }}}
 * templates that only resolve at run time, and its node type binds it to a typed record then.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeDef(
    String id, String type, String name, JsonNode config, String timeout, RetryDef retry, String onError,
    String execution) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /** A node that leaves {@code execution} to the engine. */
  public NodeDef(String id, String type, String name, JsonNode config, String timeout, RetryDef retry, String onError) {
    this(id, type, name, config, timeout, retry, onError, null);
  }

  /** This node with another config (an operator's edit before a retry), everything else kept. */
  public NodeDef withConfig(JsonNode newConfig) {
    return new NodeDef(id, type, name, newConfig, timeout, retry, onError, execution);
  }

  public Duration timeoutOrDefault() {
    return timeout == null ? DEFAULT_TIMEOUT : Durations.parse(timeout);
  }

  /** {@link Execution#AUTO} when absent; an unknown value (rejected by validation) counts as absent. */
  public Execution executionMode() {
    return Execution.fromWire(execution).orElse(Execution.AUTO);
  }

  public OnError onErrorMode() {
    return OnError.fromWire(onError).orElse(OnError.FAIL);
  }
}
