package dev.weft.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Tells this process when a run has new events, whichever Weft instance wrote them: one dedicated
 * connection per process {@code LISTEN}s on {@link EventStore#CHANNEL}, whose payload is the run id
 * ({@link EventStore#record} notifies at commit), and wakes that run's subscribers.
 *
 * <p>A wake-up only says "read again": subscribers always read the table by seq, so a lost
 * notification costs latency, never an event. When the connection breaks (PostgreSQL restarted, a
 * network cut) the hub reconnects with backoff and then wakes every subscriber, since notifications
 * sent while it was away are gone. Subscribers should still poll now and then as a fallback.
 */
public class RunEventHub implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(RunEventHub.class);
  /** The listening connection's application_name, so that it can be told apart in pg_stat_activity. */
  public static final String APPLICATION_NAME = "weft-event-hub";

  private final DataSource dataSource;
  private final Duration receiveTimeout;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final Duration healthCheck;
  private final Map<String, Set<Subscription>> subscribers = new ConcurrentHashMap<>();
  private final AtomicLong connects = new AtomicLong();
  private final Object lifecycle = new Object();

  private volatile boolean running;
  /** Set by {@link #stop}: later subscriptions are born closed, so no one waits on a stopped hub. */
  private volatile boolean stopped;
  private volatile boolean listening;
  private volatile Thread thread;
  private volatile Semaphore stopSignal = new Semaphore(0);

  public RunEventHub(DataSource dataSource) {
    this(dataSource, Duration.ofMillis(500), Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofSeconds(30));
  }

  /**
   * @param receiveTimeout how long one wait for notifications blocks (bounds how long {@link #stop} takes)
   * @param minBackoff the first pause before reconnecting; it doubles up to {@code maxBackoff}
   * @param healthCheck how long the connection may stay silent before it is checked
   */
  public RunEventHub(DataSource dataSource, Duration receiveTimeout, Duration minBackoff, Duration maxBackoff,
      Duration healthCheck) {
    this.dataSource = dataSource;
    this.receiveTimeout = receiveTimeout;
    this.minBackoff = minBackoff;
    this.maxBackoff = maxBackoff;
    this.healthCheck = healthCheck;
  }

  /** Wakes the returned subscription whenever {@code runId} may have new events. Close it when done. */
  public Subscription subscribe(String runId) {
    return subscribe(runId, () -> { });
  }

  /**
   * As {@link #subscribe(String)}, and also calls {@code onWake} on each wake-up. It runs on the hub's
   * thread: it must be quick and must not block.
   */
  public Subscription subscribe(String runId, Runnable onWake) {
    Subscription s = new Subscription(runId, onWake);
    subscribers.computeIfAbsent(runId, k -> ConcurrentHashMap.newKeySet()).add(s);
    if (stopped) s.close();
    return s;
  }

  private void unsubscribe(Subscription s) {
    subscribers.computeIfPresent(s.runId, (k, set) -> {
      set.remove(s);
      return set.isEmpty() ? null : set;
    });
  }

  /** True while the hub's connection is listening (notifications are being delivered). */
  public boolean listening() {
    return listening;
  }

  /** How many times the hub has connected and started listening: more than once means it reconnected. */
  public long connects() {
    return connects.get();
  }

  /** How many open subscriptions {@code runId} has. */
  public int subscribers(String runId) {
    Set<Subscription> set = subscribers.get(runId);
    return set == null ? 0 : set.size();
  }

  @Override
  public void start() {
    synchronized (lifecycle) {
      if (running) return;
      running = true;
      stopped = false;
      stopSignal = new Semaphore(0);
      thread = Thread.ofPlatform().daemon().name("weft-event-hub").start(this::loop);
    }
  }

  /** Stops listening and closes every subscription (their holders see {@link Subscription#closed()}). */
  @Override
  public void stop() {
    Thread t;
    synchronized (lifecycle) {
      if (!running) return;
      running = false;
      stopped = true;
      stopSignal.release();
      t = thread;
      thread = null;
    }
    try {
      // The loop notices within one receive timeout; closing the connection is its job.
      if (!t.join(receiveTimeout.multipliedBy(4).plusSeconds(2))) {
        log.warn("the event hub's thread did not stop in time; interrupting it");
        t.interrupt();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    subscribers.values().forEach(set -> set.forEach(Subscription::end));
    subscribers.clear();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void loop() {
    Duration backoff = minBackoff;
    boolean failing = false;
    while (running) {
      Connection c = null;
      boolean broken = false;
      try {
        c = dataSource.getConnection();
        PGConnection pg = listen(c);
        listening = true;
        connects.incrementAndGet();
        if (failing) log.info("event hub listening again on '{}'", EventStore.CHANNEL);
        else log.debug("event hub listening on '{}'", EventStore.CHANNEL);
        failing = false;
        backoff = minBackoff;
        // Whatever was notified while we were not listening is lost: everyone re-reads.
        wakeAll();
        receive(c, pg);
      } catch (SQLException | RuntimeException e) {
        broken = true;
        if (!running) break;
        if (!failing) log.warn("event hub lost its PostgreSQL connection; reconnecting with backoff: {}", e.toString());
        else log.debug("event hub still cannot connect: {}", e.toString());
        failing = true;
      } finally {
        listening = false;
        close(c, broken);
      }
      if (running && pause(backoff)) break;
      backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
    }
  }

  private static PGConnection listen(Connection c) throws SQLException {
    PGConnection pg = c.unwrap(PGConnection.class);
    if (!c.getAutoCommit()) c.setAutoCommit(true);
    try (Statement st = c.createStatement()) {
      st.execute("SET application_name = '" + APPLICATION_NAME + "'");
      st.execute("LISTEN " + EventStore.CHANNEL);
    }
    return pg;
  }

  /** Waits for notifications until stopped; throws when the connection breaks. */
  private void receive(Connection c, PGConnection pg) throws SQLException {
    long lastHeard = System.nanoTime();
    int timeout = (int) Math.max(1, receiveTimeout.toMillis());
    while (running) {
      PGNotification[] ns = pg.getNotifications(timeout);
      if (ns != null && ns.length > 0) {
        lastHeard = System.nanoTime();
        for (PGNotification n : ns) {
          if (EventStore.CHANNEL.equals(n.getName())) wake(n.getParameter());
        }
      } else if (System.nanoTime() - lastHeard > healthCheck.toNanos()) {
        // A silently dropped connection (no FIN, no RST) would otherwise just look quiet.
        if (!c.isValid(5)) throw new SQLException("the event hub's connection is no longer valid");
        lastHeard = System.nanoTime();
      }
    }
  }

  private void wake(String runId) {
    Set<Subscription> set = runId == null ? null : subscribers.get(runId);
    if (set != null) set.forEach(Subscription::wake);
  }

  private void wakeAll() {
    subscribers.values().forEach(set -> set.forEach(Subscription::wake));
  }

  /** Waits before reconnecting; true when stopped meanwhile. */
  private boolean pause(Duration d) {
    try {
      return stopSignal.tryAcquire(d.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private static void close(Connection c, boolean broken) {
    if (c == null) return;
    try {
      if (!broken && !c.isClosed()) {
        try (Statement st = c.createStatement()) {
          // Back to the pool as it came: no longer listening, no longer named.
          st.execute("UNLISTEN *");
          st.execute("RESET application_name");
        } catch (SQLException ignored) {
          // It broke after all: the pool discards it.
        }
      }
      c.close();
    } catch (SQLException e) {
      log.debug("closing the event hub's connection: {}", e.toString());
    }
  }

  /** One subscriber's interest in one run. */
  public final class Subscription implements AutoCloseable {
    private final String runId;
    private final Runnable onWake;
    private final Semaphore signal = new Semaphore(0);
    private volatile boolean closed;

    private Subscription(String runId, Runnable onWake) {
      this.runId = runId;
      this.onWake = onWake;
    }

    public String runId() {
      return runId;
    }

    /**
     * Blocks until woken or {@code max} has passed; true when woken. A wake-up that came while the
     * caller was not waiting is not lost: the next call returns at once.
     */
    public boolean await(Duration max) throws InterruptedException {
      if (closed) return true;
      boolean woken = signal.tryAcquire(Math.max(0, max.toNanos()), TimeUnit.NANOSECONDS);
      signal.drainPermits();
      return woken;
    }

    /** True once closed by its holder, or by the hub stopping. */
    public boolean closed() {
      return closed;
    }

    void wake() {
      if (signal.availablePermits() == 0) signal.release();
      try {
        onWake.run();
      } catch (RuntimeException e) {
        log.warn("a run event subscriber failed on wake-up", e);
      }
    }

    private void end() {
      closed = true;
      signal.release();
    }

    /** Unsubscribes, and wakes a thread waiting in {@link #await}. */
    @Override
    public void close() {
      end();
      unsubscribe(this);
    }
  }
}
