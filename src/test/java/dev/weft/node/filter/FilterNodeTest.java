package dev.weft.node.filter;

import static dev.weft.JsonAssert.assertJson;
import static dev.weft.node.NodeHarness.harness;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.node.NodeFailure;
import dev.weft.node.NodeResult;
import org.junit.jupiter.api.Test;

/** {@code filter}: keeps, in order, the items of a list for which a condition over {@code item} holds. */
class FilterNodeTest {

  @Test
  void keepsMatchingItemsOfTheItemsExpressionInOrder() {
    NodeResult r = harness()
        .input("""
            {"orders": [{"id": 1, "amount": 50}, {"id": 2, "amount": 150}, {"id": 3, "amount": 101}]}""")
        .run("filter", """
            {"items": "input.orders", "condition": "item.amount > 100"}""");

    assertJson(r.output(), """
        [{"id": 2, "amount": 150}, {"id": 3, "amount": 101}]""");
  }

  @Test
  void defaultsToTheUpstreamList() {
    NodeResult r = harness()
        .from("list", "[1, 2, 3, 4]")
        .run("filter", """
            {"condition": "item % 2 == 0"}""");

    assertJson(r.output(), "[2, 4]");
  }

  @Test
  void conditionSeesOtherVariablesBesideItem() {
    NodeResult r = harness()
        .input("""
            {"min": 2}""")
        .from("list", """
            ["a", "bb", "ccc"]""")
        .run("filter", """
            {"condition": "size(item) >= input.min"}""");

    assertJson(r.output(), """
        ["bb", "ccc"]""");
  }

  @Test
  void itemsAndConditionMayBeWrittenAsTemplates() {
    NodeResult r = harness()
        .input("""
            {"xs": [1, 5, 10]}""")
        .run("filter", """
            {"items": "{{ input.xs }}", "condition": "{{ item > 4 }}"}""");

    assertJson(r.output(), "[5, 10]");
  }

  @Test
  void emptyListGivesEmptyList() {
    NodeResult r = harness().from("list", "[]").run("filter", """
        {"condition": "item > 0"}""");

    assertJson(r.output(), "[]");
  }

  @Test
  void itemsThatAreNotAListFail() {
    NodeFailure f = harness()
        .input("""
            {"orders": {"id": 1}}""")
        .failure("filter", """
            {"items": "input.orders", "condition": "true"}""");

    assertThat(f.code()).isEqualTo("filter.not_a_list");
    assertThat(f.retryable()).isFalse();
  }

  @Test
  void upstreamThatIsNotAListFails() {
    NodeFailure f = harness()
        .from("prev", """
            {"id": 1}""")
        .failure("filter", """
            {"condition": "true"}""");

    assertThat(f.code()).isEqualTo("filter.not_a_list");
  }

  @Test
  void nonBooleanConditionFailsWithNotBoolean() {
    NodeFailure f = harness()
        .from("list", "[1, 2]")
        .failure("filter", """
            {"condition": "item + 1"}""");

    assertThat(f.code()).isEqualTo("expr.not_boolean");
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).contains("/config/condition");
  }

  @Test
  void conditionFailingOnAnItemFailsTheNode() {
    NodeFailure f = harness()
        .from("list", """
            [{"amount": 1}, {"other": 2}]""")
        .failure("filter", """
            {"condition": "item.amount > 0"}""");

    assertThat(f.code()).isEqualTo("expr.eval");
  }
}
