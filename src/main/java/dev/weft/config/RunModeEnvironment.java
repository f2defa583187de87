package dev.weft.config;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Maps the run-mode variables onto settings: {@code TEMPORAL_ADDRESS} (or {@code weft.temporal.target},
 * which wins) switches from the in-process Temporal server to that cluster, {@code TEMPORAL_NAMESPACE}
 * (or {@code weft.temporal.namespace}, which wins) picks the namespace. (A set
 * {@code SPRING_DATASOURCE_URL} replaces the embedded PostgreSQL by itself: see
 * {@link EmbeddedDatabaseConfiguration}.)
 */
public class RunModeEnvironment implements EnvironmentPostProcessor {
  @Override
  public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
    Map<String, Object> settings = new HashMap<>();
    String address = first(env, TemporalProperties.PREFIX + ".target", "TEMPORAL_ADDRESS");
    if (address != null) {
      settings.put("spring.temporal.connection.target", address);
      settings.put("spring.temporal.test-server.enabled", "false");
    }
    String namespace = first(env, TemporalProperties.PREFIX + ".namespace", "TEMPORAL_NAMESPACE");
    if (namespace != null) settings.put("spring.temporal.namespace", namespace);
    if (!settings.isEmpty()) env.getPropertySources().addFirst(new MapPropertySource("weftRunMode", settings));
  }

  private static String first(ConfigurableEnvironment env, String... names) {
    for (String name : names) {
      String value = env.getProperty(name);
      if (value != null && !value.isBlank()) return value.trim();
    }
    return null;
  }
}
