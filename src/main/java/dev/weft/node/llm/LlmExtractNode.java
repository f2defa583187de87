package dev.weft.node.llm;

import dev.weft.ai.LlmClient;
import dev.weft.ai.PromptText;
import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.node.ActivityNodeType;
import dev.weft.node.GraphContext;
import dev.weft.node.JsonSchemas;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeResult;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.messages.Message;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Extracts a JSON object matching a schema; output {@code {data, llm}}. The schema goes to the provider as
 * structured output and into the prompt (for endpoints that ignore it); {@code llm.structured} says which
 * path answered. An answer that is not JSON or does not match is re-asked once with its errors, then fails
 * with {@code llm.invalid_output}.
 */
@Component
public class LlmExtractNode implements ActivityNodeType<LlmExtractNodeConfig> {
  public static final String ANSWER_RULE = "Answer with only one JSON object that matches this JSON schema, no prose:";

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
    LlmClient.StructuredReply answer = llm.callStructured(config.model(), sent, config.schema(), ctx.timeout(), ctx);
    return NodeResult.of(LlmNodes.output("data", answer.value(), answer.reply()));
  }

  @Override
  public NodeResult sample(LlmExtractNodeConfig config, NodeContext ctx) {
    return NodeResult.of(LlmNodes.sample(llm.models(), config.model(), "data", JsonSchemas.sample(config.schema())));
  }
}
