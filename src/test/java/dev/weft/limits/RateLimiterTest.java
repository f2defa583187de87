package dev.weft.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.store.TestDatabase;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The limiter over PostgreSQL: buckets shared by instances, the principal's and the tenant's bucket both
 * taken, tiers per tenant, webhook buckets per path, 0 = unlimited, the switch, and the sweep.
 */
class RateLimiterTest {
  private final DataSource db = TestDatabase.dataSource();
  private final java.util.List<RateLimiter> opened = new java.util.ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(RateLimiter::close);
  }

  /** A tenant id no other test uses (the database is shared by this JVM's store tests). */
  private static String tenant() {
    return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  private RateLimiter limiter(LimitSettings settings, TenantTiers tiers) {
    RateLimiter l = new RateLimiter(db, settings, tiers, false);
    opened.add(l);
    return l;
  }

  private static LimitSettings pro(String limit, Integer principal, Integer tenant) {
    LimitSettings.RateSettings r = new LimitSettings.RateSettings(principal, tenant);
    LimitSettings.TierSettings t = switch (limit) {
      case "run-starts" -> new LimitSettings.TierSettings(null, r, null, null, null, null, null, null, null);
      case "webhook" -> new LimitSettings.TierSettings(null, null, r, null, null, null, null, null, null);
      default -> throw new IllegalArgumentException(limit);
    };
    return LimitSettings.of(true, "pro", Map.of("pro", t), Duration.ofMinutes(10));
  }

  @Test
  void twoInstancesOverOneDatabaseShareABucket() {
    // Two limiters (two Weft instances) over the same PostgreSQL: 3 run starts a minute between them.
    LimitSettings settings = pro("run-starts", 3, 100);
    RateLimiter a = limiter(settings, t -> "pro");
    RateLimiter b = limiter(settings, t -> "pro");
    String tenant = tenant();

    assertThat(a.acquire(RateLimit.RUN_STARTS, tenant, "alice")).isEmpty();
    assertThat(b.acquire(RateLimit.RUN_STARTS, tenant, "alice")).isEmpty();
    assertThat(a.acquire(RateLimit.RUN_STARTS, tenant, "alice")).isEmpty();
    Optional<RateLimiter.Refusal> refused = b.acquire(RateLimit.RUN_STARTS, tenant, "alice");

    assertThat(refused).isPresent();
    assertThat(refused.get().limit()).isEqualTo(RateLimit.RUN_STARTS);
    assertThat(refused.get().scope()).isEqualTo("principal");
    assertThat(refused.get().retryAfterSeconds()).isBetween(1L, 60L);
    assertThat(refused.get().message()).contains("run-starts", "3 time(s) a minute", "weft.limits.tiers.pro.run-starts.principal");
    assertThat(a.acquire(RateLimit.RUN_STARTS, tenant, "alice")).isPresent();
    // Another principal has a bucket of its own.
    assertThat(a.acquire(RateLimit.RUN_STARTS, tenant, "bob")).isEmpty();
    assertThat(JdbcClient.create(db).sql("SELECT count(*) FROM rate_limit_buckets WHERE id LIKE :k")
        .param("k", "run-starts:3:t:" + tenant + ":p:%").query(Long.class).single()).isEqualTo(2);
  }

  @Test
  void theTenantsBucketLimitsAllItsPrincipalsAndOtherTenantsAreNotAffected() {
    RateLimiter l = limiter(pro("run-starts", 5, 3), t -> "pro");
    String acme = tenant();
    String other = tenant();

    assertThat(l.acquire(RateLimit.RUN_STARTS, acme, "alice")).isEmpty();
    assertThat(l.acquire(RateLimit.RUN_STARTS, acme, "alice")).isEmpty();
    assertThat(l.acquire(RateLimit.RUN_STARTS, acme, "bob")).isEmpty();
    Optional<RateLimiter.Refusal> bob = l.acquire(RateLimit.RUN_STARTS, acme, "bob");

    assertThat(bob).isPresent();
    assertThat(bob.get().scope()).isEqualTo("tenant");
    assertThat(bob.get().message()).contains("tenant '" + acme + "'", "weft.limits.tiers.pro.run-starts.tenant");
    assertThat(l.acquire(RateLimit.RUN_STARTS, acme, "carol").map(RateLimiter.Refusal::scope)).contains("tenant");
    assertThat(l.acquire(RateLimit.RUN_STARTS, other, "alice")).isEmpty();
    // Another limit is another bucket.
    assertThat(l.acquire(RateLimit.SAVE, acme, "bob")).isEmpty();
  }

  @Test
  void aTenantsRefusalGivesThePrincipalsTokenBack() {
    RateLimiter l = limiter(pro("run-starts", 2, 1), t -> "pro");
    String acme = tenant();
    assertThat(l.acquire(RateLimit.RUN_STARTS, acme, "bob")).isEmpty();
    // The tenant's bucket refuses alice: her own bucket keeps both tokens.
    assertThat(l.acquire(RateLimit.RUN_STARTS, acme, "alice").map(RateLimiter.Refusal::scope)).contains("tenant");
    assertThat(l.acquire(RateLimit.RUN_STARTS, acme, "alice").map(RateLimiter.Refusal::scope)).contains("tenant");
    RateLimiter wide = limiter(pro("run-starts", 2, 50), t -> "pro");
    assertThat(JdbcClient.create(db).sql("SELECT count(*) FROM rate_limit_buckets WHERE id = :k")
        .param("k", "run-starts:2:t:" + acme + ":p:alice").query(Long.class).single()).isEqualTo(1);
    // Same principal bucket (same number), a roomier tenant bucket: alice still has her 2.
    assertThat(wide.acquire(RateLimit.RUN_STARTS, acme, "alice")).isEmpty();
    assertThat(wide.acquire(RateLimit.RUN_STARTS, acme, "alice")).isEmpty();
    assertThat(wide.acquire(RateLimit.RUN_STARTS, acme, "alice").map(RateLimiter.Refusal::scope)).contains("principal");
  }

  @Test
  void eachTenantGetsItsTiersNumbers() {
    String small = tenant();
    String big = tenant();
    RateLimiter l = limiter(LimitSettings.defaults(true, "pro"), t -> t.equals(small) ? "free" : "enterprise");
    int free = LimitSettings.BUILT_IN.get("free").rate(RateLimit.RUN_STARTS).principal();
    for (int i = 0; i < free; i++) assertThat(l.acquire(RateLimit.RUN_STARTS, small, "alice")).isEmpty();
    assertThat(l.acquire(RateLimit.RUN_STARTS, small, "alice").map(RateLimiter.Refusal::tier)).contains("free");
    for (int i = 0; i <= free; i++) assertThat(l.acquire(RateLimit.RUN_STARTS, big, "alice")).isEmpty();
    // Enterprise saves are unlimited (0): no bucket at all.
    for (int i = 0; i < 50; i++) assertThat(l.acquire(RateLimit.SAVE, big, "alice")).isEmpty();
    assertThat(JdbcClient.create(db).sql("SELECT count(*) FROM rate_limit_buckets WHERE id LIKE :k")
        .param("k", "save:%:t:" + big + "%").query(Long.class).single()).isZero();
    // A tier that does not exist falls back to the default tier.
    String odd = tenant();
    RateLimiter unknown = limiter(LimitSettings.defaults(true, "free"), t -> "platinum");
    assertThat(unknown.tierOf(odd).name()).isEqualTo("free");
  }

  @Test
  void webhooksAreLimitedPerTenantAndPath() {
    RateLimiter l = limiter(pro("webhook", null, 2), t -> "pro");
    String acme = tenant();
    assertThat(l.acquireWebhook(acme, "orders/new")).isEmpty();
    assertThat(l.acquireWebhook(acme, "orders/new")).isEmpty();
    Optional<RateLimiter.Refusal> third = l.acquireWebhook(acme, "orders/new");
    assertThat(third).isPresent();
    assertThat(third.get().scope()).isEqualTo("path");
    assertThat(third.get().limit()).isEqualTo(RateLimit.WEBHOOK);
    assertThat(l.acquireWebhook(acme, "orders/cancel")).isEmpty();
    assertThat(l.acquireWebhook(tenant(), "orders/new")).isEmpty();
  }

  @Test
  void longKeysAreHashedAndStayDistinct() {
    RateLimiter l = limiter(pro("webhook", null, 1), t -> "pro");
    String acme = tenant();
    String head = "x".repeat(300);
    assertThat(l.acquireWebhook(acme, head + "a")).isEmpty();
    assertThat(l.acquireWebhook(acme, head + "b")).isEmpty();
    assertThat(l.acquireWebhook(acme, head + "a")).isPresent();
    assertThat(RateLimiter.compact("k".repeat(500))).hasSizeLessThan(200);
  }

  @Test
  void switchedOffNothingIsRefusedOrStored() {
    String acme = tenant();
    RateLimiter l = limiter(LimitSettings.of(false, "free", Map.of(), Duration.ofMinutes(1)), t -> "free");
    for (int i = 0; i < 20; i++) {
      assertThat(l.acquire(RateLimit.RUN_STARTS, acme, "alice")).isEmpty();
      assertThat(l.acquireWebhook(acme, "p")).isEmpty();
    }
    assertThat(JdbcClient.create(db).sql("SELECT count(*) FROM rate_limit_buckets WHERE id LIKE :k")
        .param("k", "%:t:" + acme + "%").query(Long.class).single()).isZero();
  }

  @Test
  void theSweepDeletesBucketsThatAreFullAgain() {
    JdbcClient jdbc = JdbcClient.create(db);
    String stale = "run-starts:5:t:" + tenant();
    String live = "run-starts:5:t:" + tenant();
    jdbc.sql("INSERT INTO rate_limit_buckets (id, state, expires_at) VALUES (:id, NULL, :at)").param("id", stale)
        .param("at", System.currentTimeMillis() - 60_000).update();
    jdbc.sql("INSERT INTO rate_limit_buckets (id, state, expires_at) VALUES (:id, NULL, :at)").param("id", live)
        .param("at", System.currentTimeMillis() + 600_000).update();

    assertThat(limiter(LimitSettings.defaults(true, "pro"), t -> "pro").sweep()).isPositive();

    assertThat(jdbc.sql("SELECT id FROM rate_limit_buckets WHERE id IN (:a, :b)").param("a", stale).param("b", live)
        .query(String.class).list()).containsExactly(live);
  }

  @Test
  void anUnreachableDatabaseIsADataAccessFailureTheApiAnswers503() {
    RateLimiter down = new RateLimiter(new org.springframework.jdbc.datasource.DriverManagerDataSource(
        "jdbc:postgresql://127.0.0.1:1/nowhere"), LimitSettings.defaults(true, "pro"), t -> "pro", false);
    opened.add(down);
    assertThatThrownBy(() -> down.acquire(RateLimit.RUN_STARTS, tenant(), "alice"))
        .isInstanceOf(org.springframework.dao.DataAccessResourceFailureException.class);
    assertThatThrownBy(() -> down.acquireWebhook(tenant(), "p"))
        .isInstanceOf(org.springframework.dao.DataAccessResourceFailureException.class);
  }

  @Test
  void settingsOverrideTheBuiltInNumbersOneByOne() {
    LimitSettings s = pro("run-starts", 7, null);
    Tier pro = s.tier("pro");
    assertThat(pro.rate(RateLimit.RUN_STARTS)).isEqualTo(new Tier.Rate(7, 200));
    assertThat(pro.rate(RateLimit.SAVE)).isEqualTo(LimitSettings.BUILT_IN.get("pro").rate(RateLimit.SAVE));
    assertThat(pro.llmTokensPerDay()).isEqualTo(2_000_000);
    assertThatThrownBy(() -> LimitSettings.of(true, "gold", Map.of(), Duration.ofMinutes(1)))
        .hasMessageContaining("default-tier 'gold'");
    assertThatThrownBy(() -> LimitSettings.of(true, "pro", Map.of("gold",
        new LimitSettings.TierSettings(null, null, null, null, null, null, null, null, null)), Duration.ofMinutes(1)))
        .hasMessageContaining("weft.limits.tiers.gold");
    assertThatThrownBy(() -> LimitSettings.of(true, "pro", Map.of("pro",
        new LimitSettings.TierSettings(null, new LimitSettings.RateSettings(-1, null), null, null, null, null, null, null, null)),
        Duration.ofMinutes(1))).hasMessageContaining("0 (unlimited) or more");
  }
}
