package dev.weft.engine;

import tools.jackson.databind.JsonNode;

/**
 * The input of one run: the frozen definition, the trigger's payload and who started it (the principal's
 * id; {@code null} in runs recorded before it was kept). Self-approval checks read {@code startedBy}.
 */
public record RunInput(DefinitionSnapshot definition, JsonNode input, String startedBy) {

  public RunInput(DefinitionSnapshot definition, JsonNode input) {
    this(definition, input, null);
  }
}
