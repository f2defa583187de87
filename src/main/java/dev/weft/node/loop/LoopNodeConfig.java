package dev.weft.node.loop;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.weft.definition.SubGraph;
import dev.weft.expression.Expression;
import dev.weft.expression.Literal;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * Config of {@code loop}. The body is a graph of full nodes, run once per iteration; it is kept as
 * written (its templates resolve per iteration, not when the loop starts).
 */
public record LoopNodeConfig(
    @NotNull @JsonPropertyDescription("forEach (once per item of `items`) | repeat (until `until` holds)") LoopMode mode,
    @Expression
    @JsonPropertyDescription("forEach: CEL expression giving the list to iterate, e.g. input.order.items")
    String items,
    @Min(1) @Max(LoopNodeConfig.MAX_CONCURRENCY)
    @JsonPropertyDescription("forEach: iterations run at once (default 1, at most 50)")
    Integer concurrency,
    @JsonPropertyDescription("forEach: fail (default) | continue (the error object in its slot) | collect (output {results, errors})")
    OnItemError onItemError,
    @Expression
    @JsonPropertyDescription("repeat: CEL condition over the iteration's nodes (nodes.<bodyNode>.output), checked after each "
        + "iteration; the loop stops when it is true")
    String until,
    @Min(1) @Max(LoopNodeConfig.MAX_ITERATIONS)
    @JsonPropertyDescription("repeat: required upper bound of iterations (at most 10000); reaching it without `until` "
        + "holding completes the loop with exhausted: true")
    Integer maxIterations,
    @JsonPropertyDescription("repeat: also output every iteration's result as `results` (default false)")
    Boolean collect,
    @Literal @NotNull
    @JsonPropertyDescription("the body graph {nodes, edges}, run once per iteration; its nodes read item, index, their "
        + "own body's nodes and the nodes before the loop; its result is its terminal node's output")
    SubGraph body) {

  public static final int MAX_CONCURRENCY = 50;
  public static final int MAX_ITERATIONS = 10_000;
  /** The most items a forEach iterates; more fails the node with {@code loop.too_many_items}. */
  public static final int MAX_ITEMS = 10_000;

  public int concurrencyOrDefault() {
    return concurrency == null ? 1 : concurrency;
  }

  public OnItemError onItemErrorOrDefault() {
    return onItemError == null ? OnItemError.FAIL : onItemError;
  }
}
