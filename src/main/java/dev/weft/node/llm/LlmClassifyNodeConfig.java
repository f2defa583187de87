package dev.weft.node.llm;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Config of {@code llm.classify}. */
public record LlmClassifyNodeConfig(
    @JsonPropertyDescription("model profile name (weft.ai.models.<name>); default: the default profile") String model,
    @NotNull @JsonPropertyDescription("the untrusted text to classify, usually a {{ template }}; passed to the model as"
        + " delimited data, never as instructions") JsonNode text,
    @NotNull @NotEmpty @Valid @JsonPropertyDescription("the labels to choose from; each label is a port of the node")
    List<Label> labels,
    @JsonPropertyDescription("extra guidance for the model; may hold {{ templates }}") String instructions) {

  /** One label: its name is the port the node leaves on. */
  public record Label(
      @NotBlank @Pattern(regexp = "^[a-z][a-z0-9_-]{0,63}$") @JsonPropertyDescription("port name") String name,
      @JsonPropertyDescription("what the label means, for the model") String description) {}
}
