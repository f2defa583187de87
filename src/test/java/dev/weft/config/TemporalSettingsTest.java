package dev.weft.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.engine.TemporalNames;
import io.grpc.Metadata;
import io.temporal.serviceclient.GrpcMetadataProvider;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.spring.boot.autoconfigure.ServiceStubsAutoConfiguration;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

/** {@code weft.temporal.*}: each setting reaches the options Temporal is given. */
class TemporalSettingsTest {
  private static final String TLS = "src/test/resources/tls/";

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties({TemporalProperties.class, WeftProperties.class})
  static class Props {}

  private final ApplicationContextRunner properties = new ApplicationContextRunner().withUserConfiguration(Props.class);

  /** The starter's connection, customized by Weft, as the starter builds it for a real cluster. */
  private final ApplicationContextRunner connection = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ServiceStubsAutoConfiguration.class))
      .withUserConfiguration(Props.class, TemporalConfiguration.class)
      .withPropertyValues("spring.temporal.connection.target=127.0.0.1:1", "spring.temporal.test-server.enabled=false");

  @Test
  void targetAndNamespaceWinOverTheRunModeVariables() {
    MockEnvironment env = new MockEnvironment()
        .withProperty("TEMPORAL_ADDRESS", "old.internal:7233")
        .withProperty("TEMPORAL_NAMESPACE", "old")
        .withProperty("weft.temporal.target", "temporal.internal:7233")
        .withProperty("weft.temporal.namespace", "payments")
        .withProperty("spring.temporal.test-server.enabled", "true");
    new RunModeEnvironment().postProcessEnvironment(env, new SpringApplication());
    assertThat(env.getProperty("spring.temporal.connection.target")).isEqualTo("temporal.internal:7233");
    assertThat(env.getProperty("spring.temporal.namespace")).isEqualTo("payments");
    assertThat(env.getProperty("spring.temporal.test-server.enabled")).isEqualTo("false");
  }

  @Test
  void targetComesFromAnEnvironmentVariableByRelaxedBinding() {
    MockEnvironment env = new MockEnvironment().withProperty("spring.temporal.test-server.enabled", "true");
    env.getPropertySources().addFirst(new SystemEnvironmentPropertySource("systemEnvironment",
        Map.of("WEFT_TEMPORAL_TARGET", "ns.tmprl.cloud:7233", "WEFT_TEMPORAL_NAMESPACE", "ns.acct")));
    new RunModeEnvironment().postProcessEnvironment(env, new SpringApplication());
    assertThat(env.getProperty("spring.temporal.connection.target")).isEqualTo("ns.tmprl.cloud:7233");
    assertThat(env.getProperty("spring.temporal.namespace")).isEqualTo("ns.acct");
    assertThat(env.getProperty("spring.temporal.test-server.enabled")).isEqualTo("false");
  }

  @Test
  void theTaskQueueDefaultsToTheConstant() {
    properties.run(ctx -> assertThat(ctx.getBean(WeftProperties.class).engine().taskQueue()).isEqualTo(TemporalNames.TASK_QUEUE));
    properties.withPropertyValues("weft.engine.task-queue=weft-blue")
        .run(ctx -> assertThat(ctx.getBean(WeftProperties.class).engine().taskQueue()).isEqualTo("weft-blue"));
  }

  @Test
  void withoutTlsSettingsTheConnectionIsPlain() {
    connection.run(ctx -> {
      WorkflowServiceStubsOptions options = ctx.getBean(WorkflowServiceStubs.class).getOptions();
      assertThat(options.getTarget()).isEqualTo("127.0.0.1:1");
      assertThat(options.getSslContext()).isNull();
      assertThat(options.getEnableHttps()).isFalse();
      assertThat(options.getGrpcMetadataProviders()).isNullOrEmpty();
    });
  }

  @Test
  void mutualTlsWithOwnCaAndServerName() {
    connection.withPropertyValues(
            "weft.temporal.tls.cert-chain-file=" + TLS + "client.pem",
            "weft.temporal.tls.key-file=" + TLS + "client.key",
            "weft.temporal.tls.ca-file=" + TLS + "ca.pem",
            "weft.temporal.tls.server-name=temporal.internal")
        .run(ctx -> {
          WorkflowServiceStubsOptions options = ctx.getBean(WorkflowServiceStubs.class).getOptions();
          assertThat(options.getSslContext()).isNotNull();
          assertThat(options.getSslContext().isClient()).isTrue();
          assertThat(options.getChannelInitializer()).isNotNull();
        });
  }

  @Test
  void apiKeyTurnsOnTlsAndSendsABearerToken() {
    connection.withPropertyValues("weft.temporal.tls.api-key=secret-key").run(ctx -> {
      WorkflowServiceStubsOptions options = ctx.getBean(WorkflowServiceStubs.class).getOptions();
      assertThat(options.getSslContext()).isNotNull();
      Metadata headers = new Metadata();
      for (GrpcMetadataProvider p : options.getGrpcMetadataProviders()) headers.merge(p.getMetadata());
      assertThat(headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("Bearer secret-key");
    });
  }

  @Test
  void halfAnMtlsPairIsRefused() {
    TemporalProperties.Tls tls = new TemporalProperties.Tls(false, TLS + "client.pem", null, null, null, null, null);
    assertThatThrownBy(() -> TemporalConfiguration.applyTls(WorkflowServiceStubsOptions.newBuilder(), tls))
        .hasMessageContaining("key-file");
    TemporalProperties.Tls missing = new TemporalProperties.Tls(false, null, null, null, TLS + "nope.pem", null, null);
    assertThatThrownBy(() -> TemporalConfiguration.applyTls(WorkflowServiceStubsOptions.newBuilder(), missing))
        .hasMessageContaining("weft.temporal.tls");
  }

  @Test
  void workerTuningReachesTheWorkerAndItsFactory() {
    properties.withPropertyValues(
            "weft.temporal.worker.workflow-cache-size=1234",
            "weft.temporal.worker.max-workflow-threads=321",
            "weft.temporal.worker.max-concurrent-workflow-tasks=11",
            "weft.temporal.worker.max-concurrent-activities=22",
            "weft.temporal.worker.max-concurrent-local-activities=33",
            "weft.temporal.worker.workflow-task-pollers=4",
            "weft.temporal.worker.activity-task-pollers=6",
            "weft.temporal.worker.virtual-threads=true")
        .run(ctx -> {
          TemporalProperties.Worker worker = ctx.getBean(TemporalProperties.class).worker();
          WorkerFactoryOptions factory = TemporalConfiguration.workerFactoryOptions(worker);
          assertThat(factory.getWorkflowCacheSize()).isEqualTo(1234);
          assertThat(factory.getMaxWorkflowThreadCount()).isEqualTo(321);
          assertThat(factory.isUsingVirtualWorkflowThreads()).isTrue();
          WorkerOptions options = TemporalConfiguration.workerOptions(worker);
          assertThat(options.getMaxConcurrentWorkflowTaskExecutionSize()).isEqualTo(11);
          assertThat(options.getMaxConcurrentActivityExecutionSize()).isEqualTo(22);
          assertThat(options.getMaxConcurrentLocalActivityExecutionSize()).isEqualTo(33);
          assertThat(options.getMaxConcurrentWorkflowTaskPollers()).isEqualTo(4);
          assertThat(options.getMaxConcurrentActivityTaskPollers()).isEqualTo(6);
          assertThat(options.isUsingVirtualThreadsOnWorkflowWorker()).isTrue();
          assertThat(options.isUsingVirtualThreadsOnActivityWorker()).isTrue();
          assertThat(options.isUsingVirtualThreadsOnLocalActivityWorker()).isTrue();
        });
  }

  @Test
  void unsetWorkerTuningKeepsTheSdkDefaults() {
    properties.run(ctx -> {
      TemporalProperties.Worker worker = ctx.getBean(TemporalProperties.class).worker();
      WorkerFactoryOptions sdkFactory = WorkerFactoryOptions.newBuilder().build();
      WorkerFactoryOptions factory = TemporalConfiguration.workerFactoryOptions(worker);
      assertThat(factory.getWorkflowCacheSize()).isEqualTo(sdkFactory.getWorkflowCacheSize());
      assertThat(factory.getMaxWorkflowThreadCount()).isEqualTo(sdkFactory.getMaxWorkflowThreadCount());
      assertThat(factory.isUsingVirtualWorkflowThreads()).isFalse();
      WorkerOptions sdk = WorkerOptions.newBuilder().build();
      WorkerOptions options = TemporalConfiguration.workerOptions(worker);
      assertThat(options.getMaxConcurrentActivityExecutionSize()).isEqualTo(sdk.getMaxConcurrentActivityExecutionSize());
      assertThat(options.getMaxConcurrentWorkflowTaskExecutionSize()).isEqualTo(sdk.getMaxConcurrentWorkflowTaskExecutionSize());
      assertThat(options.getMaxConcurrentWorkflowTaskPollers()).isEqualTo(sdk.getMaxConcurrentWorkflowTaskPollers());
      assertThat(options.isUsingVirtualThreadsOnActivityWorker()).isFalse();
    });
  }
}
