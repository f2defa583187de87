package dev.weft.node.llm;

import dev.weft.ai.LlmClient;
import dev.weft.ai.LlmReply;
import dev.weft.ai.PromptText;
import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.node.ActivityNodeType;
import dev.weft.node.GraphContext;
import dev.weft.node.JsonSchemas;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.ai.chat.messages.Message;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Extracts a JSON object matching a schema; output {@code {data, llm}}. An answer that is not JSON or
 * does not match is re-asked once with its errors, then fails with {@code llm.invalid_output}.
 */
@Component
public class LlmExtractNode implements ActivityNodeType<LlmExtractNodeConfig> {
  public static final String ANSWER_RULE = "Answer with only one JSON object that matches this JSON schema, no prose:";
  private static final Pattern FENCE = Pattern.compile("(?s)^\\s*```[A-Za-z]*\\s*\\n?(.*?)\\n?\\s*```\\s*$");

  private final LlmClient llm;

  public LlmExtractNode(LlmClient llm) {
    this.llm = llm;
  }

  @Override
  public String id() {
    return "llm.extract";
  }

  @Override
  public Class<LlmExtractNodeConfig> configClass() {
    return LlmExtractNodeConfig.class;
  }

  @Override
  public String description() {
    return "Extracts a JSON object matching a schema from text; output {data, llm}; a bad answer is re-asked once.";
  }

  @Override
  public List<Violation> validate(LlmExtractNodeConfig config, GraphContext graph) {
    List<Violation> v = new ArrayList<>(LlmNodes.checkModel(llm.models(), config.model()));
    List<Violation> schema = JsonSchemas.checkSchema(config.schema(), "llm.schema_invalid");
    schema.forEach(x -> v.add(Violation.of("/schema" + x.path(), x.code(), x.message())));
    if (schema.isEmpty() && !"object".equals(config.schema().path("type").asString(""))) {
      v.add(Violation.of("/schema/type", "llm.schema_invalid", "the schema describes an object: \"type\": \"object\""));
    }
    return v;
  }

  @Override
  public NodeResult execute(LlmExtractNodeConfig config, NodeContext ctx) {
    boolean hasText = config.text() != null && !config.text().isNull();
    String system = LlmNodes.join(config.system(), ANSWER_RULE + "\n" + Json.MAPPER.writeValueAsString(config.schema()),
        hasText ? PromptText.DATA_RULE : null);
    String user = LlmNodes.join(config.prompt(), hasText ? PromptText.delimit("text", LlmNodes.text(config.text())) : null);
    List<Message> sent = LlmNodes.messages(system, user);
    LlmReply reply = llm.call(config.model(), sent, ctx.timeout(), ctx);
    Parsed first = parse(reply.text(), config.schema());
    if (first.errors().isEmpty()) return NodeResult.of(LlmNodes.output("data", first.value(), reply));
    LlmReply again = llm.call(config.model(), LlmNodes.reask(sent, reply.text(), correction(first.errors())), ctx.timeout(), ctx);
    LlmReply total = reply.plus(again);
    Parsed second = parse(again.text(), config.schema());
    if (second.errors().isEmpty()) return NodeResult.of(LlmNodes.output("data", second.value(), total));
    ObjectNode details = Json.object();
    ArrayNode errors = details.putArray("errors");
    second.errors().forEach(e -> errors.addObject().put("path", e.path()).put("code", e.code()).put("message", e.message()));
    details.put("answer", LlmNodes.preview(again.text()));
    details.set("llm", total.usage());
    throw new NodeFailure("llm.invalid_output", "the model's answer did not match the schema twice: "
        + second.errors().getFirst().code() + " at '" + second.errors().getFirst().path() + "'", false, details);
  }

  @Override
  public NodeResult sample(LlmExtractNodeConfig config, NodeContext ctx) {
    return NodeResult.of(LlmNodes.sample(llm.models(), config.model(), "data", JsonSchemas.sample(config.schema())));
  }

  record Parsed(JsonNode value, List<Violation> errors) {}

  /** The answer as JSON (tolerating a ```json fence) and its problems against the schema. */
  static Parsed parse(String answer, JsonNode schema) {
    String body = answer.strip();
    Matcher m = FENCE.matcher(body);
    if (m.matches()) body = m.group(1).strip();
    JsonNode value;
    try {
      value = Json.parse(body);
    } catch (JacksonException e) {
      return new Parsed(null, List.of(Violation.of("", "llm.not_json", "the answer is not JSON: " + e.getOriginalMessage())));
    }
    if (value == null || !value.isObject()) {
      return new Parsed(value, List.of(Violation.of("", "schema.type", "the answer must be one JSON object")));
    }
    return new Parsed(value, JsonSchemas.errors(schema, value));
  }

  private static String correction(List<Violation> errors) {
    StringBuilder sb = new StringBuilder("Your answer is not valid:\n");
    errors.forEach(e -> sb.append("- at '").append(e.path()).append("': ").append(e.message()).append('\n'));
    return sb.append("Answer again with only the corrected JSON object.").toString();
  }
}
