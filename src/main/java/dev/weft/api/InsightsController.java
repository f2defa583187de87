package dev.weft.api;

import dev.weft.config.ServesApi;
import dev.weft.service.InsightsService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Insights for dashboards: executions over time, per-workflow outcomes, LLM usage and cost, from the
 * store and for the caller's tenant. Readable by any role that reads runs ({@code viewer} and up).
 */
@RestController
@ServesApi
@Tag(name = "Insights")
class InsightsController {
  private static final String RANGE = "from/to: ISO-8601 instants (default: the 30 days up to now), from before to, at "
      + "most weft.insights.max-range (366 days) apart: else 400 request.invalid_parameter, insights.range_empty or "
      + "insights.range_too_long naming query.from or query.to.";

  private final InsightsService insights;

  InsightsController(InsightsService insights) {
    this.insights = insights;
  }

  @Operation(summary = "Runs by status over time", description = "Runs that started in [from, to), counted by status "
      + "per UTC bucket (day, ISO week from Monday, or month); every bucket listed, empty ones too. " + RANGE)
  @GetMapping("/api/insights/executions")
  Map<String, Object> executions(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
      @Parameter(schema = @Schema(allowableValues = {"day", "week", "month"})) @RequestParam(required = false) String bucket,
      @RequestParam(required = false) String workflowId) {
    return insights.executions(from, to, bucket, workflowId);
  }

  @Operation(summary = "Per workflow: runs, success rate, durations, human waits", description = "Over runs that "
      + "started in [from, to), most runs first: completed/failed/canceled/open counts, successRate = completed / "
      + "ended, p50/p95 duration of completed runs (ms), and time the runs' human tasks waited (open ones until now). "
      + RANGE)
  @GetMapping("/api/insights/workflows")
  Map<String, Object> workflows(@RequestParam(required = false) String from, @RequestParam(required = false) String to) {
    return insights.workflows(from, to);
  }

  @Operation(summary = "LLM tokens and cost per workflow, model and day", description = "The usage runs' model calls "
      + "(llm.* and agent nodes) recorded in their events, for calls that ended in [from, to), by UTC day, workflow "
      + "and model, with totals; cost in the profiles' price currency, null where no price is set. " + RANGE)
  @GetMapping("/api/insights/costs")
  Map<String, Object> costs(@RequestParam(required = false) String from, @RequestParam(required = false) String to) {
    return insights.costs(from, to);
  }
}
