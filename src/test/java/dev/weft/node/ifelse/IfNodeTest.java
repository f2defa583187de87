package dev.weft.node.ifelse;

import static dev.weft.JsonAssert.assertJson;
import static dev.weft.node.NodeHarness.harness;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.node.NodeFailure;
import dev.weft.node.NodeKind;
import dev.weft.node.NodeResult;
import org.junit.jupiter.api.Test;

/** {@code if}: routes to port true/false on a CEL condition and passes its upstream value through. */
class IfNodeTest {

  @Test
  void trueConditionTakesPortTrueAndPassesUpstreamThrough() {
    NodeResult r = harness()
        .from("fetch", """
            {"status": 200, "body": {"amount": 1500}}""")
        .run("if", """
            {"condition": "nodes.fetch.output.body.amount > 1000"}""");

    assertThat(r.ports()).containsExactly("true");
    assertJson(r.output(), """
        {"status": 200, "body": {"amount": 1500}}""");
    assertThat(r.isResponse()).isFalse();
  }

  @Test
  void falseConditionTakesPortFalse() {
    NodeResult r = harness()
        .from("fetch", """
            {"body": {"amount": 999}}""")
        .run("if", """
            {"condition": "nodes.fetch.output.body.amount > 1000"}""");

    assertThat(r.ports()).containsExactly("false");
  }

  @Test
  void integerArithmeticOnNodeOutputsStaysInteger() {
    // JSON integers must reach CEL as int, or `+ 1` finds no overload (double + int).
    NodeResult r = harness()
        .from("count", "41")
        .run("if", """
            {"condition": "nodes.count.output + 1 == 42"}""");

    assertThat(r.ports()).containsExactly("true");
  }

  @Test
  void startNodeSeesTheRunInputAsUpstream() {
    NodeResult r = harness()
        .input("""
            {"vip": true}""")
        .run("if", """
            {"condition": "input.vip"}""");

    assertThat(r.ports()).containsExactly("true");
    assertJson(r.output(), """
        {"vip": true}""");
  }

  @Test
  void conditionMayBeWrittenAsATemplate() {
    NodeResult r = harness()
        .input("""
            {"n": 3}""")
        .run("if", """
            {"condition": "{{ input.n == 3 }}"}""");

    assertThat(r.ports()).containsExactly("true");
  }

  @Test
  void nonBooleanConditionFailsWithNotBoolean() {
    NodeFailure f = harness()
        .input("""
            {"n": 3}""")
        .failure("if", """
            {"condition": "input.n"}""");

    assertThat(f.code()).isEqualTo("expr.not_boolean");
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).contains("/config/condition");
  }

  @Test
  void missingKeyFailsWithEvalError() {
    NodeFailure f = harness()
        .input("{}")
        .failure("if", """
            {"condition": "input.missing > 1"}""");

    assertThat(f.code()).isEqualTo("expr.eval");
    assertThat(f.retryable()).isFalse();
  }

  @Test
  void unknownVariableFails() {
    NodeFailure f = harness().failure("if", """
        {"condition": "nope == 1"}""");

    assertThat(f.code()).isEqualTo("expr.unknown_variable");
  }

  @Test
  void declaresPortsTrueAndFalseAndIsAControlNode() {
    IfNode node = new IfNode();

    assertThat(node.ports(new IfNodeConfig("true"))).containsExactly("true", "false");
    assertThat(node.kind()).isEqualTo(NodeKind.CONTROL);
    assertThat(node.id()).isEqualTo("if");
  }
}
