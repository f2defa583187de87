package dev.weft.node.merge;

import static dev.weft.JsonAssert.assertJson;
import static dev.weft.node.NodeHarness.harness;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.node.NodeResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code merge}: joins the outputs of its taken incoming edges ({@code all}, {@code append},
 * {@code first}); a predecessor on a skipped branch is simply absent.
 */
class MergeNodeTest {

  @Test
  void allKeysOutputsBySourceIdInEdgeOrder() {
    NodeResult r = harness()
        .from("b", """
            {"x": 1}""")
        .from("a", "[1, 2]")
        .run("merge", """
            {"mode": "all"}""");

    assertJson(r.output(), """
        {"b": {"x": 1}, "a": [1, 2]}""");
    assertThat(List.copyOf(r.output().propertyNames())).containsExactly("b", "a");
    assertThat(r.ports()).containsExactly("main");
  }

  @Test
  void allIsTheDefaultMode() {
    NodeResult withEmptyConfig = harness().from("a", "1").from("b", "2").run("merge", "{}");
    NodeResult withoutConfig = harness().from("a", "1").from("b", "2").run("merge", null);

    assertJson(withEmptyConfig.output(), """
        {"a": 1, "b": 2}""");
    assertThat(withoutConfig.output()).isEqualTo(withEmptyConfig.output());
  }

  @Test
  void allLeavesOutASkippedBranch() {
    NodeResult r = harness()
        .node("rejected", "SKIPPED", null)
        .from("approved", """
            {"ok": true}""")
        .run("merge", """
            {"mode": "all"}""");

    assertJson(r.output(), """
        {"approved": {"ok": true}}""");
  }

  @Test
  void appendConcatenatesListsAndAddsOtherValues() {
    NodeResult r = harness()
        .from("a", "[1, 2]")
        .from("b", """
            {"k": "v"}""")
        .from("c", "[3]")
        .from("d", "\"s\"")
        .run("merge", """
            {"mode": "append"}""");

    assertJson(r.output(), """
        [1, 2, {"k": "v"}, 3, "s"]""");
  }

  @Test
  void appendLeavesOutASkippedBranch() {
    NodeResult r = harness()
        .from("a", "[1]")
        .node("b", "SKIPPED", null)
        .run("merge", """
            {"mode": "append"}""");

    assertJson(r.output(), "[1]");
  }

  @Test
  void firstTakesTheFirstTakenInputInEdgeOrder() {
    NodeResult r = harness()
        .from("b", "\"from b\"")
        .from("a", "\"from a\"")
        .run("merge", """
            {"mode": "first"}""");

    assertJson(r.output(), "\"from b\"");
  }

  @Test
  void firstSkipsASkippedBranch() {
    NodeResult r = harness()
        .node("fast", "SKIPPED", null)
        .from("slow", """
            {"v": 2}""")
        .run("merge", """
            {"mode": "first"}""");

    assertJson(r.output(), """
        {"v": 2}""");
  }

  @Test
  void firstWithoutInputsIsNull() {
    NodeResult r = harness().run("merge", """
        {"mode": "first"}""");

    assertThat(r.output().isNull()).isTrue();
  }
}
