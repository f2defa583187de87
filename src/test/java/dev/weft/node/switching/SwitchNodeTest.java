package dev.weft.node.switching;

import static dev.weft.JsonAssert.assertJson;
import static dev.weft.node.NodeHarness.harness;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.definition.Violation;
import dev.weft.node.GraphStub;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code switch}: the first case whose condition holds names the port; else {@code default}. */
class SwitchNodeTest {
  private static final String CASES = """
      {"cases": [
        {"name": "small", "condition": "input.amount < 100"},
        {"name": "medium", "condition": "input.amount < 1000"},
        {"name": "also_medium", "condition": "input.amount < 1000"}
      ]}""";

  @Test
  void firstMatchingCaseWins() {
    NodeResult r = harness().input("""
        {"amount": 500}""").run("switch", CASES);

    assertThat(r.ports()).containsExactly("medium");
    assertJson(r.output(), """
        {"amount": 500}""");
  }

  @Test
  void earlierCaseBeatsLaterOnes() {
    NodeResult r = harness().input("""
        {"amount": 5}""").run("switch", CASES);

    assertThat(r.ports()).containsExactly("small");
  }

  @Test
  void noMatchingCaseTakesDefault() {
    NodeResult r = harness().input("""
        {"amount": 5000}""").run("switch", CASES);

    assertThat(r.ports()).containsExactly("default");
  }

  @Test
  void casesAfterTheMatchAreNotEvaluated() {
    // The second condition would fail (missing key) if it were evaluated.
    NodeResult r = harness().input("""
        {"kind": "a"}""").run("switch", """
        {"cases": [
          {"name": "a", "condition": "input.kind == 'a'"},
          {"name": "b", "condition": "input.missing == 1"}
        ]}""");

    assertThat(r.ports()).containsExactly("a");
  }

  @Test
  void nonBooleanConditionFailsNamingTheCase() {
    NodeFailure f = harness().input("""
        {"kind": "x"}""").failure("switch", """
        {"cases": [
          {"name": "a", "condition": "input.kind == 'a'"},
          {"name": "b", "condition": "input.kind"}
        ]}""");

    assertThat(f.code()).isEqualTo("expr.not_boolean");
    assertThat(f.getMessage()).contains("/config/cases/1/condition");
  }

  @Test
  void portsAreCaseNamesPlusDefault() {
    SwitchNodeConfig config = new SwitchNodeConfig(List.of(
        new SwitchNodeConfig.Case("low", "true"), new SwitchNodeConfig.Case("high", "false")));

    assertThat(new SwitchNode().ports(config)).containsExactly("low", "high", "default");
  }

  @Test
  void validateRejectsReservedAndDuplicateCaseNames() {
    SwitchNodeConfig config = new SwitchNodeConfig(List.of(
        new SwitchNodeConfig.Case("a", "true"),
        new SwitchNodeConfig.Case("default", "true"),
        new SwitchNodeConfig.Case("a", "true"),
        new SwitchNodeConfig.Case("error", "true"),
        new SwitchNodeConfig.Case("main", "true")));

    List<Violation> v = new SwitchNode().validate(config, GraphStub.of("switch"));

    assertThat(v).extracting(Violation::path, Violation::code).containsExactly(
        org.assertj.core.groups.Tuple.tuple("/cases/1/name", "switch.case_reserved"),
        org.assertj.core.groups.Tuple.tuple("/cases/2/name", "switch.case_duplicate"),
        org.assertj.core.groups.Tuple.tuple("/cases/3/name", "switch.case_reserved"),
        org.assertj.core.groups.Tuple.tuple("/cases/4/name", "switch.case_reserved"));
  }

  @Test
  void validateAcceptsDistinctNames() {
    SwitchNodeConfig config = new SwitchNodeConfig(List.of(
        new SwitchNodeConfig.Case("a", "true"), new SwitchNodeConfig.Case("b", "true")));

    assertThat(new SwitchNode().validate(config, GraphStub.of("switch"))).isEmpty();
  }
}
