package dev.weft.node.code;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.weft.expression.Literal;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * Config of {@code code}. The source is the body of a function of {@code input}, {@code nodes},
 * {@code run}, {@code item} and {@code index}; what it returns is the node's output. The source is code,
 * not a template: {@code {{ }}} in it is left alone.
 */
public record CodeNodeConfig(
    @NotNull @JsonPropertyDescription("javascript | python") CodeLanguage language,
    @Literal @NotBlank @Size(max = CodeNodeConfig.MAX_SOURCE_CHARS)
    @JsonPropertyDescription("the body of a function: reads input, nodes.<id>.output, run; returns a JSON value "
        + "(JavaScript: `return {total: input.items.length}`; Python: `return {\"total\": len(input[\"items\"])}`)")
    String source) {
  public static final int MAX_SOURCE_CHARS = 65_536;
}
