package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.TestRegistries;
import dev.weft.node.NodeType;
import dev.weft.validate.ValidationReport;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Workload 4's pieces that need no server: its definition, its settings (off unless selected, so
 * {@code ./mvnw -Pbench verify} and {@code BenchSmokeE2E} do not start 10,000 runs by accident), the ramp's
 * stop rule and the sustained rate.
 */
class ParkedBenchTest {
  private static ParkedBench.Step step(int rate, int sent, List<Double> completed, List<String> errors) {
    return new ParkedBench.Step(rate, sent, completed, completed, errors, 1);
  }

  @Test
  void theDefinitionIsAnApprovalThenANoOpOnItsApprovedPort() {
    ValidationReport report = TestRegistries.validator(BenchNodes.all().toArray(NodeType<?>[]::new)).validate(ParkedBench.DEFINITION);
    assertThat(report.valid()).as(String.valueOf(report.errors())).isTrue();
    assertThat(ParkedBench.DEFINITION).contains("\"type\": \"approval\"", "\"approvers\": [\"approver\"]",
        "{\"from\": \"approve\", \"port\": \"approved\", \"to\": \"next\"}");
    assertThat(ParkedBench.APPROVER.matchesAny(List.of("approver"))).isTrue();
  }

  @Test
  void offUnlessANumberOfRunsIsGiven() {
    assertThat(ParkedBench.Settings.runs("")).isZero();
    assertThat(ParkedBench.Settings.runs("false")).isZero();
    assertThat(ParkedBench.Settings.runs("0")).isZero();
    assertThat(ParkedBench.Settings.runs("true")).isEqualTo(10_000);
    assertThat(ParkedBench.Settings.runs(" 2500 ")).isEqualTo(2_500);
    assertThatThrownBy(() -> ParkedBench.Settings.runs("-1")).isInstanceOf(IllegalArgumentException.class);
    System.clearProperty("weft.bench.parked");
    assertThat(ParkedBench.Settings.fromSystemProperties(Path.of("target/bench")).on()).isFalse();
    System.setProperty("weft.bench.parked", "300");
    System.setProperty("weft.bench.parked.rates", "5, 10");
    try {
      ParkedBench.Settings s = ParkedBench.Settings.fromSystemProperties(Path.of("target/bench"));
      assertThat(s.on()).isTrue();
      assertThat(s.runs()).isEqualTo(300);
      assertThat(s.rates()).containsExactly(5, 10);
      assertThat(s.arms()).containsExactly("A", "B");
      assertThat(s.server()).isEqualTo("tuned");
    } finally {
      System.clearProperty("weft.bench.parked");
      System.clearProperty("weft.bench.parked.rates");
    }
  }

  @Test
  void theRampStopsAtTheFirstRateWhoseP95PassesOneSecondOrThatLostApprovals() {
    // 20 approvals: p95 is the 19th smallest.
    List<Double> fast = java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(i -> i * 10.0).toList();
    List<Double> slowTail = java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(i -> i < 19 ? 100.0 : 1500.0).toList();
    List<Double> oneSlow = java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(i -> i < 20 ? 100.0 : 5000.0).toList();
    assertThat(ParkedBench.percentile(fast, 0.95)).isEqualTo(190.0);
    assertThat(ParkedBench.percentile(oneSlow, 0.95)).isEqualTo(100.0);

    assertThat(ParkedBench.stopReason(step(5, 20, fast, List.of()), 10, 1000, 5)).isNull();
    assertThat(ParkedBench.stopReason(step(5, 20, oneSlow, List.of()), 10, 1000, 5)).isNull();
    assertThat(ParkedBench.stopReason(step(40, 20, slowTail, List.of()), 80, 1000, 5)).isEqualTo("p95 above 1 s at 40/s");
    assertThat(ParkedBench.stopReason(step(5, 21, fast, List.of("WorkflowUpdateException: x")), 10, 1000, 5))
        .isEqualTo("1 of 21 approvals failed at 5/s");
    assertThat(ParkedBench.stopReason(step(5, 20, fast, List.of()), null, 1000, 5)).contains("highest rate");
    assertThat(ParkedBench.stopReason(step(5, 20, fast, List.of()), 10, 49, 5)).startsWith("parked runs used up");

    assertThat(ParkedBench.sustainedRate(List.of(step(5, 20, fast, List.of()), step(10, 20, fast, List.of()),
        step(20, 20, slowTail, List.of())))).isEqualTo(10);
    assertThat(ParkedBench.sustainedRate(List.of(step(5, 20, slowTail, List.of())))).isZero();
    // A lost approval is outside the goal even when the others were fast.
    assertThat(ParkedBench.sustainedRate(List.of(step(5, 20, fast, List.of()), step(10, 21, fast, List.of("e"))))).isEqualTo(5);
  }
}
