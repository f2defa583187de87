package dev.weft.config;

import dev.weft.store.RunEventHub;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Live run events: one {@link RunEventHub} per process listens for PostgreSQL notifications of new
 * events, whichever instance wrote them, and wakes this process's event streams. A worker-only process
 * serves no streams, so it holds no listening connection.
 */
@Configuration(proxyBeanMethods = false)
@ServesApi
public class StreamConfiguration {

  @Bean
  RunEventHub runEventHub(DataSource dataSource) {
    return new RunEventHub(dataSource);
  }
}
