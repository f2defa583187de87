package dev.weft.engine;

import tools.jackson.databind.JsonNode;

/** The input of one run: the frozen definition and the trigger's payload. */
public record RunInput(DefinitionSnapshot definition, JsonNode input) {}
