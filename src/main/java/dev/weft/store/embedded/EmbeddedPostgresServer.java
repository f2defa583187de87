package dev.weft.store.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a real PostgreSQL from zonky's bundled binaries with its data in a directory of ours. (As
 * root, zonky runs PostgreSQL in a user namespace, since PostgreSQL refuses to run as root.)
 */
public final class EmbeddedPostgresServer {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

  private EmbeddedPostgresServer() {}

  /**
   * Starts PostgreSQL on {@code port} (0 = a free one) with its data in {@code dataDir}; an existing
   * cluster there is reused, so data survives restarts unless {@code clean}.
   */
  public static EmbeddedPostgres start(Path dataDir, int port, boolean clean) {
    try {
      Files.createDirectories(dataDir);
      stopOrphan(dataDir);
      return EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(clean)
          .setPort(port)
          .setServerConfig("max_connections", "100")
          // The user's data, not a throwaway test database: commits are durable, also across an OS crash
          // or power loss (the library starts PostgreSQL with fsync off unless told otherwise).
          .setServerConfig("synchronous_commit", clean ? "off" : "on")
          .setServerConfig("fsync", clean ? "off" : "on")
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setLocaleConfig("locale", "C")
          .setPGStartupWait(Duration.ofSeconds(60))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start in " + dataDir, e);
    }
  }

  /**
   * A server left behind by a process that was killed (kill -9 does not stop pg_ctl's daemon) still
   * holds the data directory: ask it to shut down before starting ours.
   */
  private static void stopOrphan(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) return;
    Optional<ProcessHandle> orphan = Files.readAllLines(pidFile).stream().findFirst()
        .filter(l -> l.strip().matches("\\d+"))
        .flatMap(l -> ProcessHandle.of(Long.parseLong(l.strip())))
        .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
    if (orphan.isEmpty()) return;
    log.warn("a PostgreSQL server left by an earlier process (pid {}) still holds {}; stopping it", orphan.get().pid(), dataDir);
    orphan.get().destroy();
    try {
      orphan.get().onExit().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping an orphaned PostgreSQL", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("the PostgreSQL server left in " + dataDir + " did not stop", e);
    }
  }
}
