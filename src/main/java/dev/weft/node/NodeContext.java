package dev.weft.node;

import dev.weft.definition.NodeDef;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** What a node sees while it runs. */
public interface NodeContext {

  String runId();

  String nodeId();

  /**
   * A key that names this node's execution in its run, stable across everything that repeats it, so an
   * upstream can recognise a repeated call and answer it once: {@code <run id>/<node id>}, where the run
   * id is the Temporal workflow id ({@code <workflowId>-<runKey>}, never reused for another run).
   *
   * <p>It is the same for every attempt of the node (Temporal retries, including the attempt retried
   * after a worker crash) and for a re-execution an operator asks for with {@code onError: ask} →
   * {@code retry}: those repeat the same logical call, so an upstream that already did it must not do
   * it again. It is derived from data the activity already has, so computing it adds nothing to the
   * workflow's history. The dry run sends nothing and needs no key.
   *
   * <p>A node in a loop body gets {@code <run id>/<node id>[<index>]} ({@code [2][5]} in nested loops),
   * so each iteration is its own call and a retried iteration keeps its key.
   */
  default String idempotencyKey() {
    return runId() + "/" + nodeId();
  }

  /** Inside a loop body, the iteration's item (forEach) or the previous iteration's result (repeat); else {@code null}. */
  default JsonNode item() {
    return null;
  }

  /** Inside a loop body, the iteration's index from 0; else {@code null}. */
  default Integer index() {
    return null;
  }

  /** How long the node may run (its {@code timeout}); I/O nodes bound their calls by it. */
  default Duration timeout() {
    return NodeDef.DEFAULT_TIMEOUT;
  }

  /** The run's metadata: {@code id}, {@code workflowId}, {@code version}, {@code startedAt}; empty when unknown. */
  default JsonNode run() {
    return tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
  }

  /**
   * The outputs of the nodes this node reads (its expressions' references, {@link NodeType#reads}, and
   * its taken incoming edges), keyed by node id: each {@code {output, status}}. Empty outside the engine.
   */
  default Map<String, JsonNode> nodes() {
    return Map.of();
  }

  /**
   * The output of the node's predecessor when one incoming edge was taken; an object keyed by source
   * id when several were; the run's input for a start node.
   */
  JsonNode upstream();

  /** The outputs of the predecessors whose edges were taken, keyed by source id, in edge order. */
  Map<String, JsonNode> incoming();

  /**
   * Evaluates a raw-expression field of the config ({@link dev.weft.expression.Expression}).
   *
   * @param field the field's pointer relative to the config, for error messages
   * @param item the value of {@code item}, or {@code null} outside per-item fields
   */
  JsonNode evaluate(String expression, String field, JsonNode item);

  default JsonNode evaluate(String expression, String field) {
    return evaluate(expression, field, null);
  }

  /** Evaluates a condition; anything but a boolean fails the node with {@code expr.not_boolean}. */
  default boolean test(String expression, String field, JsonNode item) {
    JsonNode v = evaluate(expression, field, item);
    if (!v.isBoolean()) {
      throw new NodeFailure("expr.not_boolean", "condition at /config" + field + " `" + expression
          + "` gave " + (v.isNull() ? "null" : v.getNodeType().name().toLowerCase()) + ", not a boolean", false);
    }
    return v.booleanValue();
  }
}
