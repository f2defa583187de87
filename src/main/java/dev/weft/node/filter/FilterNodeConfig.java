package dev.weft.node.filter;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.weft.expression.Expression;
import jakarta.validation.constraints.NotBlank;

/** Config of {@code filter}. */
public record FilterNodeConfig(
    @Expression @JsonPropertyDescription("CEL expression giving the list to filter; default: the upstream value")
    String items,
    @NotBlank @Expression(perItem = true)
    @JsonPropertyDescription("CEL condition over `item`, e.g. item.amount > 100")
    String condition) {}
