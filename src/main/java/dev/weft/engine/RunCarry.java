package dev.weft.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What a run carries into its next Temporal run when it continues-as-new: everything the scheduling
 * loop needs to go on as if nothing happened. It is cut at a safe point, when nothing runs (see
 * docs/engine.md "Runs of any length"), so every node is pending or ended, and a loop in progress is
 * its {@link LoopCarry}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunCarry(
    Instant startedAt,
    JsonNode output,
    Integer responseStatus,
    boolean paused,
    int pauses,
    int resumes,
    /** How many Temporal runs came before this one. */
    int continued,
    FrameCarry graph) {

  /** One graph's state: per node (by id) how it stands, and per edge (in definition order) whether it was taken. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FrameCarry(Map<String, NodeCarry> nodes, List<Boolean> edges) {}

  /**
   * One node's state. {@code output} is kept only when something still to run reads it or it is a
   * terminal node (its events hold the rest); the counters keep event identities unique.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record NodeCarry(NodeStatus status, int attempts, Instant startedAt, Instant endedAt, List<String> ports,
      JsonNode output, NodeError error, int waits, int decisions, int reminders, LoopCarry loop) {}

  /**
   * A loop in progress: the next iteration to start, the results so far (by item index; the last result
   * and the iteration count for repeat), the errors collected and the iterations cut half-way.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LoopCarry(int next, List<JsonNode> results, List<JsonNode> errors, Map<Integer, FrameCarry> partial,
      JsonNode last, int completed, int failed) {}
}
