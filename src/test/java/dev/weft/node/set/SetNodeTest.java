package dev.weft.node.set;

import static dev.weft.JsonAssert.assertJson;
import static dev.weft.node.NodeHarness.harness;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.node.NodeFailure;
import dev.weft.node.NodeHarness;
import dev.weft.node.NodeResult;
import org.junit.jupiter.api.Test;

/** {@code set}: builds an object from literals and templates, optionally on top of its upstream object. */
class SetNodeTest {

  @Test
  void buildsAnObjectFromLiteralsAndTemplates() {
    NodeResult r = harness()
        .input("""
            {"a": 1, "b": 2, "name": "Ada"}""")
        .run("set", """
            {"values": {
              "total": "{{ input.a + input.b }}",
              "label": "Hello {{ input.name }} #{{ input.a }}",
              "literal": {"x": [1, true, null]},
              "list": "{{ [input.a, input.b] }}"
            }}""");

    assertJson(r.output(), """
        {"total": 3, "label": "Hello Ada #1", "literal": {"x": [1, true, null]}, "list": [1, 2]}""");
    assertThat(r.output().get("total").isIntegralNumber()).isTrue();
    assertThat(r.ports()).containsExactly("main");
  }

  @Test
  void withoutIncludeUpstreamTheUpstreamKeysAreDropped() {
    NodeResult r = harness()
        .from("prev", """
            {"keep": 1}""")
        .run("set", """
            {"values": {"x": 2}}""");

    assertJson(r.output(), """
        {"x": 2}""");
  }

  @Test
  void includeUpstreamStartsFromTheUpstreamObjectAndOverwritesKeys() {
    NodeHarness h = harness().from("prev", """
        {"keep": 1, "x": "old"}""");

    NodeResult r = h.run("set", """
        {"values": {"x": "{{ nodes.prev.output.keep + 1 }}", "y": true}, "includeUpstream": true}""");

    assertJson(r.output(), """
        {"keep": 1, "x": 2, "y": true}""");
  }

  @Test
  void includeUpstreamDoesNotModifyTheUpstreamValue() {
    NodeHarness h = harness().from("prev", """
        {"x": "old"}""");

    h.run("set", """
        {"values": {"x": "new"}, "includeUpstream": true}""");
    NodeResult again = h.run("set", """
        {"values": {}, "includeUpstream": true}""");

    assertJson(again.output(), """
        {"x": "old"}""");
  }

  @Test
  void includeUpstreamIgnoresANonObjectUpstream() {
    NodeResult r = harness()
        .from("prev", "[1, 2]")
        .run("set", """
            {"values": {"x": 1}, "includeUpstream": true}""");

    assertJson(r.output(), """
        {"x": 1}""");
  }

  @Test
  void aFailingTemplateFailsTheNode() {
    NodeFailure f = harness()
        .input("{}")
        .failure("set", """
            {"values": {"x": "{{ input.missing }}"}}""");

    assertThat(f.code()).isEqualTo("expr.eval");
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).contains("/config/values/x");
  }
}
