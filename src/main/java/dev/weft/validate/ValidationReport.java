package dev.weft.validate;

import dev.weft.definition.Violation;
import dev.weft.definition.WorkflowDefinition;
import java.util.List;

/** The outcome of validating a definition: every violation, found in one pass. */
public record ValidationReport(WorkflowDefinition definition, List<Violation> errors) {

  public ValidationReport {
    errors = List.copyOf(errors);
  }

  public boolean valid() {
    return errors.isEmpty();
  }
}
