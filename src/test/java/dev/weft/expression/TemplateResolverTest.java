package dev.weft.expression;

import static dev.weft.JsonAssert.assertJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.definition.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Resolving the templates of a config: typed values for whole templates, text for mixed strings, raw
 * expression fields left alone, errors carrying their pointer, and the rendered-size limit.
 */
class TemplateResolverTest {
  private final TemplateResolver resolver = new TemplateResolver(new ExpressionEngine());
  private final Scope scope = new Scope(Json.parse("""
      {"n": 5, "d": 2.5, "ok": true, "name": "Ada", "o": {"k": [1, 2]}, "list": [1, "x"], "z": null}"""),
      Map.of("fetch", new Scope.NodeView("COMPLETED", Json.parse("""
          {"body": {"id": 7}}"""))),
      Json.parse("""
      {"id": "run-1"}"""));

  private JsonNode resolve(String s) {
    return resolver.resolveString(s, "/config/v", scope);
  }

  @Test
  void wholeTemplateKeepsTheType() {
    assertThat(resolve("{{ input.n }}").isIntegralNumber()).isTrue();
    assertJson(resolve("{{ input.n }}"), "5");
    assertJson(resolve("{{ input.d }}"), "2.5");
    assertJson(resolve("{{ input.ok }}"), "true");
    assertJson(resolve("{{ input.o }}"), """
        {"k": [1, 2]}""");
    assertJson(resolve("{{ input.list }}"), """
        [1, "x"]""");
    assertThat(resolve("{{ input.z }}").isNull()).isTrue();
    assertJson(resolve("{{ nodes.fetch.output.body.id }}"), "7");
  }

  @Test
  void wholeTemplateWithSurroundingBlanksKeepsTheType() {
    assertJson(resolve("  {{ input.n }} "), "5");
    assertJson(resolve("\n{{ input.o }}\t"), """
        {"k": [1, 2]}""");
  }

  @Test
  void mixedTextRendersValuesAsText() {
    assertJson(resolve("n={{ input.n }}"), "\"n=5\"");
    assertJson(resolve("Hi {{ input.name }}!"), "\"Hi Ada!\"");
    assertJson(resolve("o={{ input.o }}"), "\"o={\\\"k\\\":[1,2]}\"");
    assertJson(resolve("l={{ input.list }}"), "\"l=[1,\\\"x\\\"]\"");
    assertJson(resolve("[{{ input.z }}]"), "\"[]\"");
    assertJson(resolve("{{ input.n }}{{ input.name }}"), "\"5Ada\"");
    assertJson(resolve("{{ input.ok }} / {{ input.d }}"), "\"true / 2.5\"");
  }

  @Test
  void stringsWithoutTemplatesStayAsTheyAre() {
    assertJson(resolve("plain { text }"), "\"plain { text }\"");
  }

  @Test
  void resolvesATreeAndLeavesRawExpressionFieldsUntouched() {
    JsonNode config = Json.parse("""
        {"condition": "input.n > 1",
         "wrapped": "{{ input.n > 1 }}",
         "values": {"a": "{{ input.n }}", "b": ["x-{{ input.name }}", 3, true, null, "{{ input.o.k }}"]},
         "cases": [{"condition": "item.n > {{ 1 }}", "name": "{{ input.name }}"}]}""");

    JsonNode out = resolver.resolve(config, "/nodes/0/config", scope,
        rel -> rel.equals("/condition") || rel.equals("/wrapped") || rel.matches("/cases/\\d+/condition"));

    assertJson(out, """
        {"condition": "input.n > 1",
         "wrapped": "input.n > 1",
         "values": {"a": 5, "b": ["x-Ada", 3, true, null, [1, 2]]},
         "cases": [{"condition": "item.n > {{ 1 }}", "name": "Ada"}]}""");
    assertJson(config.at("/values/a"), "\"{{ input.n }}\"");
  }

  @Test
  void nullTreeResolvesToNull() {
    assertThat(resolver.resolve(null, "/config", scope, rel -> false)).isNull();
  }

  @Test
  void errorsCarryThePointerOfTheString() {
    JsonNode config = Json.parse("""
        {"values": {"ok": "{{ input.n }}", "bad": ["x", "{{ input.missing }}"]}}""");

    assertThatThrownBy(() -> resolver.resolve(config, "/nodes/4/config", scope, rel -> false))
        .isInstanceOfSatisfying(ExpressionException.class, e -> {
          assertThat(e.code()).isEqualTo("expr.eval");
          assertThat(e.path()).isEqualTo("/nodes/4/config/values/bad/1");
          assertThat(e.expression()).isEqualTo("input.missing");
        });
  }

  @Test
  void templateSyntaxErrorsCarryThePointer() {
    assertThatThrownBy(() -> resolve("x {{ input.n"))
        .isInstanceOfSatisfying(ExpressionException.class, e -> {
          assertThat(e.code()).isEqualTo("expr.syntax");
          assertThat(e.path()).isEqualTo("/config/v");
        });
    assertThatThrownBy(() -> resolve("{{ nope }}"))
        .isInstanceOfSatisfying(ExpressionException.class, e -> {
          assertThat(e.code()).isEqualTo("expr.unknown_variable");
          assertThat(e.path()).isEqualTo("/config/v");
        });
  }

  @Test
  void resultSizeIsLimited() {
    TemplateResolver small = new TemplateResolver(new ExpressionEngine(new ExpressionLimits(4_096, 10_000, 20)));

    assertJson(small.resolveString("{{ 'a' + 'b' }}", "/p", scope), "\"ab\"");
    assertJson(small.resolveString("{{ 123456789012345678 * 10 }}", "/p", scope), "1234567890123456780");
    assertThat(small.resolveString("x".repeat(30), "/p", scope).stringValue()).hasSize(30);
    for (String s : new String[] {
        "{{ '" + "y".repeat(21) + "' }}",
        "{{ [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }}",
        "{{ input.name }}-" + "z".repeat(20),
        "{{ input.o }}{{ input.o }}{{ input.o }}"}) {
      assertThatThrownBy(() -> small.resolveString(s, "/config/big", scope)).as(s)
          .isInstanceOfSatisfying(ExpressionException.class, e -> {
            assertThat(e.code()).isEqualTo("limit.template_size");
            assertThat(e.path()).isEqualTo("/config/big");
          });
    }
  }
}
