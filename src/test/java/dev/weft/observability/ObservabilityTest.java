package dev.weft.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.api.ServiceTestSupport;
import dev.weft.engine.Mdc;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

/**
 * Metrics at /actuator/prometheus after real runs, health of PostgreSQL and Temporal, run ids in the MDC.
 */
class ObservabilityTest extends ServiceTestSupport {

  @Test
  void runsAndNodesShowInPrometheus() {
    String ok = create("examples/hello.json", "obs");
    Response done = post("/api/workflows/" + ok + "/runs?wait=PT30S", "{\"input\": {\"name\": \"Ada\"}}");
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.json().get("status").stringValue()).isEqualTo("COMPLETED");

    String bad = create("obs-fail.json", "obs-fail");
    Response failed = post("/api/workflows/" + bad + "/runs?wait=PT30S", "{\"input\": {}}");
    assertThat(failed.status()).isEqualTo(200);
    JsonNode state = failed.json();
    assertThat(state.get("status").stringValue()).isEqualTo("FAILED");
    assertThat(state.at("/nodes/call/status").stringValue()).isEqualTo("FAILED");
    assertThat(state.at("/nodes/boom/status").stringValue()).isEqualTo("FAILED");
    String setCode = state.at("/nodes/boom/error/code").stringValue();

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      List<String> lines = prometheus();
      assertThat(value(lines, "weft_runs_started_total", "workflow=\"" + ok + "\"")).isEqualTo(1.0);
      assertThat(value(lines, "weft_runs_completed_total", "workflow=\"" + ok + "\"")).isEqualTo(1.0);
      assertThat(value(lines, "weft_runs_started_total", "workflow=\"" + bad + "\"")).isEqualTo(1.0);
      assertThat(value(lines, "weft_runs_failed_total", "workflow=\"" + bad + "\"")).isEqualTo(1.0);
      assertThat(find(lines, "weft_runs_failed_total", "workflow=\"" + ok + "\"")).isNull();
      assertThat(value(lines, "weft_node_duration_seconds_count", "type=\"set\"", "outcome=\"completed\"")).isGreaterThanOrEqualTo(1.0);
      assertThat(value(lines, "weft_node_duration_seconds_count", "type=\"set\"", "outcome=\"failed\"")).isGreaterThanOrEqualTo(1.0);
      assertThat(find(lines, "weft_node_duration_seconds_sum", "type=\"set\"")).isNotNull();
      assertThat(value(lines, "weft_node_failures_total", "type=\"http\"", "code=\"http.connect\"")).isGreaterThanOrEqualTo(1.0);
      assertThat(value(lines, "weft_node_attempt_failures_total", "type=\"http\"", "code=\"http.connect\"")).isGreaterThanOrEqualTo(1.0);
      if (setCode != null) {
        assertThat(value(lines, "weft_node_failures_total", "type=\"set\"", "code=\"" + setCode + "\"")).isGreaterThanOrEqualTo(1.0);
      }
      // No run or node ids as tags.
      assertThat(lines).filteredOn(l -> l.startsWith("weft_")).noneMatch(l -> l.contains("runId") || l.contains("nodeId"));
      assertThat(lines).filteredOn(l -> l.startsWith("weft_")).noneMatch(l -> l.contains(ok + "-") || l.contains(bad + "-"));
    });

    // The SDK's own metrics reach the same registry (its reporter flushes every 10 s).
    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(prometheus()).anyMatch(l -> l.startsWith("temporal_")));
  }

  @Test
  void healthShowsDatabaseAndTemporalUp() {
    Response r = get("/actuator/health");
    assertThat(r.status()).isEqualTo(200);
    JsonNode health = r.json();
    assertThat(health.get("status").stringValue()).isEqualTo("UP");
    assertThat(health.at("/components/db/status").stringValue()).isEqualTo("UP");
    assertThat(health.at("/components/temporal/status").stringValue()).isEqualTo("UP");
    assertThat(health.at("/components/temporal/details/namespace").stringValue()).isEqualTo("default");
    assertThat(health.at("/components/temporal/details/target").isString()).isTrue();
    assertThat(r.text()).doesNotContain("stackTrace").doesNotContain("\tat ");
  }

  @Test
  void theTemporalIndicatorIsDownWithoutAStackTraceWhenTheFrontendIsUnreachable() {
    io.temporal.serviceclient.WorkflowServiceStubs stubs = io.temporal.serviceclient.WorkflowServiceStubs.newServiceStubs(
        io.temporal.serviceclient.WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:1").build());
    try {
      io.temporal.client.WorkflowClient client = io.temporal.client.WorkflowClient.newInstance(stubs,
          io.temporal.client.WorkflowClientOptions.newBuilder().setNamespace("elsewhere").build());
      var health = new TemporalHealthIndicator(client, Duration.ofMillis(500)).health();
      assertThat(health.getStatus().getCode()).isEqualTo("DOWN");
      assertThat(health.getDetails()).containsEntry("target", "127.0.0.1:1").containsEntry("namespace", "elsewhere")
          .containsKey("error");
      assertThat(health.getDetails().get("error").toString()).startsWith("UNAVAILABLE").doesNotContain("\tat ");
      assertThat(health.getDetails().values()).noneMatch(v -> v instanceof Throwable);
    } finally {
      stubs.shutdownNow();
    }
  }

  @Test
  void aRunsRequestsCarryItsIdInTheMdc() throws Exception {
    assertThat(mdcDuring("/api/runs/orders-0123456789abcdef0123456789abcdef/events")).isEqualTo("orders-0123456789abcdef0123456789abcdef");
    assertThat(mdcDuring("/api/runs/orders-0123456789abcdef0123456789abcdef")).isEqualTo("orders-0123456789abcdef0123456789abcdef");
    assertThat(mdcDuring("/api/runs/a-b-0123/events/stream")).isEqualTo("a-b-0123");
    assertThat(mdcDuring("/api/runs")).isNull();
    assertThat(mdcDuring("/api/runs/")).isNull();
    assertThat(mdcDuring("/api/workflows/x/runs")).isNull();
    assertThat(mdcDuring("/api/runs/bad%0Aid/events")).isNull();
    assertThat(MDC.get(Mdc.RUN_ID)).isNull();

    // What was there before comes back.
    MDC.put(Mdc.RUN_ID, "outer");
    try {
      assertThat(mdcDuring("/api/runs/inner-1/cancel")).isEqualTo("inner-1");
      assertThat(MDC.get(Mdc.RUN_ID)).isEqualTo("outer");
    } finally {
      MDC.remove(Mdc.RUN_ID);
    }

    // And a failing request leaves nothing behind.
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/runs/boom-1");
    try {
      new RequestMdcFilter().doFilter(request, new MockHttpServletResponse(), (req, res) -> {
        throw new IllegalStateException("boom");
      });
    } catch (IllegalStateException expected) {
      // thrown through
    }
    assertThat(MDC.get(Mdc.RUN_ID)).isNull();

    // Over HTTP the filter is in the chain and the request is served as before.
    assertThat(get("/api/runs/obs-nothing-0123456789abcdef0123456789abcdef").status()).isEqualTo(404);
    assertThat(MDC.get(Mdc.RUN_ID)).isNull();
  }

  private static String mdcDuring(String path) throws Exception {
    String before = MDC.get(Mdc.RUN_ID);
    AtomicReference<String> seen = new AtomicReference<>();
    MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
    new RequestMdcFilter().doFilter(request, new MockHttpServletResponse(), new MockFilterChain() {
      @Override
      public void doFilter(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse res) {
        seen.set(MDC.get(Mdc.RUN_ID));
      }
    });
    assertThat(MDC.get(Mdc.RUN_ID)).isEqualTo(before);
    return seen.get();
  }

  private List<String> prometheus() {
    Response r = get("/actuator/prometheus");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("text/plain");
    return Arrays.stream(r.text().split("\n")).filter(l -> !l.startsWith("#")).toList();
  }

  /** The first sample line of that metric carrying all the given tags (in any order), or null. */
  private static String find(List<String> lines, String name, String... tags) {
    return lines.stream()
        .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .filter(l -> Arrays.stream(tags).allMatch(l::contains))
        .findFirst().orElse(null);
  }

  private static double value(List<String> lines, String name, String... tags) {
    String line = find(lines, name, tags);
    assertThat(line).as("%s with %s", name, List.of(tags)).isNotNull();
    // "name{tags} value [timestamp]": the value is the first token after the tags.
    String rest = line.substring(line.contains("}") ? line.lastIndexOf('}') + 1 : name.length()).trim();
    return Double.parseDouble(rest.split("\\s+")[0]);
  }
}
