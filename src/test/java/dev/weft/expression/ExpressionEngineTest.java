package dev.weft.expression;

import static dev.weft.JsonAssert.assertJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.definition.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The CEL engine: the language Weft offers (arithmetic, comparisons, macros, strings, timestamps), what a
 * compiled expression reads, compile-time codes and limits, and evaluation errors carrying their path.
 */
class ExpressionEngineTest {
  private final ExpressionEngine engine = new ExpressionEngine();
  private final Scope scope = scope();

  private static Scope scope() {
    Map<String, Scope.NodeView> nodes = new LinkedHashMap<>();
    nodes.put("fetch", new Scope.NodeView("COMPLETED", Json.parse("""
        {"status": 200, "body": {"amount": 1500, "items": [{"n": 1}, {"n": 2}, {"n": 3}]}}""")));
    nodes.put("x-y", new Scope.NodeView("COMPLETED", Json.parse("7")));
    nodes.put("skipped", new Scope.NodeView("SKIPPED", null));
    return new Scope(Json.parse("""
        {"a": 1, "b": 2.5, "name": "Ada Lovelace", "tags": ["x", "y"], "ts": "2024-03-05T10:15:00Z",
         "big": 9007199254740993, "nested": {"k": null}}"""),
        nodes, Json.parse("""
        {"id": "run-1", "workflowId": "wf", "version": 3}"""));
  }

  private JsonNode eval(String expression) {
    return engine.evaluate(expression, "/config/x", scope, false);
  }

  private ExpressionException evalFailure(String expression) {
    Throwable[] caught = new Throwable[1];
    assertThatThrownBy(() -> eval(expression)).isInstanceOf(ExpressionException.class).satisfies(t -> caught[0] = t);
    return (ExpressionException) caught[0];
  }

  // --- the language ------------------------------------------------------------------------------

  @Test
  void warmingUpEvaluatesWithoutErrorAndReturnsTheEngine() {
    ExpressionEngine e = new ExpressionEngine();
    assertThat(e.warmUp()).isSameAs(e);
  }

  @Test
  void integerArithmetic() {
    assertJson(eval("1 + 2 * 3"), "7");
    assertJson(eval("7 / 2"), "3");
    assertJson(eval("7 % 3"), "1");
    assertThat(eval("1 + 2").isIntegralNumber()).isTrue();
  }

  @Test
  void doubleArithmetic() {
    assertJson(eval("7.0 / 2.0"), "3.5");
    assertJson(eval("input.b * 2.0"), "5.0");
    assertThat(eval("input.b + 0.5").isDouble()).isTrue();
  }

  @Test
  void jsonIntegersAreCelInts() {
    assertJson(eval("input.a + 1"), "2");
    assertJson(eval("nodes.fetch.output.body.amount - 500"), "1000");
    assertJson(eval("nodes.fetch.output.body.items.map(i, i.n * 10)"), "[10, 20, 30]");
    assertJson(eval("run.version + 1"), "4");
    assertThat(eval("input.big").longValue()).isEqualTo(9007199254740993L);
  }

  @Test
  void divisionByZeroIsAnEvaluationError() {
    assertThat(evalFailure("1 / input.nested.size() - 1 / 0").code()).isEqualTo("expr.eval");
  }

  @Test
  void heterogeneousNumericComparison() {
    assertThat(eval("input.a < input.b").booleanValue()).isTrue();
    assertThat(eval("input.a == 1.0").booleanValue()).isTrue();
    assertThat(eval("2.5 > input.a").booleanValue()).isTrue();
    assertThat(eval("nodes.fetch.output.body.amount >= 1500.0").booleanValue()).isTrue();
    assertThat(eval("1u < 2").booleanValue()).isTrue();
  }

  @Test
  void hasTestsForPresence() {
    assertThat(eval("has(input.a)").booleanValue()).isTrue();
    assertThat(eval("has(input.zz)").booleanValue()).isFalse();
    assertThat(eval("has(input.nested.k)").booleanValue()).isTrue();
    assertThat(eval("has(nodes.fetch) && !has(nodes.other)").booleanValue()).isTrue();
  }

