package dev.weft.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.TestRegistries;
import dev.weft.definition.DefinitionLimits;
import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs the validator over the fixtures in {@code definitions/valid} (no violation allowed) and
 * {@code definitions/invalid} (exactly the {@code expect}ed code/path pairs), plus the cases that only
 * raw text or generated definitions can produce.
 */
class DefinitionValidatorTest {
  private static final DefinitionValidator VALIDATOR = TestRegistries.validator();

  /** Codes only raw text or generated definitions produce: covered by the plain tests below, not by fixtures. */
  private static final Set<String> CODES_WITHOUT_FIXTURE = Set.of("json.syntax", "limit.size", "limit.nodes", "limit.edges");

  /** Every code the validator and the built-in node types emit at save time. */
  private static final Set<String> ALL_CODES = Set.of(
      "json.syntax", "json.type", "limit.size", "limit.nodes", "limit.edges", "limit.name_length", "limit.expression",
      "definition.required", "definition.unknown_field", "definition.id_invalid", "definition.no_nodes",
      "node.id_invalid", "node.id_duplicate", "node.type_unknown", "node.on_error_invalid", "node.execution_invalid",
      "config.required", "config.invalid", "config.unknown_field",
      "edge.unknown_node", "edge.unknown_port", "edge.duplicate",
      "graph.cycle", "graph.unreachable",
      "expr.syntax", "expr.unknown_variable", "expr.unknown_node", "expr.not_upstream",
      "duration.invalid", "retry.invalid",
      "trigger.type_unknown", "trigger.path_invalid", "trigger.schedule_invalid", "trigger.cron_invalid", "trigger.timezone_invalid", "trigger.verify_invalid", "trigger.max_body_invalid", "node.error_edge_missing", "expr.dynamic_node",
      "switch.case_duplicate", "switch.case_reserved",
      "delay.invalid", "delay.too_long", "delay.until_invalid",
      "http.url_invalid", "http.idempotency_header_invalid", "code.syntax",
      "approval.approver_invalid", "approval.timeout_required", "approval.escalation_required",
      "approval.escalation_unused", "approval.reminder_too_frequent", "approval.quorum_unreachable",
      "form.schema_invalid", "form.too_many_fields", "form.field_invalid", "form.field_type", "form.required_unknown",
      "form.assignee_invalid",
      "llm.unknown_model", "llm.label_duplicate", "llm.label_reserved", "llm.schema_invalid",
      "loop.items_required", "loop.until_required", "loop.max_iterations_required", "loop.field_unused", "loop.body_empty",
      "loop.reads_later_node", "loop.body_private", "loop.too_deep", "loop.ask_unsupported",
      "agent.tool_name", "agent.tool_duplicate", "agent.parameters_required", "agent.tool_field_required",
      "agent.tool_field_unused", "agent.schema_invalid", "agent.tool_unknown", "agent.approver_invalid",
      "definition.input_schema_invalid", "definition.input_schema_schedule");

  /** What a test asserts about a violation: never its message text. */
  record Finding(String code, String path) implements Comparable<Finding> {
    static Finding of(Violation v) {
      return new Finding(v.code(), v.path());
    }

    @Override
    public int compareTo(Finding o) {
      int c = path.compareTo(o.path);
      return c != 0 ? c : code.compareTo(o.code);
    }

    @Override
    public String toString() {
      return code + " at " + (path.isEmpty() ? "(root)" : path);
    }
  }

  static Stream<Named<Path>> validDefinitions() {
    return fixtures("definitions/valid");
  }

