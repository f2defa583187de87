package dev.weft.node.llm;

import dev.weft.ai.LlmClient;
import dev.weft.ai.LlmReply;
import dev.weft.ai.PromptText;
import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.domain.DomainException;
import dev.weft.knowledge.KnowledgeSearch;
import dev.weft.knowledge.Retriever;
import dev.weft.node.ActivityNodeType;
import dev.weft.node.GraphContext;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeResult;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answers a question from a knowledge base (retrieval-augmented): the {@code k} best chunks scoring at least
 * {@code minScore} go to the model as numbered sources it cites as {@code [n]}. Output {@code {answer, known,
 * citations, sources, llm}}: {@code citations} are the sources the answer cites (chunk id, document id and
 * name, score), {@code sources} every one it was given. When no chunk scores enough, the answer is
 * {@code unknownAnswer} with {@code known: false}, and the model is not called.
 */
@Component
public class LlmAnswerNode implements ActivityNodeType<LlmAnswerNodeConfig> {
  static final String RULES = "Answer the question using only the numbered sources below. Cite every source you use by"
      + " its number in square brackets, like [1] or [2][3]. If the sources do not answer the question, say so plainly.";
  private static final Pattern CITE = Pattern.compile("\\[(\\d{1,3})]");

  private final LlmClient llm;
  private final KnowledgeSearch knowledge;

  public LlmAnswerNode(LlmClient llm, KnowledgeSearch knowledge) {
    this.llm = llm;
    this.knowledge = knowledge;
  }

  @Override
  public String id() {
    return "llm.answer";
  }

  @Override
  public Class<LlmAnswerNodeConfig> configClass() {
    return LlmAnswerNodeConfig.class;
  }

  @Override
  public String description() {
    return "Answers a question from a knowledge base with citations (chunk ids, document names); output {answer, known,"
        + " citations, sources, llm}; \"I don't know\" without a model call when nothing scores minScore.";
  }

  @Override
  public List<Violation> validate(LlmAnswerNodeConfig config, GraphContext graph) {
    return LlmNodes.checkModel(llm.models(), config.model());
  }

  @Override
  public NodeResult execute(LlmAnswerNodeConfig config, NodeContext ctx) {
    Retriever.Result found;
    try {
      found = knowledge.search(config.knowledgeBase(), config.question(), config.effectiveK());
    } catch (DomainException e) {
      throw new NodeFailure(e.code(), e.getMessage(), false);
    }
    List<Retriever.Hit> used = found.hits().stream().filter(h -> h.score() >= config.effectiveMinScore()).toList();
    if (used.isEmpty()) {
      String profile = llm.models().resolve(config.model());
      LlmReply none = new LlmReply("", profile, llm.models().require(profile).model(), 0, 0, 0, BigDecimal.ZERO);
      return NodeResult.of(output(config.effectiveUnknownAnswer(), false, List.of(), List.of(), none));
    }
    StringBuilder sources = new StringBuilder();
    for (int i = 0; i < used.size(); i++) {
      Retriever.Hit h = used.get(i);
      sources.append("[").append(i + 1).append("] ").append(h.documentName()).append('\n')
          .append(PromptText.delimit("source-" + (i + 1), h.text())).append("\n\n");
    }
    String system = LlmNodes.join(config.system(), RULES, PromptText.DATA_RULE);
    String user = LlmNodes.join(sources.toString(), "Question: " + config.question());
    LlmReply reply = llm.call(config.model(), LlmNodes.messages(system, user), ctx.timeout(), ctx);
    Set<Integer> cited = new TreeSet<>();
    Matcher m = CITE.matcher(reply.text());
    while (m.find()) {
      int n = Integer.parseInt(m.group(1));
      if (n >= 1 && n <= used.size()) cited.add(n);
    }
    List<Retriever.Hit> citations = cited.stream().map(n -> used.get(n - 1)).toList();
    return NodeResult.of(output(reply.text(), true, citations, used, reply));
  }

  @Override
  public NodeResult sample(LlmAnswerNodeConfig config, NodeContext ctx) {
    ObjectNode o = LlmNodes.sample(llm.models(), config.model(), "answer",
        tools.jackson.databind.node.JsonNodeFactory.instance.stringNode(LlmNodes.DRY_RUN));
    o.put("known", true);
    o.putArray("citations");
    o.putArray("sources");
    return NodeResult.of(o);
  }

  private static ObjectNode output(String answer, boolean known, List<Retriever.Hit> citations, List<Retriever.Hit> sources,
      LlmReply reply) {
    ObjectNode o = Json.object();
    o.put("answer", answer);
    o.put("known", known);
    refs(o.putArray("citations"), citations);
    refs(o.putArray("sources"), sources);
    o.set("llm", reply.usage());
    return o;
  }

  private static void refs(ArrayNode into, List<Retriever.Hit> hits) {
    hits.forEach(h -> into.addObject().put("chunkId", h.chunkId()).put("documentId", h.documentId())
        .put("documentName", h.documentName()).put("score", h.score()));
  }
}
