package dev.weft.definition;

/**
 * Explicit limits on one definition. {@code maxNodes} and {@code maxEdges} count the whole definition,
 * the nodes and edges of loop bodies included.
 */
public record DefinitionLimits(int maxBytes, int maxNodes, int maxEdges, int maxNameLength) {
  public static final DefinitionLimits DEFAULTS = new DefinitionLimits(1_048_576, 2_500, 5_000, 200);

  /**
   * How deeply loops may nest: a loop in a loop's body is level 2; a loop deeper than this is
   * {@code loop.too_deep}.
   */
  public static final int MAX_LOOP_DEPTH = 3;
}
