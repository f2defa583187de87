package dev.weft.engine;

import dev.weft.expression.Scope;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What one node execution may read: the run input (when used), the nodes it references or receives
 * from, run metadata, and the sources of its taken incoming edges in edge order. Sent to activities, so
 * it carries only what the node needs: history stays small.
 */
public record NodeScope(JsonNode input, Map<String, Scope.NodeView> nodes, JsonNode run, List<String> takenSources) {}
