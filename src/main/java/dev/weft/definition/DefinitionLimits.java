package dev.weft.definition;

/** Explicit limits on one definition. */
public record DefinitionLimits(int maxBytes, int maxNodes, int maxEdges, int maxNameLength) {
  public static final DefinitionLimits DEFAULTS = new DefinitionLimits(1_048_576, 500, 2_000, 200);
}
