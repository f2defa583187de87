package dev.weft.agent.generate;

import dev.weft.definition.validate.ValidationReport;
import dev.weft.security.WeftPrincipal;
import tools.jackson.databind.JsonNode;

/** PLACEHOLDER replaced by the generation branch. */
@org.springframework.stereotype.Component
public class WorkflowGenerator {
  public record Generation(JsonNode definition, ValidationReport report, JsonNode dryRun, JsonNode diff, int attempts,
      boolean ok, JsonNode usage) {}

  public Generation generate(String prompt, String workflowId, JsonNode sampleInput, WeftPrincipal caller) {
    throw new UnsupportedOperationException();
  }
}
