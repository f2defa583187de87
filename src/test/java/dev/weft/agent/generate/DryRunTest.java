package dev.weft.agent.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TestRegistries;
import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.validate.DefinitionValidator;
import dev.weft.validate.ValidationReport;
import dev.weft.engine.EngineSettings;
import dev.weft.expression.ExpressionEngine;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/** The dry run on the real interpreter: samples instead of I/O, every branch explored, people answered. */
@Timeout(120)
class DryRunTest {
  private final DefinitionValidator validator = TestRegistries.validator();
  private final DryRun dryRun = new DryRun(TestRegistries.registry(), new ExpressionEngine(), EngineSettings.DEFAULTS,
      Duration.ofSeconds(20));

  private DryRun.Result run(String definition, String input) {
    ValidationReport report = validator.validate(definition);
    assertThat(report.errors()).isEmpty();
    return dryRun.run(report.definition(), Json.parse(input));
  }

  private static JsonNode node(DryRun.Result r, String id) {
    for (JsonNode n : r.report().get("nodes")) if (n.get("id").stringValue().equals(id)) return n;
    throw new AssertionError("node " + id + " not in " + r.report());
  }

  @Test
  void aGoodWorkflowPassesWithEveryBranchApprovalFormAndDelay() {
    DryRun.Result r = run("""
        {"name": "expense", "nodes": [
          {"id": "fetch", "type": "http", "config": {"url": "https://erp.example/expenses/{{ input.id }}"}},
          {"id": "big", "type": "if", "config": {"condition": "has(nodes.fetch.output.body.amount) && nodes.fetch.output.body.amount > 1000"}},
          {"id": "approve", "type": "approval", "config": {"title": "Approve {{ input.id }}?", "approvers": ["ann", "bob"],
            "quorum": 2, "timeout": "1h", "onTimeout": "reject"}},
          {"id": "ask", "type": "form", "config": {"title": "Why?", "timeout": "1h", "fields": {"type": "object",
            "properties": {"reason": {"type": "string", "minLength": 10}, "days": {"type": "integer", "minimum": 3},
            "kind": {"type": "string", "enum": ["trip", "gear"]}}, "required": ["reason", "days"]}}},
          {"id": "wait", "type": "delay", "config": {"duration": "2d"}},
          {"id": "booked", "type": "set", "config": {"values": {"by": "{{ nodes.approve.output.deciders[0].principal }}",
            "reason": "{{ nodes.ask.output.reason }}"}}},
          {"id": "refused", "type": "set", "config": {"values": {"decision": "{{ nodes.approve.output.decision }}"}}},
          {"id": "small", "type": "respond", "config": {"body": {"status": "{{ nodes.fetch.output.status }}"}}}
        ], "edges": [
          {"from": "fetch", "to": "big"},
          {"from": "big", "port": "true", "to": "approve"},
          {"from": "approve", "port": "approved", "to": "ask"},
          {"from": "ask", "to": "booked"},
          {"from": "approve", "port": "rejected", "to": "refused"},
          {"from": "big", "port": "false", "to": "wait"},
          {"from": "wait", "to": "small"}
        ]}""", "{\"id\": 7}");
    assertThat(r.violations()).isEmpty();
    assertThat(r.report().get("status").stringValue()).isEqualTo("completed");
    assertThat(r.report().get("notReached")).isEmpty();
    assertThat(r.report().get("nodes").findValuesAsString("id"))
        .containsExactly("fetch", "big", "approve", "ask", "wait", "booked", "refused", "small");
    // Both approvers were asked for the quorum, as themselves; the form got values its schema accepts.
    assertThat(node(r, "approve").at("/output/approvals").asInt()).isEqualTo(2);
    assertThat(node(r, "booked").at("/output/by").stringValue()).isIn("ann", "bob");
    assertThat(node(r, "ask").at("/output/reason").stringValue()).hasSizeGreaterThanOrEqualTo(10);
    assertThat(node(r, "ask").at("/output/days").asInt()).isEqualTo(3);
    // The condition held for neither branch's data (an empty sampled body): the true side ran because it was forced open.
    assertThat(node(r, "wait").get("reached").stringValue()).isEqualTo("natural");
    assertThat(node(r, "approve").get("reached").stringValue()).isEqualTo("forced");
    assertThat(node(r, "small").get("status").stringValue()).isEqualTo("COMPLETED");
  }

