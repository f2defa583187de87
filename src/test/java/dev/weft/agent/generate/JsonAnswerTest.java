package dev.weft.agent.generate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonAnswerTest {

  @Test
  void takesTheFirstBalancedObjectAroundFencesAndProse() {
    String answer = """
        Sure! Here is the workflow {as asked}:
        ```json
        {"definition": {"name": "a } b", "nodes": [{"id": "x", "config": {"s": "\\"{"}}]}, "sampleInput": {}}
        ```
        And {"another": 1}.""";
    assertThat(JsonAnswer.extract(answer)).hasValueSatisfying(n -> {
      assertThat(n.at("/definition/name").stringValue()).isEqualTo("a } b");
      assertThat(n.at("/definition/nodes/0/config/s").stringValue()).isEqualTo("\"{");
      assertThat(n.has("another")).isFalse();
    });
  }

  @Test
  void findsNothingWithoutAnObject() {
    assertThat(JsonAnswer.extract("I cannot do that.")).isEmpty();
    assertThat(JsonAnswer.extract("[1, 2]")).isEmpty();
    assertThat(JsonAnswer.extract("{\"unclosed\": ")).isEmpty();
    assertThat(JsonAnswer.extract(null)).isEmpty();
  }
}
