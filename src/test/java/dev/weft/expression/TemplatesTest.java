package dev.weft.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Splitting strings into literal text and {@code {{ expr }}} templates, and whole-template detection. */
class TemplatesTest {

  private static Templates.Part text(String s) {
    return new Templates.Part(false, s);
  }

  private static Templates.Part expr(String s) {
    return new Templates.Part(true, s);
  }

  @Test
  void plainTextIsOneLiteral() {
    assertThat(Templates.hasTemplate("no templates { here }")).isFalse();
    assertThat(Templates.hasTemplate(null)).isFalse();
    assertThat(Templates.parse("no templates { here }")).containsExactly(text("no templates { here }"));
    assertThat(Templates.parse("")).isEmpty();
  }

  @Test
  void mixedTextAndTemplates() {
    assertThat(Templates.parse("Hi {{ input.name }}, you owe {{input.amount}} EUR"))
        .containsExactly(text("Hi "), expr("input.name"), text(", you owe "), expr("input.amount"), text(" EUR"));
  }

  @Test
  void adjacentTemplates() {
    assertThat(Templates.parse("{{a}}{{ b }}")).containsExactly(expr("a"), expr("b"));
  }

  @Test
  void expressionTextIsTrimmed() {
    assertThat(Templates.parse("{{   input.a\n }}")).containsExactly(expr("input.a"));
  }

  @Test
  void bracesInsideStringLiteralsDoNotClose() {
    assertThat(Templates.parse("{{ \"}}\" + 'a}}b' }}")).containsExactly(expr("\"}}\" + 'a}}b'"));
    assertThat(Templates.parse("{{ 'it\\'s }}' }} tail")).containsExactly(expr("'it\\'s }}'"), text(" tail"));
  }

  @Test
  void mapLiteralsDoNotClose() {
    assertThat(Templates.parse("{{ {'a': 1} }}")).containsExactly(expr("{'a': 1}"));
    assertThat(Templates.parse("{{ {'a': {'b': 1}} }}")).containsExactly(expr("{'a': {'b': 1}}"));
    assertThat(Templates.parse("x{{{'a': 1}}}y")).containsExactly(text("x"), expr("{'a': 1}"), text("y"));
  }

  @Test
  void unclosedTemplateIsASyntaxError() {
    for (String s : List.of("{{ input.a", "ok {{ input.a }} then {{ oops", "{{ {'a': 1} }", "{{ '}}")) {
      assertThatThrownBy(() -> Templates.parse(s)).as(s)
          .isInstanceOfSatisfying(ExpressionException.class, e -> {
            assertThat(e.code()).isEqualTo("expr.syntax");
            assertThat(e.expression()).isEqualTo(s);
          });
    }
  }

  @Test
  void emptyTemplateIsASyntaxError() {
    for (String s : List.of("{{}}", "a {{   }} b")) {
      assertThatThrownBy(() -> Templates.parse(s)).as(s)
          .isInstanceOfSatisfying(ExpressionException.class, e -> assertThat(e.code()).isEqualTo("expr.syntax"));
    }
  }

  @Test
  void wholeTemplateDetection() {
    assertThat(Templates.whole("{{ input.a }}")).hasValue("input.a");
    assertThat(Templates.whole("  {{ input.a }}\n")).hasValue("input.a");
    assertThat(Templates.whole("{{ {'k': [1]} }}")).hasValue("{'k': [1]}");
    assertThat(Templates.whole("x{{ input.a }}")).isEmpty();
    assertThat(Templates.whole("{{ input.a }}!")).isEmpty();
    assertThat(Templates.whole("{{ a }} {{ b }}")).isEmpty();
    assertThat(Templates.whole("input.a")).isEmpty();
    assertThat(Templates.whole("{{ input.a")).isEmpty();
    assertThat(Templates.whole(null)).isEmpty();
  }

  @Test
  void unwrapStripsOnlyAWholeTemplate() {
    assertThat(Templates.unwrap("{{ item.n > 1 }}")).isEqualTo("item.n > 1");
    assertThat(Templates.unwrap(" {{ x }} ")).isEqualTo("x");
    assertThat(Templates.unwrap("item.n > 1")).isEqualTo("item.n > 1");
    assertThat(Templates.unwrap("{{ a }} and {{ b }}")).isEqualTo("{{ a }} and {{ b }}");
  }
}
