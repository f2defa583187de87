package dev.weft.config;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Maps the run-mode variables onto settings: {@code TEMPORAL_ADDRESS} switches from the in-process
 * Temporal server to that cluster, {@code TEMPORAL_NAMESPACE} picks the namespace. (A set
 * {@code SPRING_DATASOURCE_URL} replaces the embedded PostgreSQL by itself: see
 * {@link EmbeddedDatabaseConfiguration}.)
 */
public class RunModeEnvironment implements EnvironmentPostProcessor {
  @Override
  public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
    Map<String, Object> settings = new HashMap<>();
    String address = env.getProperty("TEMPORAL_ADDRESS");
    if (address != null && !address.isBlank()) {
      settings.put("spring.temporal.connection.target", address);
      settings.put("spring.temporal.test-server.enabled", "false");
    }
    String namespace = env.getProperty("TEMPORAL_NAMESPACE");
    if (namespace != null && !namespace.isBlank()) settings.put("spring.temporal.namespace", namespace);
    if (!settings.isEmpty()) env.getPropertySources().addFirst(new MapPropertySource("weftRunMode", settings));
  }
}
