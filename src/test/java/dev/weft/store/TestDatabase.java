package dev.weft.store;

import dev.weft.store.embedded.EmbeddedPostgresServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** One throwaway embedded PostgreSQL for the store tests of this JVM, migrated by Flyway. */
public final class TestDatabase {
  private static EmbeddedPostgres pg;
  private static DataSource dataSource;

  private TestDatabase() {}

  public static synchronized DataSource dataSource() {
    if (pg == null) {
      try {
        Path dir = Files.createDirectories(Path.of("target/test-postgres"));
        pg = EmbeddedPostgresServer.start(Files.createTempDirectory(dir, "store-"), 0, true);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      // One instance: JdbcClient and the transaction manager must share it for transactions to apply.
      dataSource = pg.getPostgresDatabase();
      Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    }
    return dataSource;
  }

  public static JdbcClient jdbc() {
    return JdbcClient.create(dataSource());
  }

  public static TransactionTemplate tx() {
    return new TransactionTemplate(new DataSourceTransactionManager(dataSource()));
  }
}
