package dev.weft.node.switching;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.weft.expression.Expression;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;

/** Config of {@code switch}: named cases tried in order; the first that holds wins. */
public record SwitchNodeConfig(
    @NotNull @NotEmpty @Valid
    @JsonPropertyDescription("cases tried in order; the first whose condition holds names the port taken, else 'default'")
    List<Case> cases) {

  /** One named case. */
  public record Case(
      @NotBlank @Pattern(regexp = "^[a-z][a-z0-9_-]{0,63}$") @JsonPropertyDescription("port name") String name,
      @NotBlank @Expression @JsonPropertyDescription("CEL condition giving a boolean") String condition) {}
}
