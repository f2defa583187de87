package dev.weft.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The embedded mode keeps the user's data: its PostgreSQL flushes every commit to disk; a throwaway one need not. */
class EmbeddedPostgresServerTest {
  @Test
  void theUsersDatabaseCommitsDurablyAThrowawayOneDoesNot(@TempDir Path dir) throws Exception {
    try (EmbeddedPostgres kept = EmbeddedPostgresServer.start(dir.resolve("kept"), 0, false)) {
      JdbcClient jdbc = JdbcClient.create(kept.getPostgresDatabase());
      assertThat(jdbc.sql("SHOW fsync").query(String.class).single()).isEqualTo("on");
      assertThat(jdbc.sql("SHOW synchronous_commit").query(String.class).single()).isEqualTo("on");
    }
    try (EmbeddedPostgres scratch = EmbeddedPostgresServer.start(dir.resolve("scratch"), 0, true)) {
      assertThat(JdbcClient.create(scratch.getPostgresDatabase()).sql("SHOW fsync").query(String.class).single()).isEqualTo("off");
    }
  }
}
