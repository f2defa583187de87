package dev.weft.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.ai.ScriptedModels;
import dev.weft.definition.Json;
import dev.weft.validate.ValidationReport;
import dev.weft.node.JsonSchemas;
import dev.weft.node.llm.LlmClassifyNode;
import dev.weft.node.llm.LlmExtractNode;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * The examples under examples/ are documentation that must not rot: each one is valid, and each one
 * that needs no network completes when run with its {@code .input.json}. Their {@code llm.*} nodes get
 * a scripted model: the first label when asked to classify, a value synthesised from the schema when
 * asked to extract, and a fixed text otherwise.
 */
class ExamplesTest {
  private static EngineTestSupport t;

  @BeforeAll
  static void setUp() {
    t = new EngineTestSupport(ScriptedModels.client(ExamplesTest::answer));
  }

  @AfterAll
  static void tearDown() {
    t.close();
  }

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("examples"))) {
      List<Path> list = files.filter(p -> p.toString().endsWith(".json") && !p.toString().endsWith(".input.json"))
          .sorted().toList();
      assertThat(list).isNotEmpty();
      return list.stream();
    }
  }

  static String answer(Prompt prompt) {
    String system = prompt.getSystemMessage() == null ? "" : prompt.getSystemMessage().getText();
    if (system.contains(LlmClassifyNode.ANSWER_RULE)) {
      Matcher first = Pattern.compile("(?m)^- ([a-z][a-z0-9_-]*)").matcher(system.substring(system.indexOf(LlmClassifyNode.ANSWER_RULE)));
      return first.find() ? first.group(1) : "";
    }
    int schema = system.indexOf(LlmExtractNode.ANSWER_RULE);
    if (schema >= 0) {
      String rest = system.substring(schema + LlmExtractNode.ANSWER_RULE.length()).strip();
      return JsonSchemas.sample(Json.parse(rest.split("\n\n", 2)[0])).toString();
    }
    return "A scripted answer.";
  }

  @ParameterizedTest
  @MethodSource("examples")
  void exampleIsValidAndCompletes(Path file) throws IOException {
    ValidationReport report = t.validator.validate(Files.readString(file));
    assertThat(report.errors()).as(file + " violations").isEmpty();
    if (report.definition().nodes().stream().anyMatch(n -> n.type().equals("http"))) return;
    Path inputFile = Path.of(file.toString().replaceFirst("\\.json$", ".input.json"));
    String input = Files.exists(inputFile) ? Files.readString(inputFile) : "{}";
    WorkflowStub run = t.start(Files.readString(file), input);
    run.getResult(RunResult.class);
    RunState state = t.state(run);
    assertThat(state.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(state.output()).isNotNull();
    assertThat(Json.sizeOf(state.output())).isGreaterThan(2);
  }

  @Test
  void ticketTriageExtractsTheInvoiceOfTheLabelItRoutesTo() throws IOException {
    WorkflowStub run = t.start(Files.readString(Path.of("examples/ticket-triage.json")),
        Files.readString(Path.of("examples/ticket-triage.input.json")));

    RunResult r = run.getResult(RunResult.class);

    // The scripted model picks the first label (billing) and the schema's sample.
    assertThat(r.output().get("label").stringValue()).isEqualTo("billing");
    assertThat(r.output().at("/route/queue").stringValue()).isEqualTo("billing");
    assertThat(r.output().at("/route/invoice/request").stringValue()).isEqualTo("refund");
    RunState s = t.state(run);
    assertThat(s.nodes().get("bug-route").status()).isEqualTo(NodeStatus.SKIPPED);
    assertThat(s.nodes().get("other-route").status()).isEqualTo(NodeStatus.SKIPPED);
  }

  @Test
  void theJavaScriptExampleTotalsPerCustomerAndLogs() throws IOException {
    WorkflowStub run = t.start(Files.readString(Path.of("examples/order-totals-js.json")),
        Files.readString(Path.of("examples/order-totals-js.input.json")));

    RunResult r = run.getResult(RunResult.class);

    assertThat(r.output().get("totals")).isEqualTo(Json.parse("{\"ada\": 40, \"grace\": 99}"));
    assertThat(r.output().get("text").stringValue()).isEqualTo("Top customer: grace (99 EUR)");
  }

  @Test
  void thePythonExampleComputesStatisticsWithTheStandardLibrary() throws IOException {
    WorkflowStub run = t.start(Files.readString(Path.of("examples/csv-stats-python.json")),
        Files.readString(Path.of("examples/csv-stats-python.input.json")));

    RunResult r = run.getResult(RunResult.class);

    assertThat(r.output()).isEqualTo(Json.parse("""
        {"rows": 4, "mean": 140.0, "median": 110.0, "large": ["a-1", "a-4"]}"""));
  }
}
