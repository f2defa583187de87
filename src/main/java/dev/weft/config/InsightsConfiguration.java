package dev.weft.config;

import dev.weft.service.InsightsService;
import dev.weft.store.InsightsStore;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The insights API's queries; one request covers at most {@code weft.insights.max-range} (366 days). */
@Configuration(proxyBeanMethods = false)
@ServesApi
public class InsightsConfiguration {

  @Bean
  InsightsService insightsService(JdbcClient jdbc, @Value("${weft.insights.max-range:366d}") Duration maxRange) {
    if (maxRange.isNegative() || maxRange.isZero()) throw new IllegalArgumentException("weft.insights.max-range must be positive");
    return new InsightsService(new InsightsStore(jdbc), maxRange);
  }
}