  @Test
  void loopsIterateOverAFewSampleItemsAndSubworkflowsAnswerASample() {
    DryRun.Result r = run("""
        {"name": "each order", "nodes": [
          {"id": "each", "type": "loop", "config": {"mode": "forEach", "items": "input.orders", "concurrency": 5, "body": {
            "nodes": [
              {"id": "price", "type": "http", "config": {"url": "https://erp.example/prices/{{ item.sku }}"}},
              {"id": "line", "type": "set", "config": {"values": {"sku": "{{ item.sku }}", "at": "{{ index }}",
                "status": "{{ nodes.price.output.status }}"}}}
            ],
            "edges": [{"from": "price", "to": "line"}]}}},
          {"id": "notify", "type": "subworkflow", "config": {"workflowId": "notify-team", "input": {"lines": "{{ nodes.each.output }}"}}},
          {"id": "done", "type": "set", "config": {"values": {"n": "{{ size(nodes.each.output) }}"}}}
        ], "edges": [{"from": "each", "to": "notify"}, {"from": "notify", "to": "done"}]}
        """, "{\"orders\": [{\"sku\": \"a\"}, {\"sku\": \"b\"}, {\"sku\": \"c\"}, {\"sku\": \"d\"}, {\"sku\": \"e\"}]}");
    assertThat(r.violations()).as(r.report().toString()).isEmpty();
    assertThat(r.report().get("status").stringValue()).isEqualTo("completed");
    JsonNode each = node(r, "each").get("output");
    assertThat(each.size()).as("sample items").isEqualTo(3);
    assertThat(each.get(2).get("sku").stringValue()).isEqualTo("c");
    assertThat(node(r, "notify").at("/output/sampled").asBoolean()).isTrue();
    assertThat(node(r, "done").at("/output/n").asInt()).isEqualTo(3);
  }

  /** What the prompt shows the model as good answers passes the dry run with its sample input. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.FieldSource("dev.weft.agent.generate.GenerationPrompt#EXAMPLES")
  void thePromptsExamplesPass(String name) {
    DryRun.Result r = run(GenerationPrompt.resource("ai/examples/" + name + ".json"),
        GenerationPrompt.resource("ai/examples/" + name + ".input.json"));
    assertThat(r.violations()).isEmpty();
    assertThat(r.report().get("status").stringValue()).isEqualTo("completed");
  }

  @Test
  void aMissingFieldOfASampledHttpOutputFailsAtTheNodesPath() {
    DryRun.Result r = run("""
        {"name": "x", "nodes": [
          {"id": "fetch", "type": "http", "config": {"url": "https://erp.example/expenses"}},
          {"id": "total", "type": "set", "config": {"values": {"amount": "{{ nodes.fetch.output.body.amount }}"}}}
        ], "edges": [{"from": "fetch", "to": "total"}]}""", "{}");
    assertThat(r.report().get("status").stringValue()).isEqualTo("failed");
    assertThat(r.violations()).extracting(Violation::code).containsExactly("dryrun.expr.eval");
    assertThat(r.violations()).extracting(Violation::path).containsExactly("/nodes/1/config/values/amount");
    assertThat(node(r, "total").at("/error/code").stringValue()).isEqualTo("expr.eval");
  }

  @Test
  void aMissingInputFieldFails() {
    DryRun.Result r = run("""
        {"name": "x", "nodes": [{"id": "hi", "type": "set", "config": {"values": {"g": "Hello {{ input.name }}"}}}]}""", "{}");
    assertThat(r.violations()).extracting(Violation::code, Violation::path)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("dryrun.expr.eval", "/nodes/0/config/values/g"));
  }

  @Test
  void aFailureOnAForcedBranchIsAWarningNotAViolation() {
    DryRun.Result r = run("""
        {"name": "x", "nodes": [
          {"id": "has", "type": "if", "config": {"condition": "has(input.discount)"}},
          {"id": "apply", "type": "set", "config": {"values": {"d": "{{ input.discount * 2 }}"}}},
          {"id": "none", "type": "set", "config": {"values": {"d": 0}}}
        ], "edges": [{"from": "has", "port": "true", "to": "apply"}, {"from": "has", "port": "false", "to": "none"}]}""", "{}");
    assertThat(r.violations()).isEmpty();
    assertThat(r.report().get("warnings").findValuesAsString("nodeId")).containsExactly("apply");
    assertThat(node(r, "apply").get("status").stringValue()).isEqualTo("FAILED");
  }

  @Test
  void aNodeNoPortLeadsToIsNotReached() {
    // A templated config binds only at run time, so the validator cannot check the edge's port.
    DryRun.Result r = run("""
        {"name": "x", "nodes": [
          {"id": "calc", "type": "set", "config": {"values": "{{ input }}"}},
          {"id": "after", "type": "set", "config": {"values": {"ok": true}}}
        ], "edges": [{"from": "calc", "port": "nowhere", "to": "after"}]}""", "{\"a\": 1}");
    assertThat(r.report().get("status").stringValue()).isEqualTo("completed");
    assertThat(r.report().get("notReached").get(0).stringValue()).isEqualTo("after");
    assertThat(r.violations()).extracting(Violation::code, Violation::path)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("dryrun.not_reached", "/nodes/1"));
  }
}
