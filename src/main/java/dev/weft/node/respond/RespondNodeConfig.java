package dev.weft.node.respond;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import tools.jackson.databind.JsonNode;

/** Config of {@code respond}. */
public record RespondNodeConfig(
    @JsonPropertyDescription("the run's output: a value or {{ template }}; default: the upstream value") JsonNode body,
    @Min(100) @Max(599) @JsonPropertyDescription("HTTP status for a synchronous webhook answer (default 200)") Integer status) {}
