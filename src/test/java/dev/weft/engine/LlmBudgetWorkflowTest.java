package dev.weft.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ai.LlmClient;
import dev.weft.ai.TestModels;
import dev.weft.limits.JdbcLlmBudget;
import dev.weft.limits.LimitSettings;
import dev.weft.limits.RateLimiter;
import dev.weft.node.NodeFailure;
import dev.weft.node.llm.LlmStub;
import dev.weft.store.TestDatabase;
import dev.weft.domain.Tenants;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The daily LLM token budget in real runs: each call's tokens are added to the tenant's day in PostgreSQL;
 * once the day's budget is spent an llm node fails with {@code llm.budget_exhausted}, not retried, and the
 * model is not asked.
 */
class LlmBudgetWorkflowTest {
  /** A day of its own (its use is cleared before each test); an hour and half a minute before midnight. */
  private static final Instant NOW = Instant.parse("2031-03-04T22:59:30Z");
  private static final String GREET = """
      {"name": "greet", "nodes": [
        {"id": "greet", "type": "llm.chat", "config": {"prompt": "Greet {{ input.name }}."},
         "retry": {"maxAttempts": 3, "initialInterval": "1s"}}
      ], "edges": []}
      """;

  private LlmStub llm;
  private EngineTestSupport t;
  private RateLimiter limiter;
  private JdbcLlmBudget budget;
  private String tenant;

  @BeforeEach
  void setUp() {
    llm = new LlmStub();
    llm.answers("Hello.");
    // 150 tokens a day; each answer uses 120 (100 in, 20 out).
    LimitSettings settings = LimitSettings.of(true, "free", Map.of("free", new LimitSettings.TierSettings(null, null, null,
        null, null, null, null, null, 150L)), Duration.ofMinutes(10));
    limiter = new RateLimiter(TestDatabase.dataSource(), settings, x -> "free", false);
    budget = new JdbcLlmBudget(TestDatabase.jdbc(), limiter, Clock.fixed(NOW, ZoneOffset.UTC));
    t = new EngineTestSupport(new LlmClient(TestModels.models(llm.baseUrl()), budget));
    tenant = Tenants.current();
    TestDatabase.jdbc().sql("DELETE FROM llm_usage WHERE tenant_id = :t AND day = :d").param("t", tenant)
        .param("d", LocalDate.ofInstant(NOW, ZoneOffset.UTC)).update();
  }

  @AfterEach
  void tearDown() {
    t.close();
    llm.close();
    limiter.close();
  }

  @Test
  void onceTheDaysTokensAreSpentAnLlmNodeFailsWithoutRetryOrModelCall() {
    WorkflowStub first = t.start(GREET, "{\"name\": \"Ada\"}");
    assertThat(first.getResult(RunResult.class)).isNotNull();
    assertThat(budget.usedToday()).isEqualTo(120);
    // Under the budget when it starts: the call runs to its end and the day passes the budget.
    WorkflowStub second = t.start(GREET, "{\"name\": \"Bob\"}");
    assertThat(second.getResult(RunResult.class)).isNotNull();
    assertThat(budget.usedToday()).isEqualTo(240);
    assertThat(budget.exhausted()).hasValueSatisfying(e -> {
      assertThat(e.used()).isEqualTo(240);
      assertThat(e.budget()).isEqualTo(150);
      // 22:59:30 UTC: the budget renews in an hour and half a minute.
      assertThat(e.retryAfterSeconds()).isEqualTo(3630);
    });

    WorkflowStub third = t.start(GREET, "{\"name\": \"Cy\"}");

    assertThatThrownBy(() -> third.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
    RunState s = t.state(third);
    assertThat(s.status()).isEqualTo(RunStatus.FAILED);
    NodeState greet = s.nodes().get("greet");
    assertThat(greet.status()).isEqualTo(NodeStatus.FAILED);
    assertThat(greet.error().code()).isEqualTo("llm.budget_exhausted");
    assertThat(greet.error().message()).contains("150 tokens", "llm-tokens-per-day");
    assertThat(greet.attempts()).as("not retried").isEqualTo(1);
    assertThat(llm.requests()).as("the model was not asked").hasSize(2);
    assertThat(budget.usedToday()).isEqualTo(240);
  }

  @Test
  void anotherTenantsUseDoesNotCount() {
    Tenants.call("rich-tenant", () -> {
      budget.spent(10_000);
      return null;
    });
    assertThat(budget.exhausted()).isEmpty();
    assertThat(Tenants.call("rich-tenant", budget::exhausted)).isPresent();
    LlmClient client = new LlmClient(TestModels.models(llm.baseUrl()), budget);
    assertThatThrownBy(() -> Tenants.call("rich-tenant", () -> client.call("default", java.util.List.of(
        new org.springframework.ai.chat.messages.UserMessage("hi"))))).isInstanceOfSatisfying(NodeFailure.class, f -> {
          assertThat(f.code()).isEqualTo("llm.budget_exhausted");
          assertThat(f.retryable()).isFalse();
        });
    assertThat(llm.requests()).isEmpty();
  }
}
