package dev.weft.node.set;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.NotNull;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Config of {@code set}. Values are literals or {@code {{ }}} templates, resolved before the node runs. */
public record SetNodeConfig(
    @NotNull @JsonPropertyDescription("key -> value or {{ template }}; the output object") Map<String, JsonNode> values,
    @JsonPropertyDescription("start from the upstream object and overwrite its keys (default false)") Boolean includeUpstream) {

  public SetNodeConfig {
    values = values == null ? Map.of() : values;
  }
}
