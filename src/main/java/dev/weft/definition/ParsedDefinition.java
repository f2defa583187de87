package dev.weft.definition;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A definition read from JSON: the typed model (as much of it as could be read), the raw tree the
 * pointers refer to, and the structural violations found while reading.
 */
public record ParsedDefinition(WorkflowDefinition definition, JsonNode raw, List<Violation> violations) {}
