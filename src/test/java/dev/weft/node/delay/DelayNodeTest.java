package dev.weft.node.delay;

import static dev.weft.JsonAssert.assertJson;
import static dev.weft.node.NodeHarness.harness;
import static dev.weft.node.NodeHarness.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.weft.definition.Violation;
import dev.weft.engine.NodeInvoker;
import dev.weft.node.GraphStub;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeKind;
import dev.weft.node.NodeResult;
import dev.weft.node.WaitContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code delay}: waits on a durable timer for a duration or until an instant, then passes its input on.
 * Time comes from a fake {@link WaitContext} that records the sleeps instead of sleeping.
 */
class DelayNodeTest {
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  private final DelayNode node = new DelayNode();

  /** Workflow time standing still; every requested sleep is recorded. */
  static final class FakeWait implements WaitContext, NodeInvoker.Clock {
    final List<Duration> sleeps = new ArrayList<>();
    final JsonNode upstream;

    FakeWait(JsonNode upstream) {
      this.upstream = upstream;
    }

    @Override
    public Instant now() {
      return NOW;
    }

    @Override
    public void sleep(Duration d) {
      sleeps.add(d);
    }

    @Override
    public dev.weft.node.HumanTask openTask(dev.weft.node.HumanTask.Spec spec) {
      throw new AssertionError("a delay asks nobody");
    }

    @Override
    public String runId() {
      return "run-1";
    }

    @Override
    public String nodeId() {
      return "wait";
    }

    @Override
    public JsonNode upstream() {
      return upstream;
    }

    @Override
    public Map<String, JsonNode> incoming() {
      return Map.of();
    }

    @Override
    public JsonNode evaluate(String expression, String field, JsonNode item) {
      throw new UnsupportedOperationException("delay evaluates nothing");
    }
  }

  @Test
  void durationSleepsThatLongAndPassesUpstreamThrough() {
    FakeWait ctx = new FakeWait(json("""
        {"v": 1}"""));

    NodeResult r = node.await(new DelayNodeConfig("90s", null), ctx);

    assertThat(ctx.sleeps).containsExactly(Duration.ofSeconds(90));
    assertJson(r.output(), """
        {"v": 1}""");
    assertThat(r.ports()).containsExactly("main");
  }

  @Test
  void isoDurationIsAccepted() {
    FakeWait ctx = new FakeWait(json("null"));

    node.await(new DelayNodeConfig("PT1H30M", null), ctx);

    assertThat(ctx.sleeps).containsExactly(Duration.ofMinutes(90));
  }

  @Test
  void zeroDurationDoesNotSleep() {
    FakeWait ctx = new FakeWait(json("null"));

    node.await(new DelayNodeConfig("0s", null), ctx);

    assertThat(ctx.sleeps).isEmpty();
  }

  @Test
  void untilInThePastDoesNotSleep() {
    FakeWait ctx = new FakeWait(json("1"));

    NodeResult r = node.await(new DelayNodeConfig(null, "2025-06-01T11:59:59Z"), ctx);

    assertThat(ctx.sleeps).isEmpty();
    assertJson(r.output(), "1");
  }

  @Test
  void untilNowDoesNotSleep() {
    FakeWait ctx = new FakeWait(json("1"));

    node.await(new DelayNodeConfig(null, NOW.toString()), ctx);

    assertThat(ctx.sleeps).isEmpty();
  }

  @Test
  void untilInTheFutureSleepsTheDifference() {
    FakeWait ctx = new FakeWait(json("1"));

    node.await(new DelayNodeConfig(null, "2025-06-02T13:30:00Z"), ctx);

    assertThat(ctx.sleeps).containsExactly(Duration.ofHours(25).plusMinutes(30));
  }

  @Test
  void untilWithAnOffsetIsAnInstant() {
    FakeWait ctx = new FakeWait(json("1"));

    node.await(new DelayNodeConfig(null, "2025-06-01T15:00:00+02:00"), ctx);

    assertThat(ctx.sleeps).containsExactly(Duration.ofHours(1));
  }

