package dev.weft.node.llm;

import dev.weft.ai.ChatModels;
import dev.weft.ai.LlmReply;
import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.expression.Templates;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** What the {@code llm.*} nodes share: the model check, prompt assembly and the output's {@code llm} usage. */
final class LlmNodes {
  static final String DRY_RUN = "(dry run)";

  private LlmNodes() {}

  /** A profile that does not exist fails at save time; a templated name is only known at run time. */
  static List<Violation> checkModel(ChatModels models, String model) {
    if (model != null && Templates.hasTemplate(model)) return List.of();
    if (models.profile(model).isPresent()) return List.of();
    String name = models.resolve(model);
    return List.of(Violation.of("/model", "llm.unknown_model", "no model profile named '" + name + "' (configured: "
        + (models.names().isEmpty() ? "none" : String.join(", ", models.names())) + ")"));
  }

  /** Non-blank parts joined by blank lines. */
  static String join(String... parts) {
    return Arrays.stream(parts).filter(Objects::nonNull).filter(p -> !p.isBlank()).map(String::strip)
        .collect(Collectors.joining("\n\n"));
  }

  static List<Message> messages(String system, String user) {
    List<Message> m = new ArrayList<>();
    if (system != null && !system.isBlank()) m.add(new SystemMessage(system));
    m.add(new UserMessage(user));
    return m;
  }

  /** The conversation so far, the model's answer, and what to correct: one re-ask. */
  static List<Message> reask(List<Message> sent, String answer, String correction) {
    List<Message> m = new ArrayList<>(sent);
    m.add(new AssistantMessage(answer));
    m.add(new UserMessage(correction));
    return m;
  }

  /** Resolved data as prompt text: strings as they are, anything else as JSON. */
  static String text(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) return "";
    return value.isString() ? value.stringValue() : Json.MAPPER.writeValueAsString(value);
  }

  static ObjectNode output(String field, JsonNode value, LlmReply reply) {
    ObjectNode o = Json.object();
    o.set(field, value);
    o.set("llm", reply.usage());
    return o;
  }

  /** A dry run's output: no call, zero usage; an unknown profile still fails. */
  static ObjectNode sample(ChatModels models, String model, String field, JsonNode value) {
    String profile = models.resolve(model);
    String name = models.require(profile).model();
    return output(field, value, new LlmReply("", profile, name, 0, 0, 0, java.math.BigDecimal.ZERO));
  }

  /** A short preview of an answer for failure details. */
  static String preview(String answer) {
    if (answer == null) return "";
    return answer.length() <= 500 ? answer : answer.substring(0, 500) + "…";
  }
}
