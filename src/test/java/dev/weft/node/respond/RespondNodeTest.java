package dev.weft.node.respond;

import static dev.weft.JsonAssert.assertJson;
import static dev.weft.node.NodeHarness.harness;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.node.NodeFailure;
import dev.weft.node.NodeResult;
import org.junit.jupiter.api.Test;

/** {@code respond}: its output becomes the run's output, with an HTTP status (default 200). */
class RespondNodeTest {

  @Test
  void defaultsToUpstreamBodyAndStatus200() {
    NodeResult r = harness()
        .from("prev", """
            {"ok": true}""")
        .run("respond", "{}");

    assertThat(r.isResponse()).isTrue();
    assertThat(r.responseStatus()).isEqualTo(200);
    assertJson(r.output(), """
        {"ok": true}""");
    assertThat(r.ports()).containsExactly("main");
  }

  @Test
  void withoutConfigItRespondsWithTheUpstreamValue() {
    NodeResult r = harness().input("[1]").run("respond", null);

    assertThat(r.responseStatus()).isEqualTo(200);
    assertJson(r.output(), "[1]");
  }

  @Test
  void bodyAndStatusMayBeLiteralsOrTemplates() {
    NodeResult r = harness()
        .input("""
            {"code": 201, "id": "e-7"}""")
        .from("prev", """
            {"total": 3}""")
        .run("respond", """
            {"body": {"id": "{{ input.id }}", "total": "{{ nodes.prev.output.total }}", "fixed": [1]},
             "status": "{{ input.code }}"}""");

    assertThat(r.responseStatus()).isEqualTo(201);
    assertJson(r.output(), """
        {"id": "e-7", "total": 3, "fixed": [1]}""");
  }

  @Test
  void literalStatus() {
    NodeResult r = harness().run("respond", """
        {"body": "gone", "status": 410}""");

    assertThat(r.responseStatus()).isEqualTo(410);
    assertJson(r.output(), "\"gone\"");
  }

  @Test
  void wholeTemplateBodyKeepsItsType() {
    NodeResult r = harness()
        .from("prev", """
            {"items": [1, 2]}""")
        .run("respond", """
            {"body": "{{ nodes.prev.output.items }}"}""");

    assertJson(r.output(), "[1, 2]");
  }

  @Test
  void statusThatIsNotANumberFailsBinding() {
    NodeFailure f = harness().failure("respond", """
        {"status": "teapot"}""");

    assertThat(f.code()).isEqualTo("config.invalid");
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).contains("/config/status");
  }
}
