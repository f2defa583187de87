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
    String id, String type, String name, JsonNode config, String timeout, RetryDef retry, String onError) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  public Duration timeoutOrDefault() {
    return timeout == null ? DEFAULT_TIMEOUT : Durations.parse(timeout);
  }

  public OnError onErrorMode() {
    return OnError.fromWire(onError).orElse(OnError.FAIL);
  }
}
