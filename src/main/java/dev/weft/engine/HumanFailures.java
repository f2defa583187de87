package dev.weft.engine;

import dev.weft.definition.Violation;
import io.temporal.failure.ApplicationFailure;
import dev.weft.definition.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

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

  /** A refusal as the caller sees it. */
  public record Refusal(String code, String message, List<Violation> errors) {}

  /**
   * The refusal inside a failed update. Temporal Java SDK 1.38.0 re-serializes what a validator throws
   * and keeps only its message (temporalio/sdk-java#2875, fixed after 1.38.0), so the message carries
   * the refusal as JSON; a failure that kept its type is read directly.
   */
  public static Optional<Refusal> refusal(Throwable updateFailure) {
    ApplicationFailure found = null;
    for (Throwable t = updateFailure; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof ApplicationFailure af) found = af;
    }
    if (found == null) return Optional.empty();
    String message = found.getOriginalMessage();
    if (message != null && message.startsWith("{")) {
      try {
        JsonNode j = Json.parse(message);
        if (j.hasNonNull("code")) {
          List<Violation> errors = new ArrayList<>();
          j.path("errors").forEach(e -> errors.add(Violation.of(e.path("path").asString(""), e.path("code").asString(""),
              e.path("message").asString(""))));
          return Optional.of(new Refusal(j.get("code").asString(), j.path("message").asString(""), errors));
        }
      } catch (RuntimeException e) {
        // not ours: fall through
      }
    }
    return Optional.of(new Refusal(found.getType(), message, List.of()));
  }

  public static ApplicationFailure of(String code, String message) {
    return of(code, message, List.of());
  }

  public static ApplicationFailure of(String code, String message, List<Violation> violations) {
    ObjectNode body = Json.object();
    body.put("code", code);
    body.put("message", message);
    body.set("errors", Json.MAPPER.valueToTree(violations));
    return ApplicationFailure.newNonRetryableFailure(Json.MAPPER.writeValueAsString(body), code);
  }
}
