package dev.weft.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;

/**
 * The input of one run: the frozen definition, the trigger's payload, who started it (the principal's
 * id) and how ({@code api}, {@code webhook}, {@code schedule}); both {@code null} in runs recorded
 * before they were kept. Self-approval checks read {@code startedBy}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunInput(DefinitionSnapshot definition, JsonNode input, String startedBy, String trigger,
    /** The state carried over from the previous Temporal run of a run that continued-as-new; else null. */
    RunCarry carried,
    /** The same, stored outside history when large ({@link ClaimCheck} reference); else null. */
    JsonNode carriedRef) {

  public RunInput(DefinitionSnapshot definition, JsonNode input) {
    this(definition, input, null, null, null, null);
  }

  public RunInput(DefinitionSnapshot definition, JsonNode input, String startedBy, String trigger) {
    this(definition, input, startedBy, trigger, null, null);
  }

  /** The same run's input for its next Temporal run. */
  public RunInput continued(RunCarry carry, JsonNode carryRef) {
    return new RunInput(definition, input, startedBy, trigger, carry, carryRef);
  }
}
