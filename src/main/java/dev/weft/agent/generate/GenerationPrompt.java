package dev.weft.agent.generate;

import dev.weft.ai.PromptText;
import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.node.NodeRegistry;
import dev.weft.node.NodeType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The words of workflow generation: a system prompt with the definition format (a classpath resource),
 * the node catalogue derived from the registry at run time (each type's description, ports and config
 * schema) and worked examples; the user's request and the current definition as delimited data; and
 * the repair message that hands violations back.
 */
final class GenerationPrompt {
  static final String FORMAT_RESOURCE = "ai/definition-format.md";
  /** The examples, from the repository's examples/ folder: the name of NAME.json and NAME.input.json. */
  static final List<String> EXAMPLES = List.of("hello", "expense-approval", "webhook-signup", "order-totals-js",
      "csv-stats-python", "paginated-fetch", "order-items-foreach", "parent-child");

  private final String system;

  GenerationPrompt(NodeRegistry registry) {
    this.system = """
        You design workflows for Weft, a durable workflow-automation service. You answer with ONE JSON object and \
        nothing else (no prose, no code fences): {"definition": <the workflow definition>, "sampleInput": <a realistic \
        input for one run, matching what the definition reads from input>}.
        %s

        %s
        ## Node catalogue
        Each type: its kind, what it does, its ports, and the JSON schema its config must match.

        %s
        ## Worked examples
        %s""".formatted(PromptText.DATA_RULE, resource(FORMAT_RESOURCE), catalogue(registry), examples());
  }

  String system() {
    return system;
  }

  static String create(String request, JsonNode sampleInput) {
    StringBuilder b = new StringBuilder("Write a workflow for this request:\n").append(PromptText.delimit("request", request));
    if (sampleInput != null) {
      b.append("\nThe dry run uses this input (use it as your sampleInput):\n").append(PromptText.delimit("sampleInput", sampleInput.toString()));
    }
    return b.toString();
  }

  static String modify(String workflowId, JsonNode current, String request, JsonNode sampleInput) {
    StringBuilder b = new StringBuilder("This is the current definition of workflow '").append(workflowId).append("':\n")
        .append(PromptText.delimit("current", current.toString()))
        .append("\nChange it as this request says. Answer with the WHOLE modified definition: keep its id, keep the ids of")
        .append(" nodes that stay, and change nothing the request does not ask for.\n")
        .append(PromptText.delimit("request", request));
    if (sampleInput != null) {
      b.append("\nThe dry run uses this input (use it as your sampleInput):\n").append(PromptText.delimit("sampleInput", sampleInput.toString()));
    }
    return b.toString();
  }

  static String repair(List<Violation> violations) {
    StringBuilder b = new StringBuilder("Your answer has these problems (path code message):\n");
    for (Violation v : violations) {
      b.append("- ").append(v.path().isEmpty() ? "/" : v.path()).append(' ').append(v.code()).append(' ').append(v.message()).append('\n');
    }
    return b.append("Fix every one and answer again with the whole corrected JSON object {\"definition\": ..., \"sampleInput\": ...}")
        .append(" only.").toString();
  }

  private static String catalogue(NodeRegistry registry) {
    StringBuilder b = new StringBuilder();
    for (NodeRegistry.Descriptor d : registry.catalogue()) {
      b.append("### `").append(d.type()).append("` (").append(d.kind().toLowerCase()).append(")\n")
          .append(d.description()).append('\n')
          .append("Ports: ").append(ports(registry.get(d.type()).type())).append('\n')
          .append("Config schema: ").append(d.configSchema()).append("\n\n");
    }
    return b.toString();
  }

  /** The ports of a type's config without optional fields; types whose ports come from their config say so. */
  private static <C extends Record> String ports(NodeType<C> type) {
    try {
      List<String> ports = type.ports(Json.MAPPER.treeToValue(Json.object(), type.configClass()));
      return String.join(", ", ports) + (ports.contains("main") ? "" : " (and any the config names, see the format)");
    } catch (RuntimeException e) {
      return "as the config defines (see the format)";
    }
  }

  private static String examples() {
    StringBuilder b = new StringBuilder();
    for (String name : EXAMPLES) {
      JsonNode def = Json.parse(resource("ai/examples/" + name + ".json"));
      ObjectNode answer = Json.object();
      answer.set("definition", def);
      answer.set("sampleInput", Json.parse(resource("ai/examples/" + name + ".input.json")));
      b.append("Request: ").append(def.path("description").asString(def.path("name").asString())).append('\n')
          .append("Answer: ").append(answer).append("\n\n");
    }
    return b.toString();
  }

  static String resource(String path) {
    try (InputStream in = GenerationPrompt.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException("missing classpath resource " + path);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
