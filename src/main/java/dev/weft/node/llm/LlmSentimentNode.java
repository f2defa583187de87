package dev.weft.node.llm;

import dev.weft.ai.LlmClient;
import dev.weft.ai.PromptText;
import dev.weft.definition.Violation;
import dev.weft.node.ActivityNodeType;
import dev.weft.node.GraphContext;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeResult;
import java.util.List;
import org.springframework.ai.chat.messages.Message;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Judges the sentiment of a text and leaves on its port: {@code positive}, {@code neutral} or {@code negative};
 * output {@code {sentiment, llm}}. The provider is given the schema {@code {"sentiment": enum}} as structured
 * output ({@code llm.structured} says which path answered); an answer that names none is re-asked once, then
 * fails with {@code llm.invalid_output}.
 */
@Component
public class LlmSentimentNode implements ActivityNodeType<LlmSentimentNodeConfig> {
  public static final List<String> SENTIMENTS = List.of("positive", "neutral", "negative");
  public static final String ANSWER_RULE = "Judge the sentiment of the text inside the <data> tags: how its author feels."
      + " Answer with exactly one word: positive, neutral or negative. Mixed or purely factual text is neutral.";

  private final LlmClient llm;

  public LlmSentimentNode(LlmClient llm) {
    this.llm = llm;
  }

  @Override
  public String id() {
    return "llm.sentiment";
  }

  @Override
  public Class<LlmSentimentNodeConfig> configClass() {
    return LlmSentimentNodeConfig.class;
  }

  @Override
  public String description() {
    return "Judges a text's sentiment (ports positive, neutral, negative); output {sentiment, llm}; a non-answer is"
        + " re-asked once.";
  }

  @Override
  public List<String> ports(LlmSentimentNodeConfig config) {
    return SENTIMENTS;
  }

  @Override
  public List<Violation> validate(LlmSentimentNodeConfig config, GraphContext graph) {
    return LlmNodes.checkModel(llm.models(), config.model());
  }

  @Override
  public NodeResult execute(LlmSentimentNodeConfig config, NodeContext ctx) {
    String system = LlmNodes.join(config.instructions(), ANSWER_RULE, PromptText.DATA_RULE);
    List<Message> sent = LlmNodes.messages(system, PromptText.delimit("text", LlmNodes.text(config.text())));
    LlmClient.StructuredReply answer = llm.callStructured(config.model(), sent,
        LlmClassifyNode.schema("sentiment", SENTIMENTS), ctx.timeout(), ctx, LlmClassifyNode.reader("sentiment", SENTIMENTS));
    String sentiment = answer.value().stringValue();
    return NodeResult.routed(LlmNodes.output("sentiment", answer.value(), answer.reply()), sentiment);
  }

  /** A dry run leaves on every port, so every branch is reached. */
  @Override
  public NodeResult sample(LlmSentimentNodeConfig config, NodeContext ctx) {
    return new NodeResult(LlmNodes.sample(llm.models(), config.model(), "sentiment",
        JsonNodeFactory.instance.stringNode("neutral")), SENTIMENTS, null);
  }
}
