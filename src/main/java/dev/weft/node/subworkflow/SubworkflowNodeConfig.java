package dev.weft.node.subworkflow;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import tools.jackson.databind.JsonNode;

/** Config of {@code subworkflow}: which saved workflow runs as a child, with what input, and whether to wait. */
public record SubworkflowNodeConfig(
    @NotBlank @JsonPropertyDescription("id of the saved workflow to run as a child workflow") String workflowId,
    @Min(1) @JsonPropertyDescription("version to run (pinned); omitted: the latest version when the parent run started")
    Integer version,
    @JsonPropertyDescription("the child's input: any JSON, templates allowed, e.g. {\"orderId\": \"{{ input.id }}\"}; "
        + "omitted: this node's upstream value")
    JsonNode input,
    @JsonPropertyDescription("true (default): wait, output = the child's output; false: output = {runId} at once")
    @JsonProperty("wait") Boolean waitForChild) {

  public boolean waits() {
    return waitForChild == null || waitForChild;
  }
}