  static Stream<Named<Path>> invalidDefinitions() {
    return fixtures("definitions/invalid");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validDefinitions")
  void validDefinitionHasNoViolation(Path file) throws IOException {
    ValidationReport report = VALIDATOR.validate(Files.readString(file));

    assertThat(report.errors()).as(file.getFileName().toString()).isEmpty();
    assertThat(report.valid()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidDefinitions")
  void invalidDefinitionHasExactlyTheExpectedViolations(Path file) throws IOException {
    ObjectNode definition = (ObjectNode) Json.parse(Files.readString(file));
    Set<Finding> expected = expectations(file, definition.remove("expect"));

    ValidationReport fromTree = VALIDATOR.validate(definition);
    ValidationReport fromText = VALIDATOR.validate(Json.MAPPER.writeValueAsString(definition));

    assertThat(findings(fromTree.errors())).as(file.getFileName().toString())
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(findings(fromText.errors())).as("the same definition read from text").isEqualTo(findings(fromTree.errors()));
    assertThat(fromTree.valid()).isFalse();
    assertThat(fromTree.errors()).allSatisfy(v -> assertThat(v.message()).isNotBlank());
  }

  @Test
  void invalidFixturesCoverEveryCodeAndValidFixturesEveryNodeTypeAndTrigger() throws IOException {
    Set<String> covered = new TreeSet<>();
    for (Path file : invalidDefinitions().map(Named::getPayload).toList()) {
      Json.parse(Files.readString(file)).get("expect").forEach(e -> covered.add(e.get("code").stringValue()));
    }
    Set<String> nodeTypes = new TreeSet<>();
    Set<String> triggers = new TreeSet<>();
    for (Path file : validDefinitions().map(Named::getPayload).toList()) {
      JsonNode def = Json.parse(Files.readString(file));
      def.get("nodes").forEach(n -> nodeTypes.add(n.get("type").stringValue()));
      JsonNode trigger = def.get("trigger");
      triggers.add(trigger == null ? "manual" : trigger.get("type").stringValue());
    }

    Set<String> missing = new TreeSet<>(ALL_CODES);
    missing.removeAll(CODES_WITHOUT_FIXTURE);
    missing.removeAll(covered);
    assertThat(missing).as("codes no invalid fixture expects").isEmpty();
    assertThat(covered).as("codes the fixtures expect").isSubsetOf(ALL_CODES);
    assertThat(nodeTypes).containsExactlyInAnyOrderElementsOf(
        TestRegistries.registry().catalogue().stream().map(d -> d.type()).toList());
    assertThat(triggers).containsExactlyInAnyOrder("manual", "webhook", "schedule", "chat");
    assertThat(invalidDefinitions().count()).isGreaterThanOrEqualTo(35);
    assertThat(validDefinitions().count()).isGreaterThanOrEqualTo(8);
  }

  @Test
  void everyViolationOfAMultiErrorDefinitionComesBackFromOneCall() throws IOException {
    Path file = invalidDefinitions().map(Named::getPayload)
        .filter(p -> p.getFileName().toString().equals("many-errors-one-pass.json")).findFirst().orElseThrow();
    ObjectNode definition = (ObjectNode) Json.parse(Files.readString(file));
    Set<Finding> expected = expectations(file, definition.remove("expect"));

    List<Violation> errors = VALIDATOR.validate(definition).errors();

    assertThat(findings(errors)).containsExactlyInAnyOrderElementsOf(expected);
    Set<String> families = errors.stream().map(v -> v.code().substring(0, v.code().indexOf('.')))
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(families).contains("definition", "trigger", "node", "retry", "duration", "config", "switch", "delay",
        "edge", "graph", "expr");
    assertThat(VALIDATOR.validate(definition).errors()).as("a second call finds the same, in the same order")
        .isEqualTo(errors);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "\n\t", "{", "{\"name\": }", "name: Echo", "{\"name\": \"Echo\"} {\"name\": \"Twice\"}",
      "{\"name\": \"Echo\", \"nodes\": [{\"id\": \"a\", \"type\": \"respond\"}]]", "{'name': 'single quotes'}"})
  void textThatIsNotOneJsonValueIsASyntaxError(String text) {
    assertThat(findings(VALIDATOR.validate(text).errors())).containsExactly(new Finding("json.syntax", ""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "[{\"name\": \"Echo\"}]", "42", "\"a definition\"", "null", "true"})
  void jsonThatIsNotAnObjectIsATypeError(String text) {
    assertThat(findings(VALIDATOR.validate(text).errors())).containsExactly(new Finding("json.type", ""));
    assertThat(findings(VALIDATOR.validate(Json.parse(text)).errors())).containsExactly(new Finding("json.type", ""));
  }

  @Test
  void textOverTheSizeLimitIsRejectedBeforeParsing() {
    int max = DefinitionLimits.DEFAULTS.maxBytes();
    String atLimit = padded(max, "x");
    String overLimit = padded(max + 1, "x");

    assertThat(atLimit.getBytes(StandardCharsets.UTF_8)).hasSize(max);
    assertThat(VALIDATOR.validate(atLimit).errors()).isEmpty();
    assertThat(findings(VALIDATOR.validate(overLimit).errors())).containsExactly(new Finding("limit.size", ""));
    assertThat(findings(VALIDATOR.validate("[" + atLimit).errors()))
        .as("too large and malformed: the size is reported, the text is not parsed")
        .containsExactly(new Finding("limit.size", ""));
  }

  @Test
  void theSizeLimitCountsUtf8BytesNotCharacters() {
    int max = DefinitionLimits.DEFAULTS.maxBytes();
    String euros = "€".repeat(max / 3 + 1);
    String text = "{\"name\": \"Euro\", \"description\": \"" + euros
        + "\", \"nodes\": [{\"id\": \"a\", \"type\": \"respond\"}]}";

    assertThat(text.length()).isLessThan(max);
    assertThat(findings(VALIDATOR.validate(text).errors())).containsExactly(new Finding("limit.size", ""));
  }

  @Test
  void moreThanFiveHundredNodesIsOneViolation() {
    int max = DefinitionLimits.DEFAULTS.maxNodes();

    assertThat(VALIDATOR.validate(chain(max)).errors()).as("exactly at the limit").isEmpty();
    assertThat(findings(VALIDATOR.validate(chain(max + 1)).errors()))
        .as("over the limit: one violation, not one per dangling edge")
        .containsExactly(new Finding("limit.nodes", "/nodes"));
  }

  @Test
  void moreThanTwoThousandEdgesIsOneViolation() {
    int max = DefinitionLimits.DEFAULTS.maxEdges();
    ObjectNode def = chain(2);
    ArrayNode edges = def.putArray("edges");
    for (int i = 0; i <= max; i++) {
      edges.addObject().put("from", "n0").put("port", "p" + i).put("to", "n1");
    }

    assertThat(findings(VALIDATOR.validate(def).errors())).containsExactly(new Finding("limit.edges", "/edges"));
  }

  /** {@code n} set nodes chained n0 → n1 → ..., each reading its predecessor. */
  private static ObjectNode chain(int n) {
    ObjectNode def = Json.object();
    def.put("name", "Chain of " + n);
    ArrayNode nodes = def.putArray("nodes");
    ArrayNode edges = def.putArray("edges");
    for (int i = 0; i < n; i++) {
      ObjectNode node = nodes.addObject().put("id", "n" + i).put("type", "set");
      String step = i == 0 ? "{{ input.start }}" : "{{ nodes.n" + (i - 1) + ".output.step }}";
      node.putObject("config").putObject("values").put("step", step);
      if (i > 0) edges.addObject().put("from", "n" + (i - 1)).put("to", "n" + i);
    }
    return def;
  }

  /** A valid one-node definition of exactly {@code bytes} UTF-8 bytes, padded in its description. */
  private static String padded(int bytes, String pad) {
    String head = "{\"name\": \"Padded\", \"nodes\": [{\"id\": \"a\", \"type\": \"respond\"}], \"description\": \"";
    String tail = "\"}";
    return head + pad.repeat(bytes - head.length() - tail.length()) + tail;
  }

  private static Set<Finding> findings(List<Violation> errors) {
    return errors.stream().map(Finding::of).collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<Finding> expectations(Path file, JsonNode expect) {
    if (expect == null || !expect.isArray() || expect.isEmpty()) {
      fail(file.getFileName() + " needs a non-empty \"expect\" array of {code, path}");
    }
    Set<Finding> expected = new TreeSet<>();
    for (JsonNode e : expect) {
      if (!e.path("code").isString() || !e.path("path").isString() || e.size() != 2) {
        fail(file.getFileName() + ": each expectation is exactly {\"code\": ..., \"path\": ...}, got " + e);
      }
      if (!expected.add(new Finding(e.get("code").stringValue(), e.get("path").stringValue()))) {
        fail(file.getFileName() + " expects " + e + " twice");
      }
    }
    return expected;
  }

  private static Stream<Named<Path>> fixtures(String folder) {
    URL url = DefinitionValidatorTest.class.getClassLoader().getResource(folder);
    if (url == null) throw new IllegalStateException("no classpath folder " + folder);
    try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
      List<Named<Path>> out = new ArrayList<>();
      files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted()
          .forEach(p -> out.add(Named.of(p.getFileName().toString(), p)));
      return out.stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
