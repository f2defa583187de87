package dev.weft.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** Reading the v1 format into records, and the structural violations found on the way. */
class DefinitionReaderTest {
  private static final DefinitionReader READER = new DefinitionReader(DefinitionLimits.DEFAULTS);

  private static List<String> pairs(ParsedDefinition p) {
    return p.violations().stream().map(v -> v.code() + " " + v.path()).toList();
  }

  @Test
  void readsEveryPartIntoRecords() {
    ParsedDefinition p = READER.read("""
        {
          "name": "Expense approval",
          "description": "Large expenses are flagged",
          "trigger": {"type": "webhook", "path": "expenses/new", "wait": "10s", "timezone": "Europe/Berlin"},
          "nodes": [
            {"id": "fetch", "type": "http", "name": "Fetch expense",
             "config": {"url": "https://erp.example/expenses/{{ input.id }}"},
             "timeout": "30s",
             "retry": {"maxAttempts": 3, "initialInterval": "1s", "backoffCoefficient": 2, "maxInterval": "1m",
                       "nonRetryableErrors": ["http.status"]},
             "onError": "branch"},
            {"id": "big", "type": "if", "config": {"condition": "nodes.fetch.output.body.amount > 1000"}}
          ],
          "edges": [
            {"from": "fetch", "to": "big"},
            {"from": "fetch", "port": "error", "to": "big"}
          ]
        }
        """);

    assertThat(p.violations()).isEmpty();
    WorkflowDefinition d = p.definition();
    assertThat(d.name()).isEqualTo("Expense approval");
    assertThat(d.description()).isEqualTo("Large expenses are flagged");
    assertThat(d.trigger()).isEqualTo(new TriggerDef("webhook", "expenses/new", "10s", null, null, "Europe/Berlin"));
    NodeDef fetch = d.nodes().get(0);
    assertThat(fetch.id()).isEqualTo("fetch");
    assertThat(fetch.type()).isEqualTo("http");
    assertThat(fetch.name()).isEqualTo("Fetch expense");
    assertThat(fetch.config().get("url").stringValue()).isEqualTo("https://erp.example/expenses/{{ input.id }}");
    assertThat(fetch.timeoutOrDefault()).isEqualTo(Duration.ofSeconds(30));
    assertThat(fetch.retry()).isEqualTo(new RetryDef(3, "1s", 2.0, "1m", List.of("http.status")));
    assertThat(fetch.onErrorMode()).isEqualTo(OnError.BRANCH);
    assertThat(d.nodes().get(1).config().get("condition").stringValue()).isEqualTo("nodes.fetch.output.body.amount > 1000");
    assertThat(d.edges()).containsExactly(new EdgeDef("fetch", null, "big"), new EdgeDef("fetch", "error", "big"));
    assertThat(d.edges()).extracting(EdgeDef::portOrMain).containsExactly("main", "error");
    assertThat(d.node("big")).isPresent();
    assertThat(p.raw().get("nodes").size()).isEqualTo(2);
  }

  @Test
  void aWebhooksVerifyAndBodyLimitAreReadAndSurviveTheStoredForm() {
    ParsedDefinition p = READER.read("""
        {"name": "Hook", "nodes": [{"id": "a", "type": "respond"}],
         "trigger": {"type": "webhook", "path": "in", "maxBodyBytes": 1024,
           "verify": {"type": "hmac", "format": "stripe", "credential": "stripe-hook", "toleranceSeconds": 60}}}
        """);

    assertThat(p.violations()).isEmpty();
    TriggerDef t = p.definition().trigger();
    assertThat(t.maxBodyBytes()).isEqualTo(1024);
    assertThat(t.verify()).isEqualTo(new WebhookVerify("hmac", "stripe", "stripe-hook", null, null, null, null, 60));
    assertThat(t.verify().headerOrDefault()).isEqualTo("Stripe-Signature");
    // Versions are stored as the records' JSON and read back with Jackson.
    WorkflowDefinition back = Json.MAPPER.treeToValue(Json.MAPPER.valueToTree(p.definition()), WorkflowDefinition.class);
    assertThat(back.trigger()).isEqualTo(t);
    assertThat(Json.MAPPER.valueToTree(TriggerDef.MANUAL).toString()).isEqualTo("{\"type\":\"manual\"}");
  }

  @Test
  void absentAndNullOptionalPartsTakeTheirDefaults() {
    ParsedDefinition p = READER.read("""
        {"name": "Echo", "description": null, "trigger": null, "edges": null,
         "nodes": [{"id": "a", "type": "respond", "config": null, "retry": null, "timeout": null, "onError": null},
                   {"id": "b", "type": "respond"}]}
        """);

    assertThat(p.violations()).isEmpty();
    WorkflowDefinition d = p.definition();
    assertThat(d.description()).isNull();
    assertThat(d.trigger()).isEqualTo(TriggerDef.MANUAL);
    assertThat(d.edges()).isEmpty();
    for (NodeDef n : d.nodes()) {
      assertThat(n.config().isObject()).isTrue();
      assertThat(n.config().isEmpty()).isTrue();
      assertThat(n.retry()).isNull();
      assertThat(n.timeoutOrDefault()).isEqualTo(NodeDef.DEFAULT_TIMEOUT);
      assertThat(n.onErrorMode()).isEqualTo(OnError.FAIL);
    }
  }

  @Test
  void leavesMeaningToTheValidator() {
    ParsedDefinition p = READER.read("""
        {"name": "Nonsense that is well-formed", "trigger": {"type": "carrier-pigeon"},
         "nodes": [{"id": "Not An Id", "type": "teleport", "config": {"anything": [1, 2]}, "timeout": "soon",
                    "retry": {"maxAttempts": -4}, "onError": "shrug"}],
         "edges": [{"from": "x", "port": "?", "to": "y"}]}
        """);

    assertThat(p.violations()).isEmpty();
    assertThat(p.definition().nodes()).singleElement().satisfies(n -> {
      assertThat(n.id()).isEqualTo("Not An Id");
      assertThat(n.retry().maxAttempts()).isEqualTo(-4);
      assertThat(n.onError()).isEqualTo("shrug");
    });
  }

