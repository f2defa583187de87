package dev.weft.node.llm;

import dev.weft.ai.LlmClient;
import dev.weft.ai.LlmReply;
import dev.weft.ai.PromptText;
import dev.weft.ai.StructuredOutput;
import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.node.ActivityNodeType;
import dev.weft.node.GraphContext;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.ai.chat.messages.Message;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Classifies text into one of its labels and leaves on the port of that label; output {@code {label, llm}}.
 * The provider is given the schema {@code {"label": enum of the labels}} as structured output ({@code
 * llm.structured} says whether it answered so or from the prompt alone). An answer that names no label is
 * re-asked once, then fails with {@code llm.invalid_output}.
 */
@Component
public class LlmClassifyNode implements ActivityNodeType<LlmClassifyNodeConfig> {
  public static final String ANSWER_RULE = "Classify the text inside the <data> tags. Answer with exactly one label name from"
      + " this list and nothing else:";
  /** Ports the engine gives a meaning of their own. */
  private static final Set<String> RESERVED = Set.of("main", "error");

  private final LlmClient llm;

  public LlmClassifyNode(LlmClient llm) {
    this.llm = llm;
  }

  @Override
  public String id() {
    return "llm.classify";
  }

  @Override
  public Class<LlmClassifyNodeConfig> configClass() {
    return LlmClassifyNodeConfig.class;
  }

  @Override
  public String description() {
    return "Classifies text into one of its labels (port = label); output {label, llm}; a non-label answer is re-asked once.";
  }

  @Override
  public List<String> ports(LlmClassifyNodeConfig config) {
    return config.labels().stream().map(LlmClassifyNodeConfig.Label::name).toList();
  }

  @Override
  public List<Violation> validate(LlmClassifyNodeConfig config, GraphContext graph) {
    List<Violation> v = new ArrayList<>(LlmNodes.checkModel(llm.models(), config.model()));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < config.labels().size(); i++) {
      String name = config.labels().get(i).name();
      if (RESERVED.contains(name)) {
        v.add(Violation.of("/labels/" + i + "/name", "llm.label_reserved", "'" + name + "' is reserved for a port of its own"));
      } else if (!seen.add(name)) {
        v.add(Violation.of("/labels/" + i + "/name", "llm.label_duplicate", "label '" + name + "' is listed twice"));
      }
    }
    return v;
  }

  @Override
  public NodeResult execute(LlmClassifyNodeConfig config, NodeContext ctx) {
    StringBuilder labels = new StringBuilder(ANSWER_RULE);
    for (LlmClassifyNodeConfig.Label l : config.labels()) {
      labels.append("\n- ").append(l.name());
      if (l.description() != null && !l.description().isBlank()) labels.append(": ").append(l.description().strip());
    }
    String system = LlmNodes.join(config.instructions(), labels.toString(), PromptText.DATA_RULE);
    List<Message> sent = LlmNodes.messages(system, PromptText.delimit("text", LlmNodes.text(config.text())));
    List<String> names = ports(config);
    LlmClient.StructuredReply answer = llm.callStructured(config.model(), sent, schema("label", names), ctx.timeout(), ctx,
        reader("label", names));
    String label = answer.value().stringValue();
    return NodeResult.routed(LlmNodes.output("label", answer.value(), answer.reply()), label);
  }

  /** The answer's schema: {@code {"<field>": one of the labels}}. */
  static ObjectNode schema(String field, List<String> labels) {
    ObjectNode s = Json.object();
    s.put("type", "object");
    ObjectNode label = s.putObject("properties").putObject(field);
    label.put("type", "string");
    ArrayNode values = label.putArray("enum");
    labels.forEach(values::add);
    s.putArray("required").add(field);
    s.put("additionalProperties", false);
    return s;
  }

  /**
   * Reads {@code {"<field>": ...}} (the schema's answer) or a bare label (an endpoint that ignored the schema
   * answers as the prompt asks); the value is the label's name.
   */
  static StructuredOutput.Reader reader(String field, List<String> labels) {
    return new StructuredOutput.Reader() {
      @Override
      public StructuredOutput.Answer read(String answer) {
        String text = answer == null ? "" : answer.strip();
        Optional<String> label = Optional.empty();
        if (text.startsWith("{") || text.startsWith("```")) {
          // The field's value, matched as leniently as a bare answer ("Billing" is billing).
          StructuredOutput.Answer json = StructuredOutput.json(text, Json.object());
          if (json.ok()) label = match(json.value().path(field).asString(""), labels);
        } else {
          label = match(text, labels);
        }
        return label.<StructuredOutput.Answer>map(l -> new StructuredOutput.Answer(JsonNodeFactory.instance.stringNode(l),
            List.of())).orElseGet(() -> new StructuredOutput.Answer(null, List.of(Violation.of("/" + field, "llm.no_label",
            "the answer names none of the labels"))));
      }

      @Override
      public String correction(List<Violation> errors) {
        return "That is not one of the labels. Answer with exactly one of: " + String.join(", ", labels);
      }

      @Override
      public NodeFailure failure(List<Violation> errors, String answer, LlmReply total) {
        ObjectNode details = Json.object();
        details.put("answer", LlmNodes.preview(answer));
        details.set("labels", Json.MAPPER.valueToTree(labels));
        details.set("llm", total.usage());
        return new NodeFailure("llm.invalid_output", "the model answered no label twice", false, details);
      }
    };
  }

  /** A dry run leaves on every label's port, so every branch is reached. */
  @Override
  public NodeResult sample(LlmClassifyNodeConfig config, NodeContext ctx) {
    String first = config.labels().getFirst().name();
    return new NodeResult(LlmNodes.sample(llm.models(), config.model(), "label", JsonNodeFactory.instance.stringNode(first)),
        ports(config), null);
  }

  /** The label an answer names: case-insensitive, ignoring surrounding quotes, markup and punctuation. */
  static Optional<String> match(String answer, List<String> labels) {
    String a = answer == null ? "" : answer.strip().replaceAll("^[\\s\"'`*_.:;,!?()\\[\\]]+|[\\s\"'`*_.:;,!?()\\[\\]]+$", "");
    a = a.replaceFirst("(?i)^(label|sentiment|answer)\\s*:\\s*", "");
    for (String l : labels) {
      if (l.equalsIgnoreCase(a)) return Optional.of(l);
    }
    return Optional.empty();
  }
}