  @Test
  void listAndMapMacros() {
    assertJson(eval("[1, 2, 3].map(x, x * 2)"), "[2, 4, 6]");
    assertJson(eval("[1, 2, 3, 4].filter(x, x % 2 == 0)"), "[2, 4]");
    assertThat(eval("[1, 2, 3].all(x, x > 0)").booleanValue()).isTrue();
    assertThat(eval("input.tags.exists(t, t == 'y')").booleanValue()).isTrue();
    assertThat(eval("[1, 2, 3].exists_one(x, x > 2)").booleanValue()).isTrue();
    assertJson(eval("{'a': 1, 'b': [true]}"), """
        {"a": 1, "b": [true]}""");
    assertJson(eval("{'k': 1, 'j': 2}.filter(k, k == 'j')"), """
        ["j"]""");
    assertThat(eval("size(input.tags) == 2 && 'x' in input.tags").booleanValue()).isTrue();
  }

  @Test
  void stringFunctions() {
    assertThat(eval("input.name.startsWith('Ada')").booleanValue()).isTrue();
    assertThat(eval("input.name.endsWith('lace')").booleanValue()).isTrue();
    assertThat(eval("input.name.contains('Love')").booleanValue()).isTrue();
    assertThat(eval("input.name.matches('^A.*e$')").booleanValue()).isTrue();
    assertJson(eval("size(input.name)"), "12");
    assertJson(eval("'Hi ' + input.name"), "\"Hi Ada Lovelace\"");
    assertJson(eval("string(42) + '!'"), "\"42!\"");
    assertJson(eval("int('12') + 1"), "13");
    assertJson(eval("double('1.5')"), "1.5");
  }

  @Test
  void timestampsAndDurations() {
    assertJson(eval("timestamp('2024-01-01T00:00:00Z') + duration('1h30m')"), "\"2024-01-01T01:30:00Z\"");
    assertJson(eval("timestamp(input.ts).getFullYear()"), "2024");
    assertJson(eval("timestamp(input.ts).getMonth()"), "2");
    assertThat(eval("timestamp(input.ts) < timestamp('2025-01-01T00:00:00Z')").booleanValue()).isTrue();
    assertJson(eval("timestamp('2024-01-02T00:00:00Z') - timestamp('2024-01-01T00:00:00Z')"), "\"PT24H\"");
    assertJson(eval("duration('90s')"), "\"PT1M30S\"");
    assertJson(eval("timestamp(0)"), "\"1970-01-01T00:00:00Z\"");
    assertJson(eval("int(timestamp('1970-01-01T00:01:00Z'))"), "60");
  }

  @Test
  void variablesOfTheScope() {
    assertJson(eval("nodes.fetch.status"), "\"COMPLETED\"");
    assertJson(eval("nodes['x-y'].output"), "7");
    assertJson(eval("nodes.skipped.status"), "\"SKIPPED\"");
    assertThat(eval("nodes.skipped.output").isNull()).isTrue();
    assertJson(eval("run.id"), "\"run-1\"");
    assertJson(eval("input.nested"), """
        {"k": null}""");
  }

  @Test
  void itemIsBoundOnlyInPerItemExpressions() {
    Scope withItem = scope.withItem(Json.parse("""
        {"n": 5}"""));

    assertJson(engine.evaluate("item.n * input.a", "/config/condition", withItem, true), "5");
    assertThat(engine.check("item.n > 1", false)).extracting(ExpressionEngine.Issue::code)
        .containsExactly("expr.unknown_variable");
    assertThat(engine.check("item.n > 1", true)).isEmpty();
  }

  // --- what an expression reads ------------------------------------------------------------------

  @Test
  void referencedNodesFindsSelectAndIndexForms() {
    ExpressionEngine.Compiled c = engine.compile(
        "nodes.fetch.output.body.amount > 1 && nodes[\"x-y\"].output == 7 && has(nodes.approve) && nodes['other'].status == 'COMPLETED'",
        false);

    assertThat(c.referencedNodes()).containsExactly("fetch", "x-y", "approve", "other");
    assertThat(c.readsInput()).isFalse();
  }

  @Test
  void referencedNodesIgnoresOtherMapsNamedNodes() {
    ExpressionEngine.Compiled c = engine.compile("nodes.a.output == input.nodes.b", false);

    assertThat(c.referencedNodes()).containsExactly("a");
    assertThat(c.readsInput()).isTrue();
  }

  @Test
  void nodesReadByAComputedIdAreRejected() {
    for (String expr : List.of("nodes[input.which].output", "size(nodes)", "nodes.exists(k, k == 'a')")) {
      assertThatThrownBy(() -> engine.compile(expr, false)).as(expr).isInstanceOfSatisfying(ExpressionException.class,
          e -> assertThat(e.code()).isEqualTo(ExpressionEngine.CODE_DYNAMIC_NODE));
    }
    assertThat(engine.compile("has(nodes.a) && nodes[\"b-c\"].status == 'COMPLETED'", false).referencedNodes())
        .containsExactlyInAnyOrder("a", "b-c");
  }