  @Test
  void collectsEveryStructuralProblemInOneRead() {
    ParsedDefinition p = READER.read("""
        {"description": 7, "extra": true, "trigger": {"path": "x", "token": "t"},
         "nodes": [{"id": 1, "type": "set", "config": [], "retry": {"maxAttempts": 3.0, "backoffCoefficient": "x"}},
                   {"type": "respond", "name": false},
                   null],
         "edges": [{"from": "a"}, "a>b", {"from": "a", "to": "b", "weight": 1}]}
        """);

    assertThat(pairs(p)).containsExactlyInAnyOrder(
        "definition.unknown_field /extra",
        "definition.required /name",
        "json.type /description",
        "definition.unknown_field /trigger/token",
        "definition.required /trigger/type",
        "json.type /nodes/0/id",
        "json.type /nodes/0/config",
        "json.type /nodes/0/retry/maxAttempts",
        "json.type /nodes/0/retry/backoffCoefficient",
        "definition.required /nodes/1/id",
        "json.type /nodes/1/name",
        "json.type /nodes/2",
        "definition.required /edges/0/to",
        "json.type /edges/1",
        "definition.unknown_field /edges/2/weight");
    assertThat(p.definition().nodes()).hasSize(3);
    assertThat(p.definition().edges()).hasSize(3);
    assertThat(p.definition().nodes().get(0).config().isObject()).isTrue();
  }

  @Test
  void escapesFieldNamesInPointers() {
    ParsedDefinition p = READER.read("""
        {"name": "x", "a/b": 1, "c~d": 2, "nodes": [{"id": "a", "type": "respond", "~/": 3}]}
        """);

    assertThat(pairs(p)).containsExactlyInAnyOrder(
        "definition.unknown_field /a~1b", "definition.unknown_field /c~0d", "definition.unknown_field /nodes/0/~0~1");
  }

  @Test
  void nodesAndEdgesOfTheWrongShapeAreNotRead() {
    assertThat(pairs(READER.read("{\"name\": \"x\", \"nodes\": {}}"))).containsExactly("json.type /nodes");
    assertThat(pairs(READER.read("{\"name\": \"x\", \"nodes\": []}"))).containsExactly("definition.no_nodes /nodes");
    assertThat(pairs(READER.read("{\"name\": \"x\"}"))).containsExactly("definition.required /nodes");
    ParsedDefinition edges =
        READER.read("{\"name\": \"x\", \"nodes\": [{\"id\": \"a\", \"type\": \"respond\"}], \"edges\": \"a>a\"}");
    assertThat(pairs(edges)).containsExactly("json.type /edges");
    assertThat(edges.definition().edges()).isEmpty();
  }

  @Test
  void enforcesItsLimitsAtTheBoundary() {
    DefinitionReader small = new DefinitionReader(new DefinitionLimits(10_000, 2, 1, 5));
    String atLimits = """
        {"name": "abcde", "nodes": [{"id": "a", "type": "set"}, {"id": "b", "type": "set"}], "edges": [{"from": "a", "to": "b"}]}
        """;
    String overLimits = """
        {"name": "abcdef", "nodes": [{"id": "a", "type": "set"}, {"id": "b", "type": "set"}, {"id": "c", "type": "set"}],
         "edges": [{"from": "a", "to": "b"}, {"from": "b", "to": "c"}]}
        """;

    assertThat(small.read(atLimits).violations()).isEmpty();
    ParsedDefinition over = small.read(overLimits);
    assertThat(pairs(over)).containsExactlyInAnyOrder("limit.name_length /name", "limit.nodes /nodes", "limit.edges /edges");
    assertThat(over.definition().nodes()).isEmpty();
    assertThat(over.definition().edges()).isEmpty();
  }

  @Test
  void textOverTheByteLimitIsNotParsed() {
    DefinitionReader small = new DefinitionReader(new DefinitionLimits(64, 500, 2_000, 200));
    String fits = "{\"name\": \"é\", \"nodes\": [{\"id\": \"a\", \"type\": \"set\"}]}";
    String tooBig = fits.replace("é", "éééééééééé");

    assertThat(small.read(fits).violations()).isEmpty();
    assertThat(tooBig.length()).isLessThanOrEqualTo(64);
    ParsedDefinition p = small.read(tooBig);
    assertThat(pairs(p)).containsExactly("limit.size ");
    assertThat(p.raw()).isNull();
    assertThat(p.definition().nodes()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "{", "{\"name\": \"x\",}", "{\"name\": \"x\"} trailing", "[1, 2"})
  void malformedTextIsOneSyntaxViolation(String text) {
    ParsedDefinition p = READER.read(text);

    assertThat(p.violations()).extracting(Violation::code, Violation::path).containsExactly(tuple("json.syntax", ""));
    assertThat(p.raw()).isNull();
    assertThat(p.definition().trigger()).isEqualTo(TriggerDef.MANUAL);
    assertThat(p.definition().nodes()).isEmpty();
  }

  @Test
  void aRootThatIsNotAnObjectIsOneTypeViolation() {
    ParsedDefinition array = READER.read("[{\"name\": \"x\"}]");

    assertThat(pairs(array)).containsExactly("json.type ");
    assertThat(array.raw().isArray()).isTrue();
    assertThat(pairs(READER.read((JsonNode) null))).containsExactly("json.type ");
  }
}
