package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.TestRegistries;
import dev.weft.validate.ValidationReport;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Workload 3's definitions are valid workflows with a waiting webhook trigger, and the benchmark is off unless
 * client counts are given, so {@code ./mvnw -Pbench verify} and {@code BenchSmokeE2E} do not run it by accident.
 */
class WebhookBenchTest {
  @Test
  void bothVariantsAreValidWebhookFlowsEndingInRespond() {
    for (String variant : new String[] {"set", "code"}) {
      ValidationReport report = TestRegistries.validator().validate(WebhookBench.definition(variant, "bench/" + variant));
      assertThat(report.valid()).as(variant + ": " + report.errors()).isTrue();
      String json = WebhookBench.definition(variant, "bench/" + variant);
      assertThat(json).contains("\"type\": \"webhook\"", "\"wait\": \"60s\"", "\"type\": \"respond\"",
          variant.equals("code") ? "\"type\": \"code\"" : "\"id\": \"shape\", \"type\": \"set\"");
    }
    assertThatThrownBy(() -> WebhookBench.definition("http", "x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void setNVariantIsAValidFlowWithNSetNodesInARow() {
    String json = WebhookBench.definition("set5", "bench/set5");
    ValidationReport report = TestRegistries.validator().validate(json);
    assertThat(report.valid()).as(report.errors().toString()).isTrue();
    assertThat(json).contains("\"to\": \"shape1\"", "{\"from\": \"shape4\", \"to\": \"shape5\"}",
        "{\"from\": \"shape5\", \"to\": \"answer\"}").doesNotContain("\"id\": \"shape\"");
    assertThat(WebhookBench.setNodes("set")).isEqualTo(1);
    assertThat(WebhookBench.setNodes("set5")).isEqualTo(5);
    assertThat(WebhookBench.setNodes("code")).isZero();
    assertThatThrownBy(() -> WebhookBench.setNodes("set0")).isInstanceOf(IllegalArgumentException.class);
    assertThat(WebhookBench.flow("set5")).isEqualTo("set → if → 5× set → respond");
  }

  @Test
  void offUnlessClientCountsAreGiven() {
    System.clearProperty("weft.bench.webhook");
    assertThat(WebhookBench.Settings.fromSystemProperties(Path.of("target/bench")).on()).isFalse();
    System.setProperty("weft.bench.webhook", "1, 4");
    try {
      WebhookBench.Settings s = WebhookBench.Settings.fromSystemProperties(Path.of("target/bench"));
      assertThat(s.on()).isTrue();
      assertThat(s.clients()).containsExactly(1, 4);
      assertThat(s.setups()).containsExactly("dev", "embedded");
      assertThat(s.repeat()).isEqualTo(1);
      assertThat(s.fsync()).isTrue();
    } finally {
      System.clearProperty("weft.bench.webhook");
    }
  }
}
