package dev.weft.engine;

import tools.jackson.databind.JsonNode;

/**
 * The input of one run: the frozen definition, the trigger's payload, who started it (the principal's
 * id) and how ({@code api}, {@code webhook}, {@code schedule}); both {@code null} in runs recorded
 * before they were kept. Self-approval checks read {@code startedBy}.
 */
public record RunInput(DefinitionSnapshot definition, JsonNode input, String startedBy, String trigger) {

  public RunInput(DefinitionSnapshot definition, JsonNode input) {
    this(definition, input, null, null);
  }
}
