package dev.weft.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mock.env.MockEnvironment;

/** The run-mode switches: environment variables pick a real Temporal and PostgreSQL over the embedded ones. */
class RunModeTest {

  @Test
  void temporalAddressReplacesTheInProcessServer() {
    MockEnvironment env = new MockEnvironment()
        .withProperty("TEMPORAL_ADDRESS", "temporal.internal:7233")
        .withProperty("TEMPORAL_NAMESPACE", "payments")
        .withProperty("spring.temporal.test-server.enabled", "true");
    new RunModeEnvironment().postProcessEnvironment(env, new SpringApplication());
    assertThat(env.getProperty("spring.temporal.connection.target")).isEqualTo("temporal.internal:7233");
    assertThat(env.getProperty("spring.temporal.test-server.enabled")).isEqualTo("false");
    assertThat(env.getProperty("spring.temporal.namespace")).isEqualTo("payments");
  }

  @Test
  void withoutVariablesTheEmbeddedModeStays() {
    MockEnvironment env = new MockEnvironment().withProperty("spring.temporal.test-server.enabled", "true");
    new RunModeEnvironment().postProcessEnvironment(env, new SpringApplication());
    assertThat(env.getProperty("spring.temporal.test-server.enabled")).isEqualTo("true");
    assertThat(env.getProperty("spring.temporal.connection.target")).isNull();
  }

  @Test
  void aDatasourceUrlTurnsTheEmbeddedPostgresOff() {
    new ApplicationContextRunner().withUserConfiguration(EmbeddedDatabaseConfiguration.class)
        .withPropertyValues("spring.datasource.url=jdbc:postgresql://db.internal:5432/weft")
        .run(ctx -> assertThat(ctx).doesNotHaveBean("embeddedPostgres").doesNotHaveBean("dataSource"));
  }
}
