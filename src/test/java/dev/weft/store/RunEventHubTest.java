package dev.weft.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.weft.definition.Json;
import dev.weft.engine.EventKind;
import dev.weft.engine.RunEvent;
import dev.weft.store.embedded.EmbeddedPostgresServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The hub against a real PostgreSQL: a hub with a connection of its own (as another Weft instance has)
 * is woken by the events another instance records, per run, and survives losing its connection.
 */
class RunEventHubTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path tempDir;

  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : cleanup.reversed()) c.close();
  }

  @Test
  void anotherInstancesHubIsWokenForTheRunThatGotEvents() {
    EmbeddedPostgres pg = postgres(tempDir.resolve("pg"), 0, true);
    EventStore writer = eventStore(dataSource(pg));
    // Two instances: each hub has its own pool, so its own listening connection.
    RunEventHub one = hub(dataSource(pg));
    RunEventHub two = hub(dataSource(pg));
    await().atMost(WAIT).until(() -> one.listening() && two.listening());

    AtomicInteger aOnOne = new AtomicInteger();
    AtomicInteger aOnTwo = new AtomicInteger();
    AtomicInteger bOnTwo = new AtomicInteger();
    one.subscribe("run-a", aOnOne::incrementAndGet);
    RunEventHub.Subscription a = two.subscribe("run-a", aOnTwo::incrementAndGet);
    RunEventHub.Subscription b = two.subscribe("run-b", bOnTwo::incrementAndGet);
    assertThat(two.subscribers("run-a")).isEqualTo(1);

    writer.record(List.of(event("run-a", EventKind.RUN_STARTED)));
    await().atMost(WAIT).until(() -> aOnOne.get() == 1 && aOnTwo.get() == 1);
    // The notification names its run: run-b's subscriber was not woken.
    assertThat(bOnTwo.get()).isZero();
    await().atMost(WAIT).until(() -> a.await(Duration.ZERO));
    assertThat(writer.list("run-a", 0, 10)).extracting(s -> s.event().kind()).containsExactly(EventKind.RUN_STARTED);

    // A re-sent event is no new row and wakes no one; a new one does, once per batch per run.
    writer.record(List.of(event("run-a", EventKind.RUN_STARTED), event("run-b", EventKind.RUN_STARTED),
        nodeEvent("run-b", "n1", EventKind.NODE_STARTED)));
    await().atMost(WAIT).until(() -> bOnTwo.get() == 1);
    assertThat(aOnTwo.get()).isEqualTo(1);
    assertThat(aOnOne.get()).isEqualTo(1);

    // Closed subscriptions are dropped.
    a.close();
    b.close();
    assertThat(a.closed()).isTrue();
    assertThat(two.subscribers("run-a")).isZero();
    assertThat(two.subscribers("run-b")).isZero();
    assertThat(one.subscribers("run-a")).isEqualTo(1);
  }

  @Test
  void aBrokenConnectionIsReopenedAndEverySubscriberIsWokenToReread() {
    EmbeddedPostgres pg = postgres(tempDir.resolve("pg"), 0, true);
    DataSource admin = dataSource(pg);
    EventStore writer = eventStore(admin);
    RunEventHub hub = hub(dataSource(pg));
    await().atMost(WAIT).until(hub::listening);
    AtomicInteger woken = new AtomicInteger();
    hub.subscribe("run-c", woken::incrementAndGet);
    long connects = hub.connects();

    // As if the connection dropped: the server ends the hub's backend.
    Integer killed = JdbcClient.create(admin).sql("""
        SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity WHERE application_name = :name""")
        .param("name", RunEventHub.APPLICATION_NAME).query(Integer.class).single();
    assertThat(killed).isEqualTo(1);

    // Back again: everyone was told to re-read, since notifications sent meanwhile are lost...
    await().atMost(WAIT).until(() -> hub.connects() > connects && hub.listening() && woken.get() >= 1);
    // ...and new notifications arrive as before.
    int before = woken.get();
    writer.record(List.of(event("run-c", EventKind.RUN_STARTED)));
    await().atMost(WAIT).until(() -> woken.get() > before);
  }

  @Test
  void aPostgresRestartIsSurvived() throws IOException {
    Path dir = tempDir.resolve("restart");
    EmbeddedPostgres pg = EmbeddedPostgresServer.start(dir, 0, false);
    int port = pg.getPort();
    migrate(pg.getPostgresDatabase());
    RunEventHub hub = hub(dataSource(pg));
    await().atMost(WAIT).until(hub::listening);
    AtomicInteger woken = new AtomicInteger();
    RunEventHub.Subscription s = hub.subscribe("run-d", woken::incrementAndGet);
    long connects = hub.connects();

    pg.close();
    await().atMost(WAIT).until(() -> !hub.listening());
    EmbeddedPostgres again = postgres(dir, port, false);
    await().atMost(Duration.ofSeconds(60)).until(() -> hub.connects() > connects && hub.listening() && woken.get() >= 1);

    int before = woken.get();
    eventStore(dataSource(again)).record(List.of(event("run-d", EventKind.RUN_STARTED)));
    await().atMost(WAIT).until(() -> woken.get() > before);
    assertThat(s.closed()).isFalse();
  }

  @Test
  void stoppingTheHubClosesItsSubscriptionsAndItsConnection() throws InterruptedException {
    EmbeddedPostgres pg = postgres(tempDir.resolve("pg"), 0, true);
    DataSource admin = dataSource(pg);
    HikariDataSource own = dataSource(pg);
    RunEventHub hub = hub(own);
    await().atMost(WAIT).until(hub::listening);
    RunEventHub.Subscription s = hub.subscribe("run-e");

    hub.stop();
    assertThat(hub.isRunning()).isFalse();
    assertThat(s.closed()).isTrue();
    assertThat(s.await(Duration.ofSeconds(5))).isTrue();
    assertThat(hub.subscribe("run-f").closed()).isTrue();
    assertThat(own.getHikariPoolMXBean().getActiveConnections()).isZero();
    Integer listening = JdbcClient.create(admin).sql("SELECT count(*)::int FROM pg_stat_activity WHERE application_name = :name")
        .param("name", RunEventHub.APPLICATION_NAME).query(Integer.class).single();
    assertThat(listening).isZero();
  }

  private EmbeddedPostgres postgres(Path dir, int port, boolean clean) {
    EmbeddedPostgres pg = EmbeddedPostgresServer.start(dir, port, clean);
    cleanup.add(pg);
    if (clean) migrate(pg.getPostgresDatabase());
    return pg;
  }

  private static void migrate(DataSource ds) {
    Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
  }

  private HikariDataSource dataSource(EmbeddedPostgres pg) {
    HikariDataSource ds = new HikariDataSource();
    ds.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
    ds.setMaximumPoolSize(2);
    ds.setConnectionTimeout(1000);
    ds.setInitializationFailTimeout(-1);
    cleanup.add(ds);
    return ds;
  }

  private RunEventHub hub(DataSource ds) {
    RunEventHub hub = new RunEventHub(ds, Duration.ofMillis(200), Duration.ofMillis(50), Duration.ofMillis(500),
        Duration.ofSeconds(2));
    hub.start();
    cleanup.add(hub::stop);
    return hub;
  }

  private static EventStore eventStore(DataSource ds) {
    return new EventStore(JdbcClient.create(ds), new TransactionTemplate(new DataSourceTransactionManager(ds)), List.of());
  }

  private static RunEvent event(String runId, EventKind kind) {
    return nodeEvent(runId, "", kind);
  }

  private static RunEvent nodeEvent(String runId, String nodeId, EventKind kind) {
    var data = Json.object();
    if (kind == EventKind.RUN_STARTED) {
      data.put("workflowId", "wf");
      data.put("version", 1);
    }
    return new RunEvent(runId, nodeId, nodeId.isEmpty() ? null : "set", 0, kind, Instant.now(), null, null, null, null, data);
  }
}
