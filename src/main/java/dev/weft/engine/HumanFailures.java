package dev.weft.engine;

import dev.weft.definition.Violation;
import io.temporal.failure.ApplicationFailure;
import java.util.List;

/**
 * Why the run refused a decision or a control request: the failure type is a stable code that the API
 * turns into a status ({@code 404}, {@code 403}, {@code 409}, {@code 400}); details list the violations.
 */
public final class HumanFailures {
  public static final String NODE_NOT_FOUND = "node.not_found";
  public static final String NOT_WAITING = "decision.not_waiting";
  public static final String ALREADY_DECIDED = "decision.already_decided";
  public static final String FORBIDDEN = "decision.forbidden";
  public static final String SELF_APPROVAL = "decision.self_approval";
  public static final String INVALID = "decision.invalid";
  public static final String FORM_INVALID = "form.invalid";
  public static final String CONFIG_INVALID = "decision.config_invalid";
  public static final String RUN_NOT_RUNNING = "run.not_running";
  public static final String RUN_NOT_PAUSED = "run.not_paused";
  public static final String RUN_PAUSED = "run.already_paused";

  private HumanFailures() {}

  public static ApplicationFailure of(String code, String message) {
    return ApplicationFailure.newNonRetryableFailure(message, code);
  }

  public static ApplicationFailure of(String code, String message, List<Violation> violations) {
    return ApplicationFailure.newNonRetryableFailure(message, code, violations);
  }
}