  @Test
  void awaitFailures() {
    FakeWait ctx = new FakeWait(json("1"));

    assertThatThrownBy(() -> node.await(new DelayNodeConfig("soon", null), ctx))
        .isInstanceOfSatisfying(NodeFailure.class, f -> {
          assertThat(f.code()).isEqualTo("duration.invalid");
          assertThat(f.retryable()).isFalse();
        });
    assertThatThrownBy(() -> node.await(new DelayNodeConfig(null, "tomorrow"), ctx))
        .isInstanceOfSatisfying(NodeFailure.class, f -> assertThat(f.code()).isEqualTo("delay.until_invalid"));
    assertThatThrownBy(() -> node.await(new DelayNodeConfig(null, null), ctx))
        .isInstanceOfSatisfying(NodeFailure.class, f -> assertThat(f.code()).isEqualTo("delay.invalid"));
    assertThatThrownBy(() -> node.await(new DelayNodeConfig("367d", null), ctx))
        .isInstanceOfSatisfying(NodeFailure.class, f -> assertThat(f.code()).isEqualTo("delay.too_long"));
    assertThatThrownBy(() -> node.await(new DelayNodeConfig(null, "2027-01-01T00:00:00Z"), ctx))
        .isInstanceOfSatisfying(NodeFailure.class, f -> assertThat(f.code()).isEqualTo("delay.too_long"));
    assertThat(ctx.sleeps).isEmpty();
  }

  @Test
  void longestAllowedDelaySleeps() {
    FakeWait ctx = new FakeWait(json("1"));

    node.await(new DelayNodeConfig("366d", null), ctx);

    assertThat(ctx.sleeps).containsExactly(DelayNode.MAX_DELAY);
  }

  @Test
  void validateAcceptsOneOfDurationAndUntil() {
    assertThat(node.validate(new DelayNodeConfig("5m", null), GraphStub.of("delay"))).isEmpty();
    assertThat(node.validate(new DelayNodeConfig(null, "2025-01-01T00:00:00Z"), GraphStub.of("delay"))).isEmpty();
  }

  @Test
  void validateSkipsTemplates() {
    assertThat(node.validate(new DelayNodeConfig("{{ input.wait }}", null), GraphStub.of("delay"))).isEmpty();
    assertThat(node.validate(new DelayNodeConfig(null, "{{ input.at }}"), GraphStub.of("delay"))).isEmpty();
  }

  @Test
  void validateCodes() {
    assertThat(node.validate(new DelayNodeConfig(null, null), GraphStub.of("delay")))
        .extracting(Violation::path, Violation::code).containsExactly(tuple("", "delay.invalid"));
    assertThat(node.validate(new DelayNodeConfig("5m", "2025-01-01T00:00:00Z"), GraphStub.of("delay")))
        .extracting(Violation::path, Violation::code).containsExactly(tuple("", "delay.invalid"));
    assertThat(node.validate(new DelayNodeConfig("5 minutes", null), GraphStub.of("delay")))
        .extracting(Violation::path, Violation::code).containsExactly(tuple("/duration", "duration.invalid"));
    assertThat(node.validate(new DelayNodeConfig("400d", null), GraphStub.of("delay")))
        .extracting(Violation::path, Violation::code).containsExactly(tuple("/duration", "delay.too_long"));
    assertThat(node.validate(new DelayNodeConfig(null, "next monday"), GraphStub.of("delay")))
        .extracting(Violation::path, Violation::code).containsExactly(tuple("/until", "delay.until_invalid"));
  }

  @Test
  void throughTheInvokerTemplatesResolveBeforeWaiting() {
    FakeWait clock = new FakeWait(null);

    NodeResult r = harness()
        .input("""
            {"at": "2025-06-01T12:00:00Z"}""")
        .from("prev", """
            {"x": 1}""")
        .clock(clock)
        .run("delay", """
            {"until": "{{ timestamp(input.at) + duration('45m') }}"}""");

    assertThat(clock.sleeps).containsExactly(Duration.ofMinutes(45));
    assertJson(r.output(), """
        {"x": 1}""");
  }

  @Test
  void throughTheInvokerADurationTemplateResolves() {
    FakeWait clock = new FakeWait(null);

    harness().input("""
        {"wait": "2h"}""").clock(clock).run("delay", """
        {"duration": "{{ input.wait }}"}""");

    assertThat(clock.sleeps).containsExactly(Duration.ofHours(2));
  }

  @Test
  void isAWaitNode() {
    assertThat(node.kind()).isEqualTo(NodeKind.WAIT);
  }
}
