package dev.weft.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The event streams each principal holds open, counted IN MEMORY PER INSTANCE: a principal may hold its
 * tier's {@code open-streams} streams on each Weft instance (behind a load balancer, up to that many times
 * the number of instances). Streams opened per minute are a shared {@link RateLimit#SSE} limit.
 */
public final class OpenStreams {
  /** What a refused caller is told to wait: a stream's end cannot be foreseen. */
  public static final long RETRY_AFTER_SECONDS = 5;

  private final RateLimiter limiter;
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

  public OpenStreams(RateLimiter limiter) {
    this.limiter = limiter;
  }

  /** A held stream; closing it (any number of times) frees its place. */
  public interface Slot extends AutoCloseable {
    @Override
    void close();
  }

  /** The number of streams {@code principal} may hold open here; 0 = unlimited. */
  public int cap(String tenant) {
    return limiter.tierOf(tenant).openStreams();
  }

  /** A place for one more stream, or null when {@code principal} already holds its tier's number here. */
  public Slot tryOpen(String tenant, String principal) {
    if (!limiter.settings().enabled()) return () -> { };
    int cap = cap(tenant);
    if (cap == 0) return () -> { };
    String key = tenant + ":" + principal;
    boolean[] taken = {false};
    open.compute(key, (k, n) -> {
      int now = n == null ? 0 : n;
      if (now >= cap) return n;
      taken[0] = true;
      return now + 1;
    });
    if (!taken[0]) return null;
    AtomicBoolean closed = new AtomicBoolean();
    return () -> {
      if (closed.compareAndSet(false, true)) open.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    };
  }

  /** Why {@link #tryOpen} refused, naming the setting. */
  public String refusal(String tenant) {
    Tier tier = limiter.tierOf(tenant);
    return "rate limit 'open-streams' reached: this principal already holds " + tier.openStreams() + " open event "
        + "stream(s) on this instance (tier " + tier.name() + ", weft.limits.tiers." + tier.name() + ".open-streams); "
        + "close one or try again in " + RETRY_AFTER_SECONDS + " s";
  }

  /** Streams {@code principal} holds open on this instance. */
  public int openBy(String tenant, String principal) {
    return open.getOrDefault(tenant + ":" + principal, 0);
  }
}
