package dev.weft.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ai.ScriptedModels;
import dev.weft.definition.Json;
import dev.weft.validate.ValidationReport;
import dev.weft.node.JsonSchemas;
import dev.weft.node.llm.LlmClassifyNode;
import dev.weft.node.llm.LlmExtractNode;
import io.temporal.client.WorkflowFailedException;
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
import tools.jackson.databind.JsonNode;

/**
 * The examples under examples/ are documentation that must not rot: each one is valid, and each one
 * that needs no network completes when run with its {@code .input.json}. Their {@code llm.*} nodes get
 * a scripted model: the first label when asked to classify, a value synthesised from the schema when
 * asked to extract, and a fixed text otherwise. An example with an {@code "id"} is saved under it first,
 * so the {@code subworkflow} nodes and {@code onFailure} of the others can run it.
 */
class ExamplesTest {
  private static EngineTestSupport t;

  @BeforeAll
  static void setUp() throws IOException {
    t = withSavedExamples();
  }

  /** A test environment in which every example with an {@code "id"} is saved under it. */
  private static EngineTestSupport withSavedExamples() throws IOException {
    EngineTestSupport s = new EngineTestSupport(ScriptedModels.client(ExamplesTest::answer));
    for (Path file : examples().toList()) {
      String json = Files.readString(file);
      JsonNode id = Json.parse(json).get("id");
      if (id != null && id.isString()) s.save(id.stringValue(), json);
    }
    return s;
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
    // Examples that call an API (anywhere, loop bodies included) run in their own tests, against a stub.
    if (Pattern.compile("\"type\"\\s*:\\s*\"http\"").matcher(Files.readString(file)).find()) return;
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

  @Test
  void thePaginatedFetchFollowsTheCursorsOfARealApiAndFlattensThePages() throws IOException {
    // A paged API on 127.0.0.1: GET /customers?cursor=N answers page N with the next cursor, none on the last.
    String[] pages = {
        "{\"items\": [{\"id\": \"c-1\"}, {\"id\": \"c-2\"}], \"next\": 1}",
        "{\"items\": [{\"id\": \"c-3\"}, {\"id\": \"c-4\"}], \"next\": 2}",
        "{\"items\": [{\"id\": \"c-5\"}], \"next\": null}"};
    List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer api = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    api.createContext("/v1/customers", exchange -> {
      String query = exchange.getRequestURI().getQuery();
      asked.add(query);
      byte[] body = pages[Integer.parseInt(query.replace("cursor=", ""))].getBytes(java.nio.charset.StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    api.start();
    try {
      String input = "{\"baseUrl\": \"http://127.0.0.1:" + api.getAddress().getPort() + "/v1\"}";
      WorkflowStub run = t.start(Files.readString(Path.of("examples/paginated-fetch.json")), input);

      JsonNode all = run.getResult(RunResult.class).output().get("all");

      assertThat(all.get("count").asInt()).isEqualTo(5);
      assertThat(all.get("pages").asInt()).isEqualTo(3);
      assertThat(all.get("complete").asBoolean()).isTrue();
      assertThat(all.get("items").findValuesAsString("id")).containsExactly("c-1", "c-2", "c-3", "c-4", "c-5");
      assertThat(asked).containsExactly("cursor=0", "cursor=1", "cursor=2");
      JsonNode loop = t.state(run).nodes().get("pages").output();
      assertThat(loop.get("iterations").asInt()).isEqualTo(3);
      assertThat(loop.get("exhausted").asBoolean()).isFalse();
    } finally {
      api.stop(0);
    }
  }

  @Test
  void theForEachExamplePricesEveryLineInItemOrder() throws IOException {
    WorkflowStub run = t.start(Files.readString(Path.of("examples/order-items-foreach.json")),
        Files.readString(Path.of("examples/order-items-foreach.input.json")));

    JsonNode out = run.getResult(RunResult.class).output();

    assertThat(out.get("orderId").stringValue()).isEqualTo("A-1017");
    assertThat(out.get("lines").findValuesAsString("sku")).containsExactly("pen", "notebook", "stapler", "paper", "tape");
    assertThat(out.get("lines").get(1)).isEqualTo(Json.parse("{\"line\": 2, \"sku\": \"notebook\", \"qty\": 3, \"total\": 11.34}"));
    assertThat(out.get("total").asDouble()).isEqualTo(68.83);
    // Each iteration's node is named with its index.
    assertThat(t.events.of(run.getExecution().getWorkflowId()).stream().map(RunEvent::nodeId))
        .contains("line[0]", "line[4]");
  }

  @Test
  void theParentRunsTheSavedChildAsAChildRun() throws IOException {
    WorkflowStub run = t.start(Files.readString(Path.of("examples/parent-child.json")),
        Files.readString(Path.of("examples/parent-child.input.json")));

    JsonNode out = run.getResult(RunResult.class).output();

    assertThat(out.get("invoiceId").stringValue()).isEqualTo("INV-2041");
    assertThat(out.get("tax")).isEqualTo(Json.parse("""
        {"net": 120, "country": "DE", "rate": 0.19, "tax": 22.8, "gross": 142.8}"""));
    String childId = run.getExecution().getWorkflowId() + ".tax";
    RunState child = t.client.newWorkflowStub(RunWorkflow.class, childId).state();
    assertThat(child.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(child.workflowId()).isEqualTo("child-tax");
  }

  /**
   * In its own test environment: the error workflow outlives the child run that started it, and the
   * time-skipping test server (temporal-testing 1.38.0) keeps time skipping locked once an abandoned
   * child completes after its parent closed, so later runs there would wait for their timers in real
   * time (expense-approval's 72 h, for one).
   */
  @Test
  void aFailingChildFailsTheParentsNodeAndStartsItsErrorWorkflow() throws IOException {
    try (EngineTestSupport own = withSavedExamples()) {
      WorkflowStub run = own.start(Files.readString(Path.of("examples/parent-child.json")),
          "{\"invoiceId\": \"INV-2042\", \"net\": 50, \"country\": \"XX\"}");

      assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);

      String childId = run.getExecution().getWorkflowId() + ".tax";
      NodeError e = own.state(run).nodes().get("tax").error();
      assertThat(e.code()).isEqualTo("expr.eval");
      assertThat(e.message()).startsWith("child run " + childId + " failed: node 'rate' failed");
      assertThat(e.details().get("childRunId").stringValue()).isEqualTo(childId);
      // The child's workflow names error-report in onFailure: the failed child started it.
      WorkflowStub report = own.client.newUntypedWorkflowStub(childId + ".onfailure");
      JsonNode text = report.getResult(RunResult.class).output().get("report");
      assertThat(text.get("code").stringValue()).isEqualTo("expr.eval");
      assertThat(text.get("text").stringValue()).startsWith("Run " + childId + " of child-tax v1 failed at node rate: expr.eval");
    }
  }
}
