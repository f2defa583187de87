package dev.weft.node.ifelse;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.weft.expression.Expression;
import jakarta.validation.constraints.NotBlank;

/** Config of {@code if}. */
public record IfNodeConfig(
    @NotBlank @Expression
    @JsonPropertyDescription("CEL condition, e.g. nodes.fetch.output.body.amount > 1000; must give a boolean")
    String condition) {}
