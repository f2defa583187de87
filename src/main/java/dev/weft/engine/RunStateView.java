package dev.weft.engine;

import dev.weft.definition.Execution;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The answer to the {@code state} query (and the final state the run's last event carries): the run's
 * status and times, and per node its status, attempts, times, ports, previewed output, error and open
 * task. Values larger than {@code weft.engine.state-preview-bytes} show as {@link Previews}. Owned by
 * one {@link RunWorkflowImpl} instance; read-only over its nodes and {@link HumanTasks}.
 */
final class RunStateView {
  private final Map<String, NodeRun> runs;
  private final HumanTasks tasks;
  private final int previewBytes;

  RunStateView(Map<String, NodeRun> runs, HumanTasks tasks, int previewBytes) {
    this.runs = runs;
    this.tasks = tasks;
    this.previewBytes = previewBytes;
  }

  /** The run's state; {@code in} is null before the run started. */
  RunState state(RunInput in, RunStatus status, Instant startedAt, Instant endedAt, JsonNode output, NodeError runError) {
    Map<String, NodeState> nodes = new LinkedHashMap<>();
    List<String> waiting = new ArrayList<>();
    runs.forEach((id, r) -> {
      JsonNode task = tasks.view(id);
      nodes.put(id, new NodeState(r.def.type(), r.status, r.attempts, r.startedAt, r.endedAt,
          r.status.done() ? r.ports : null, preview(r.output), r.error, task, r.loop == null ? null : r.loop.view(),
          r.offloaded ? (r.local ? Execution.LOCAL : Execution.ACTIVITY).wire() : null));
      if (task != null) waiting.add(id);
    });
    return new RunState(in == null ? null : Workflow.getInfo().getWorkflowId(), in == null ? null : in.definition().workflowId(),
        in == null ? 0 : in.definition().version(), status, startedAt, endedAt,
        in == null ? null : preview(in.input()), preview(output), runError, nodes, waiting, in == null ? null : in.startedBy());
  }

  /** A value as the state and the events show it: whole up to the preview limit, else truncated. */
  JsonNode preview(JsonNode v) {
    return Previews.of(v, previewBytes);
  }
}
