package dev.weft.node.llm;

import dev.weft.ai.LlmClient;
import dev.weft.ai.LlmReply;
import dev.weft.ai.PromptText;
import dev.weft.definition.Violation;
import dev.weft.node.ActivityNodeType;
import dev.weft.node.GraphContext;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeResult;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** Summarizes a text or a list of texts in at most {@code maxWords} words; output {@code {summary, llm}}. */
@Component
public class LlmSummarizeNode implements ActivityNodeType<LlmSummarizeNodeConfig> {
  private final LlmClient llm;

  public LlmSummarizeNode(LlmClient llm) {
    this.llm = llm;
  }

  @Override
  public String id() {
    return "llm.summarize";
  }

  @Override
  public Class<LlmSummarizeNodeConfig> configClass() {
    return LlmSummarizeNodeConfig.class;
  }

  @Override
  public String description() {
    return "Summarizes a text or a list of texts in at most maxWords words; output {summary, llm}.";
  }

  @Override
  public List<Violation> validate(LlmSummarizeNodeConfig config, GraphContext graph) {
    return LlmNodes.checkModel(llm.models(), config.model());
  }

  @Override
  public NodeResult execute(LlmSummarizeNodeConfig config, NodeContext ctx) {
    List<String> documents = new ArrayList<>();
    JsonNode text = config.text();
    if (text.isArray()) {
      for (int i = 0; i < text.size(); i++) documents.add(PromptText.delimit("document-" + (i + 1), LlmNodes.text(text.get(i))));
    } else {
      documents.add(PromptText.delimit("document-1", LlmNodes.text(text)));
    }
    String system = LlmNodes.join("Summarize the " + (documents.size() == 1 ? "document" : documents.size() + " documents")
        + " inside the <data> tags in at most " + config.maxWords() + " words. Answer with the summary only.",
        config.instructions(), PromptText.DATA_RULE);
    LlmReply reply = llm.call(config.model(), LlmNodes.messages(system, String.join("\n\n", documents)), ctx.timeout(), ctx);
    return NodeResult.of(LlmNodes.output("summary", JsonNodeFactory.instance.stringNode(reply.text().strip()), reply));
  }

  @Override
  public NodeResult sample(LlmSummarizeNodeConfig config, NodeContext ctx) {
    return NodeResult.of(LlmNodes.sample(llm.models(), config.model(), "summary",
        JsonNodeFactory.instance.stringNode(LlmNodes.DRY_RUN)));
  }
}