  @Test
  void readsInput() {
    assertThat(engine.compile("input.a + 1", false).readsInput()).isTrue();
    assertThat(engine.compile("has(input.a)", false).readsInput()).isTrue();
    assertThat(engine.compile("run.id + 'x'", false).readsInput()).isFalse();
    assertThat(engine.compile("nodes.a.output", false).readsInput()).isFalse();
  }

  @Test
  void compiledProgramsAreCached() {
    assertThat(engine.compile("input.a + 41", false)).isSameAs(engine.compile("input.a + 41", false));
    assertThat(engine.compile("1 + 1", false)).isNotSameAs(engine.compile("1 + 1", true));
  }

  // --- compile errors and limits -----------------------------------------------------------------

  @Test
  void unknownVariable() {
    assertThatThrownBy(() -> engine.compile("foo + 1", false))
        .isInstanceOfSatisfying(ExpressionException.class, e -> {
          assertThat(e.code()).isEqualTo("expr.unknown_variable");
          assertThat(e.expression()).isEqualTo("foo + 1");
        });
    assertThat(evalFailure("secrets.key").code()).isEqualTo("expr.unknown_variable");
  }

  @Test
  void syntaxErrors() {
    for (String bad : new String[] {"1 +", "input.", "(1", "a b", "'unterminated"}) {
      assertThat(engine.check(bad, false)).as(bad).extracting(ExpressionEngine.Issue::code).containsExactly("expr.syntax");
    }
  }

  @Test
  void validExpressionsHaveNoIssues() {
    assertThat(engine.check("input.a > 1 ? 'big' : 'small'", false)).isEmpty();
  }

  @Test
  void tooLongExpression() {
    String text = "'" + "a".repeat(ExpressionLimits.DEFAULTS.maxExpressionLength()) + "'";

    assertThat(engine.check(text, false)).extracting(ExpressionEngine.Issue::code).containsExactly("limit.expression");
    ExpressionException e = evalFailure(text);
    assertThat(e.code()).isEqualTo("limit.expression");
    assertThat(e.path()).isEqualTo("/config/x");
  }

  @Test
  void expressionAtTheLengthLimitCompiles() {
    ExpressionEngine small = new ExpressionEngine(new ExpressionLimits(10, 100, 1000));

    assertThat(small.check("1 + 2 + 34", false)).isEmpty();
    assertThat(small.check("1 + 2 + 345", false)).extracting(ExpressionEngine.Issue::code).containsExactly("limit.expression");
  }

  @Test
  void comprehensionIterationLimitIsAnEvaluationError() {
    ExpressionEngine bounded = new ExpressionEngine(new ExpressionLimits(4_096, 5, 1_000));

    assertJson(bounded.evaluate("[1, 2, 3, 4, 5].map(x, x)", "/p", scope, false), "[1, 2, 3, 4, 5]");
    assertThatThrownBy(() -> bounded.evaluate("[1, 2, 3, 4, 5, 6].map(x, x)", "/config/items", scope, false))
        .isInstanceOfSatisfying(ExpressionException.class, e -> {
          assertThat(e.code()).isEqualTo("expr.eval");
          assertThat(e.path()).isEqualTo("/config/items");
        });
  }

  // --- evaluation errors -------------------------------------------------------------------------

  @Test
  void missingKeyIsAnEvaluationErrorWithThePath() {
    assertThatThrownBy(() -> engine.evaluate("nodes.fetch.output.body.missing", "/nodes/3/config/url", scope, false))
        .isInstanceOfSatisfying(ExpressionException.class, e -> {
          assertThat(e.code()).isEqualTo("expr.eval");
          assertThat(e.path()).isEqualTo("/nodes/3/config/url");
          assertThat(e.expression()).isEqualTo("nodes.fetch.output.body.missing");
          assertThat(e.describe()).contains("/nodes/3/config/url").contains("nodes.fetch.output.body.missing");
        });
  }

  @Test
  void missingNodeIsAnEvaluationError() {
    assertThat(evalFailure("nodes.nobody.output").code()).isEqualTo("expr.eval");
  }

  @Test
  void typeMismatchIsAnEvaluationError() {
    assertThat(evalFailure("input.name + 1").code()).isEqualTo("expr.eval");
  }

  @Test
  void compileErrorsDuringEvaluationCarryThePath() {
    ExpressionException e = evalFailure("1 +");

    assertThat(e.code()).isEqualTo("expr.syntax");
    assertThat(e.path()).isEqualTo("/config/x");
  }
}
