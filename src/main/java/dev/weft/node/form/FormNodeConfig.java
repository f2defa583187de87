package dev.weft.node.form;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Config of {@code form}. */
public record FormNodeConfig(
    @NotBlank @JsonPropertyDescription("what is asked; may hold {{ templates }}") String title,
    @JsonPropertyDescription("details for the assignees; may hold {{ templates }}") String description,
    @NotNull @JsonPropertyDescription("a JSON schema object: properties of type string, number, integer, boolean or with an"
        + " enum, and required") JsonNode fields,
    @JsonPropertyDescription("who may submit: principal ids, role:<role> or group:<group> (default role:operator)")
    List<String> assignees,
    @JsonPropertyDescription("how long to wait for the values; the node fails with form.timeout after it") String timeout) {

  public static final List<String> DEFAULT_ASSIGNEES = List.of("role:operator");

  public List<String> assigneesOrDefault() {
    return assignees == null || assignees.isEmpty() ? DEFAULT_ASSIGNEES : assignees;
  }
}
