package dev.weft.limits;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.BucketExceptions;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * Per-minute rate limits as Bucket4j token buckets whose state lives in PostgreSQL (table
 * {@code rate_limit_buckets}, V8): each consumption locks the bucket's row ({@code SELECT ... FOR UPDATE})
 * in its own transaction, so every Weft instance over the same database draws from the same bucket.
 *
 * <p>A request passes two buckets of its limit: the principal's (limit, tenant, principal) and the
 * tenant's (limit, tenant); webhooks pass one per (tenant, hook path). The numbers come from the tenant's
 * tier ({@link TenantTiers}); a number of 0 means no bucket at all. A bucket holds its per-minute number
 * and refills greedily over the minute. The number is part of the key, so a tenant moved to another tier
 * starts with a full bucket of the new size. Rows of buckets that would be full again are swept every
 * {@link LimitSettings#sweepInterval()}.
 */
public final class RateLimiter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);
  static final String TABLE = "rate_limit_buckets";
  private static final int MAX_KEY_CHARS = 200;
  private static final int SWEEP_BATCH = 1000;

  private final LimitSettings settings;
  private final TenantTiers tiers;
  private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;
  private final ScheduledExecutorService sweeper;

  /**
   * @param sweep whether this instance sweeps expired buckets every {@link LimitSettings#sweepInterval()}
   *     (each instance may: deletes skip rows other transactions hold)
   */
  public RateLimiter(DataSource dataSource, LimitSettings settings, TenantTiers tiers, boolean sweep) {
    this.settings = settings;
    this.tiers = tiers;
    this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
        .primaryKeyMapper(PrimaryKeyMapper.STRING)
        .table(TABLE)
        .idColumn("id")
        .stateColumn("state")
        .expiresAtColumn("expires_at")
        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
        .build();
    if (sweep && settings.enabled()) {
      sweeper = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("weft-rate-limit-sweep")
          .unstarted(r));
      long every = settings.sweepInterval().toMillis();
      sweeper.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
    } else {
      sweeper = null;
    }
  }

  /** Why a request is refused: which limit, which bucket ({@code principal}, {@code tenant} or {@code path}), when to retry. */
  public record Refusal(RateLimit limit, String scope, String tenant, String tier, int perMinute, long retryAfterSeconds) {
    public String message() {
      String who = switch (scope) {
        case "principal" -> "this principal";
        case "path" -> "this webhook path";
        default -> "tenant '" + tenant + "'";
      };
      return "rate limit '" + limit.wire() + "' reached: " + who + " may do this at most " + perMinute + " time(s) a minute"
          + " (tier " + tier + ", weft.limits.tiers." + tier + "." + limit.wire() + "." + ("path".equals(scope) ? "tenant" : scope)
          + "); try again in " + retryAfterSeconds + " s";
    }
  }

  public LimitSettings settings() {
    return settings;
  }

  /** The tier of {@code tenant}; the default tier when {@link TenantTiers} names none that exists. */
  public Tier tierOf(String tenant) {
    String name = tiers.tierOf(tenant);
    Tier tier = settings.tier(name);
    if (tier == null) {
      log.warn("tenant '{}' has tier '{}', which is not one of {}; the default tier '{}' applies", tenant, name,
          LimitSettings.TIER_NAMES, settings.defaultTier());
      tier = settings.tier(settings.defaultTier());
    }
    return tier;
  }

  /**
   * Takes one token from {@code principal}'s bucket and from {@code tenant}'s bucket of {@code limit}, or
   * none: when the tenant's bucket refuses, the principal's token is given back.
   *
   * @return the refusal, or empty when the request may go on
   */
  public Optional<Refusal> acquire(RateLimit limit, String tenant, String principal) {
    if (!settings.enabled()) return Optional.empty();
    return unreachableAsDataAccess(() -> take(limit, tenant, principal));
  }

  private Optional<Refusal> take(RateLimit limit, String tenant, String principal) {
    Tier tier = tierOf(tenant);
    Tier.Rate rate = tier.rate(limit);
    BucketProxy mine = null;
    if (principal != null && rate.principal() > 0) {
      mine = bucket(key(limit, rate.principal(), tenant) + ":p:" + principal, rate.principal());
      ConsumptionProbe probe = mine.tryConsumeAndReturnRemaining(1);
      if (!probe.isConsumed()) return Optional.of(refusal(limit, "principal", tenant, tier, rate.principal(), probe));
    }
    if (rate.tenant() > 0) {
      ConsumptionProbe probe = bucket(key(limit, rate.tenant(), tenant), rate.tenant()).tryConsumeAndReturnRemaining(1);
      if (!probe.isConsumed()) {
        if (mine != null) mine.addTokens(1);
        return Optional.of(refusal(limit, "tenant", tenant, tier, rate.tenant(), probe));
      }
    }
    return Optional.empty();
  }

  /** Takes one token from the bucket of webhook {@code path} of {@code tenant} ({@code webhook.tenant} a minute). */
  public Optional<Refusal> acquireWebhook(String tenant, String path) {
    if (!settings.enabled()) return Optional.empty();
    return unreachableAsDataAccess(() -> takeWebhook(tenant, path));
  }

  private Optional<Refusal> takeWebhook(String tenant, String path) {
    Tier tier = tierOf(tenant);
    int perMinute = tier.rate(RateLimit.WEBHOOK).tenant();
    if (perMinute == 0) return Optional.empty();
    ConsumptionProbe probe = bucket(key(RateLimit.WEBHOOK, perMinute, tenant) + ":path:" + path, perMinute)
        .tryConsumeAndReturnRemaining(1);
    return probe.isConsumed() ? Optional.empty() : Optional.of(refusal(RateLimit.WEBHOOK, "path", tenant, tier, perMinute, probe));
  }

  /**
   * Bucket4j wraps the database's failures in its own exceptions: they leave as Spring's
   * {@link DataAccessResourceFailureException}, which the API answers as 503 {@code store.unavailable}.
   */
  private static Optional<Refusal> unreachableAsDataAccess(Supplier<Optional<Refusal>> work) {
    try {
      return work.get();
    } catch (BucketExceptions.BucketExecutionException e) {
      throw new DataAccessResourceFailureException("rate-limit buckets unreachable: " + e.getMessage(), e);
    }
  }

  /** Deletes the rows of buckets that are full again (they would start over as new); the number deleted. */
  public int sweep() {
    int total = 0;
    int removed;
    do {
      removed = buckets.removeExpired(SWEEP_BATCH);
      total += removed;
    } while (removed == SWEEP_BATCH);
    return total;
  }

  private void sweepQuietly() {
    try {
      int n = sweep();
      if (n > 0) log.debug("swept {} expired rate-limit bucket(s)", n);
    } catch (RuntimeException e) {
      log.warn("sweeping expired rate-limit buckets failed: {}", e.toString());
    }
  }

  private BucketProxy bucket(String key, int perMinute) {
    return buckets.builder().build(compact(key), () -> BucketConfiguration.builder()
        .addLimit(l -> l.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
        .build());
  }

  /** {@code <limit>:<per-minute>:t:<tenant>}; tenant ids hold no {@code :}, so the parts never run together. */
  private static String key(RateLimit limit, int perMinute, String tenant) {
    return limit.wire() + ":" + perMinute + ":t:" + tenant;
  }

  /** Long keys (long principal ids or hook paths) keep a readable head and a SHA-256 of the whole. */
  static String compact(String key) {
    if (key.length() <= MAX_KEY_CHARS) return key;
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return key.substring(0, 100) + "#" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Refusal refusal(RateLimit limit, String scope, String tenant, Tier tier, int perMinute, ConsumptionProbe probe) {
    long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
    return new Refusal(limit, scope, tenant, tier.name(), perMinute, seconds);
  }

  @Override
  public void close() {
    if (sweeper != null) sweeper.shutdownNow();
  }
}
