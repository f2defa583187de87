package dev.weft.node.llm;

import dev.weft.ai.LlmClient;
import dev.weft.ai.LlmReply;
import dev.weft.definition.Violation;
import dev.weft.node.ActivityNodeType;
import dev.weft.node.GraphContext;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeResult;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.JsonNodeFactory;

/** Asks a model once; output {@code {text, llm}}. */
@Component
public class LlmChatNode implements ActivityNodeType<LlmChatNodeConfig> {
  private final LlmClient llm;

  public LlmChatNode(LlmClient llm) {
    this.llm = llm;
  }

  @Override
  public String id() {
    return "llm.chat";
  }

  @Override
  public Class<LlmChatNodeConfig> configClass() {
    return LlmChatNodeConfig.class;
  }

  @Override
  public String description() {
    return "Asks a model (system + prompt); output {text, llm: usage}; rate limits and outages are retryable.";
  }

  @Override
  public List<Violation> validate(LlmChatNodeConfig config, GraphContext graph) {
    return LlmNodes.checkModel(llm.models(), config.model());
  }

  @Override
  public NodeResult execute(LlmChatNodeConfig config, NodeContext ctx) {
    LlmReply reply = llm.call(config.model(), LlmNodes.messages(config.system(), config.prompt()), ctx.timeout(), ctx);
    return NodeResult.of(LlmNodes.output("text", JsonNodeFactory.instance.stringNode(reply.text()), reply));
  }

  @Override
  public NodeResult sample(LlmChatNodeConfig config, NodeContext ctx) {
    return NodeResult.of(LlmNodes.sample(llm.models(), config.model(), "text",
        JsonNodeFactory.instance.stringNode(LlmNodes.DRY_RUN)));
  }
}
