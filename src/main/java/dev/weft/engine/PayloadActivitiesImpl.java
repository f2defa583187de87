package dev.weft.engine;

import dev.weft.expression.ExpressionEngine;
import dev.weft.expression.ExpressionException;
import dev.weft.expression.Scope;
import io.temporal.failure.ApplicationFailure;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** {@link PayloadActivities} over the worker's payload store. */
public class PayloadActivitiesImpl implements PayloadActivities {
  private final ExpressionEngine expressions;
  private final PayloadStore store;

  public PayloadActivitiesImpl(ExpressionEngine expressions, PayloadStore store) {
    this.expressions = expressions;
    this.store = store;
  }

  @Override
  public JsonNode items(String runId, String expression, NodeScope scope) {
    Map<String, Scope.NodeView> nodes = new LinkedHashMap<>();
    scope.nodes().forEach((id, v) -> nodes.put(id, new Scope.NodeView(v.status(), ClaimCheck.load(v.output(), store))));
    try {
      return expressions.evaluate(expression, "/config/items", scope.withNodes(nodes).expressionScope(), false);
    } catch (ExpressionException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.describe(), e.code());
    }
  }

  @Override
  public JsonNode store(String runId, String key, JsonNode value) {
    return ClaimCheck.ref(store.put(runId, key, 0, value), dev.weft.definition.Json.sizeOf(value));
  }

  @Override
  public JsonNode load(JsonNode ref) {
    return ClaimCheck.load(ref, store);
  }
}
