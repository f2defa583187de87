package dev.weft.config;

import com.zaxxer.hikari.HikariDataSource;
import dev.weft.store.embedded.EmbeddedPostgresServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded run mode's database: with no {@code spring.datasource.url}, a real PostgreSQL is started
 * from bundled binaries with its data under {@code weft.embedded.data-dir} (default {@code ./data}), so
 * the service runs on a machine that has only a JDK.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isBlank()")
public class EmbeddedDatabaseConfiguration {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

  @Bean(destroyMethod = "close")
  EmbeddedPostgres embeddedPostgres(WeftProperties props) {
    Path base = Path.of(props.embedded().dataDir()).toAbsolutePath().normalize();
    // A throwaway cluster (tests) gets a directory of its own: two contexts never share one.
    Path dir = props.embedded().cleanOnStart() ? freshDirectory(base) : base.resolve("postgres");
    EmbeddedPostgres pg = EmbeddedPostgresServer.start(dir, props.embedded().postgresPort(), props.embedded().cleanOnStart());
    log.warn("""

        ======================================================================
         EMBEDDED MODE: PostgreSQL {} on 127.0.0.1:{}, data in {}
         Set SPRING_DATASOURCE_URL (and _USERNAME/_PASSWORD) to use your own.
        ======================================================================""", "17", pg.getPort(), dir);
    return pg;
  }

  private static Path freshDirectory(Path base) {
    try {
      Files.createDirectories(base);
      return Files.createTempDirectory(base, "postgres-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Bean
  DataSource dataSource(EmbeddedPostgres pg) {
    HikariDataSource ds = new HikariDataSource();
    ds.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
    ds.setPoolName("weft-embedded");
    ds.setMaximumPoolSize(20);
    // An API request waits at most this long for the database before it is told 503.
    ds.setConnectionTimeout(5_000);
    return ds;
  }
}
