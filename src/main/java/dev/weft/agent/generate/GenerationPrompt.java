package dev.weft.agent.generate;

import dev.weft.ai.PromptBudget;
import dev.weft.ai.PromptText;
import dev.weft.domain.DomainException;
import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.node.NodeRegistry;
import dev.weft.node.NodeType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The words of workflow generation: a system prompt with the definition format (a classpath resource),
 * the node catalogue derived from the registry at run time (each type's description, ports and config
 * schema) and worked examples; the user's request and the current definition as delimited data; and
 * the repair message that hands violations back.
 *
 * <p>The system prompt is assembled per request under a token budget (the profile's {@code context-tokens}
 * minus the answer's): the types the request needs (retrieved by matching its words against each type's
 * id, hints and description; a modified definition's own types always) come first, then the format's
 * trigger and node sections, the other needed types, the basic types, the other sections, worked examples
 * that use only offered types, and the rest of the catalogue, each part only when it still fits.
 */
final class GenerationPrompt {
  static final String FORMAT_RESOURCE = "ai/definition-format.md";
  /** The examples, from the repository's examples/ folder: the name of NAME.json and NAME.input.json. */
  static final List<String> EXAMPLES = List.of("hello", "expense-approval", "webhook-signup", "order-totals-js",
      "csv-stats-python", "paginated-fetch", "order-items-foreach", "parent-child");
  /** Types offered whenever they fit: most workflows shape data, branch and answer. */
  static final List<String> BASICS = List.of("set", "if", "respond");
  /** Words that call for a type beyond its id and description (matched as word prefixes). */
  static final Map<String, List<String>> HINTS = Map.ofEntries(
      Map.entry("http", List.of("api", "url", "fetch", "call", "request", "endpoint", "rest", "download", "post", "webhook")),
      Map.entry("approval", List.of("approv", "manager", "sign-off", "review", "human", "confirm")),
      Map.entry("code", List.of("javascript", "python", "script", "compute", "calculat", "sum", "total", "parse", "csv")),
      Map.entry("delay", List.of("wait", "sleep", "later", "pause")),
      Map.entry("filter", List.of("only", "keep", "drop", "exclude", "remove")),
      Map.entry("form", List.of("fields", "submit", "questionnaire", "survey")),
      Map.entry("loop", List.of("each", "paginat", "page", "repeat", "iterat", "until")),
      Map.entry("merge", List.of("combine", "join")),
      Map.entry("switch", List.of("route", "cases", "depending", "categor")),
      Map.entry("subworkflow", List.of("sub-workflow", "child", "another workflow", "other workflow")),
      Map.entry("llm.chat", List.of("llm", "gpt", "model", "ask", "draft", "write", "reply", "translat", "generat")),
      Map.entry("llm.classify", List.of("classif", "categor", "label", "triage", "sort")),
      Map.entry("llm.extract", List.of("extract", "pull out", "structured", "fields from")),
      Map.entry("llm.summarize", List.of("summar", "digest", "tldr", "shorten")),
      Map.entry("llm.sentiment", List.of("sentiment", "positive", "negative", "mood", "tone", "angry", "happy")));
  /** The format's sections that only matter with a type, by title prefix. */
  private static final Map<String, String> TYPE_SECTIONS = Map.of("Code nodes", "code", "Loops", "loop",
      "Sub-workflows", "subworkflow");
  private static final Set<String> STOPWORDS = Set.of("about", "after", "their", "there", "these", "which", "while",
      "where", "other", "output", "input", "value", "values", "items", "first", "every", "given", "default", "config",
      "string", "within", "retryable", "without", "before", "workflow", "workflows", "should", "would", "could");
  private static final Pattern WORD = Pattern.compile("[a-z][a-z0-9-]*");

  private final NodeRegistry registry;
  private final String header;
  /** The format's text before its first section. */
  private final String intro;
  /** The format's sections by title, in the document's order. */
  private final LinkedHashMap<String, String> sections = new LinkedHashMap<>();
  /** Each type's catalogue entry, by type id. */
  private final Map<String, String> entries = new LinkedHashMap<>();
  private final Map<String, String> descriptions = new LinkedHashMap<>();
  private final List<Example> examples = new ArrayList<>();

  private record Example(String text, Set<String> types) {}

  /** One system prompt: its text, the types it offers, and its estimated tokens against the budget. */
  record Assembled(String system, List<String> types, int tokens, int budget) {}

  GenerationPrompt(NodeRegistry registry) {
    this.registry = registry;
    this.header = """
        You design workflows for Weft, a durable workflow-automation service. You answer with ONE JSON object and \
        nothing else (no prose, no code fences): {"definition": <the workflow definition>, "sampleInput": <a realistic \
        input for one run, matching what the definition reads from input>}. Use only the node types of the catalogue below.
        %s
        """.formatted(PromptText.DATA_RULE);
    String format = resource(FORMAT_RESOURCE);
    String[] parts = format.split("(?m)^(?=## )");
    this.intro = parts[0].strip();
    for (int i = 1; i < parts.length; i++) {
      String title = parts[i].substring(3, parts[i].indexOf('\n') < 0 ? parts[i].length() : parts[i].indexOf('\n')).strip();
      sections.put(title, parts[i].strip());
    }
    for (NodeRegistry.Descriptor d : registry.catalogue()) {
      entries.put(d.type(), "### `" + d.type() + "` (" + d.kind().toLowerCase() + ")\n" + d.description() + "\n"
          + "Ports: " + ports(registry.get(d.type()).type()) + "\n" + "Config schema: " + d.configSchema());
      descriptions.put(d.type(), d.description() == null ? "" : d.description());
    }
    for (String name : EXAMPLES) {
      JsonNode def = Json.parse(resource("ai/examples/" + name + ".json"));
      ObjectNode answer = Json.object();
      answer.set("definition", def);
      answer.set("sampleInput", Json.parse(resource("ai/examples/" + name + ".input.json")));
      Set<String> types = new TreeSet<>();
      def.path("nodes").forEach(n -> types.add(n.path("type").asString("")));
      examples.add(new Example("Request: " + def.path("description").asString(def.path("name").asString()) + "\n"
          + "Answer: " + answer, types));
    }
  }

  /**
   * The system prompt for a request whose user message is {@code user}, under {@code budget} tokens for
   * the whole prompt (system and user message).
   *
   * @param current the definition being modified (its types are always offered), or null
   * @throws DomainException 400 {@code generate.context_exceeded} when the request itself leaves no room
   */
  Assembled assemble(String request, String user, JsonNode current, int budget) {
    List<String> needed = needed(request, current);
    int used = PromptBudget.tokens(user) + PromptBudget.tokens(header) + PromptBudget.tokens(intro);
    if (used > budget) {
      throw DomainException.invalid("/prompt", "generate.context_exceeded", "the request takes about " + used
          + " tokens of the model profile's prompt budget of " + budget + " (context-tokens minus the answer's);"
          + " shorten it or use a profile with a larger context");
    }
    Set<String> types = new LinkedHashSet<>();
    Set<String> sectionsIn = new LinkedHashSet<>();
    List<String> examplesIn = new ArrayList<>();
    int[] left = {budget - used};
    java.util.function.Predicate<String> fits = text -> {
      int t = PromptBudget.tokens(text) + 1;
      if (t > left[0]) return false;
      left[0] -= t;
      return true;
    };
    String catalogueHeading = "## Node catalogue\nEach type: its kind, what it does, its ports, and the JSON schema its"
        + " config must match.";
    String examplesHeading = "## Worked examples";
    fits.test(catalogueHeading);
    if (!needed.isEmpty() && fits.test(entries.get(needed.getFirst()))) types.add(needed.getFirst());
    for (String title : List.of("Trigger", "Nodes")) {
      if (sections.containsKey(title) && fits.test(sections.get(title))) sectionsIn.add(title);
    }
    for (String t : needed) {
      if (!types.contains(t) && fits.test(entries.get(t))) types.add(t);
    }
    for (String t : BASICS) {
      if (entries.containsKey(t) && !types.contains(t) && fits.test(entries.get(t))) types.add(t);
    }
    for (String title : sections.keySet()) {
      String only = typeOf(title);
      if (sectionsIn.contains(title) || (only != null && !types.contains(only))) continue;
      if (fits.test(sections.get(title))) sectionsIn.add(title);
    }
    boolean examplesStarted = false;
    List<Example> bySize = examples.stream().sorted(java.util.Comparator.comparingInt(e -> e.text().length())).toList();
    for (Example e : bySize) {
      if (!types.containsAll(e.types())) continue;
      if (!examplesStarted) {
        if (!fits.test(examplesHeading)) break;
        examplesStarted = true;
      }
      if (fits.test(e.text())) examplesIn.add(e.text());
    }
    for (String t : entries.keySet()) {
      if (!types.contains(t) && fits.test(entries.get(t))) types.add(t);
    }
    StringBuilder b = new StringBuilder(header).append('\n').append(intro).append("\n\n");
    for (String title : sections.keySet()) {
      if (sectionsIn.contains(title)) b.append(sections.get(title)).append("\n\n");
    }
    b.append(catalogueHeading).append("\n\n");
    for (String t : entries.keySet()) {
      if (types.contains(t)) b.append(entries.get(t)).append("\n\n");
    }
    if (!examplesIn.isEmpty()) {
      b.append(examplesHeading).append("\n");
      examplesIn.forEach(e -> b.append(e).append("\n\n"));
    }
    String system = b.toString().strip() + "\n";
    List<String> offered = entries.keySet().stream().filter(types::contains).toList();
    return new Assembled(system, offered, PromptBudget.tokens(system) + PromptBudget.tokens(user), budget);
  }

  /** The types a request needs, best match first: a modified definition's own types, then by score. */
  List<String> needed(String request, JsonNode current) {
    Map<String, Integer> score = new LinkedHashMap<>();
    if (current != null) {
      current.path("nodes").forEach(n -> {
        String t = n.path("type").asString("");
        if (entries.containsKey(t)) score.merge(t, 1000, Integer::sum);
      });
    }
    String text = request == null ? "" : request.toLowerCase(java.util.Locale.ROOT);
    Set<String> words = new LinkedHashSet<>();
    Matcher m = WORD.matcher(text);
    while (m.find()) words.add(m.group());
    for (String type : entries.keySet()) {
      int s = 0;
      for (String part : type.split("\\.")) {
        if (!part.equals("llm") && words.stream().anyMatch(w -> w.startsWith(part))) s += 3;
      }
      for (String hint : HINTS.getOrDefault(type, List.of())) {
        if (hint.contains(" ") ? text.contains(hint) : words.stream().anyMatch(w -> w.startsWith(hint))) s += 2;
      }
      Matcher d = WORD.matcher(descriptions.get(type).toLowerCase(java.util.Locale.ROOT));
      Set<String> described = new LinkedHashSet<>();
      while (d.find()) {
        if (d.group().length() >= 5 && !STOPWORDS.contains(d.group())) described.add(d.group());
      }
      for (String w : described) {
        if (words.contains(w)) s += 1;
      }
      if (s >= 2) score.merge(type, s, Integer::sum);
    }
    return score.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .map(Map.Entry::getKey).toList();
  }

  private static String typeOf(String sectionTitle) {
    return TYPE_SECTIONS.entrySet().stream().filter(e -> sectionTitle.startsWith(e.getKey())).map(Map.Entry::getValue)
        .findFirst().orElse(null);
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

  /** The ports of a type's config without optional fields; types whose ports come from their config say so. */
  private static <C extends Record> String ports(NodeType<C> type) {
    try {
      List<String> ports = type.ports(Json.MAPPER.treeToValue(Json.object(), type.configClass()));
      return String.join(", ", ports) + (ports.contains("main") ? "" : " (and any the config names, see the format)");
    } catch (RuntimeException e) {
      return "as the config defines (see the format)";
    }
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
