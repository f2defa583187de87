package dev.weft.config;

import static dev.weft.config.TemporalProperties.present;

import dev.weft.engine.TenantPropagator;
import dev.weft.engine.WeftSearchAttributes;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.common.context.ContextPropagator;
import java.util.ArrayList;
import java.util.List;
import io.temporal.common.SearchAttributeKey;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.spring.boot.TemporalOptionsCustomizer;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code weft.temporal.*} applied: TLS and API keys onto the connection the Temporal starter builds, worker
 * sizing onto Weft's worker (see {@link EngineConfiguration#weftWorkerFactory}), and Weft's search
 * attributes onto the embedded server. Target and namespace are mapped onto {@code spring.temporal.*}
 * by {@link RunModeEnvironment}.
 */
@Configuration(proxyBeanMethods = false)
public class TemporalConfiguration {
  private static final Logger log = LoggerFactory.getLogger(TemporalConfiguration.class);

  /** Runs after the starter applied {@code spring.temporal.connection.*}, so these settings win. */
  @Bean
  TemporalOptionsCustomizer<WorkflowServiceStubsOptions.Builder> weftTemporalConnection(TemporalProperties props) {
    return b -> applyTls(b, props.tls());
  }

  /**
   * The tenant of the work at hand travels with every run (see {@link TenantPropagator}): the worker's
   * client hands it from each workflow to its activities and children, the starting client from the API.
   */
  @Bean
  TemporalOptionsCustomizer<WorkflowClientOptions.Builder> weftTenantPropagation() {
    return b -> b.setContextPropagators(withTenant(b.build().getContextPropagators()));
  }

  /** Schedules keep the tenant of the request that created them in their action's header. */
  @Bean
  TemporalOptionsCustomizer<ScheduleClientOptions.Builder> weftScheduleTenantPropagation() {
    return b -> b.setContextPropagators(withTenant(b.build().getContextPropagators()));
  }

  static List<ContextPropagator> withTenant(List<ContextPropagator> existing) {
    List<ContextPropagator> all = new ArrayList<>(existing == null ? List.of() : existing);
    if (!all.contains(TenantPropagator.INSTANCE)) all.add(TenantPropagator.INSTANCE);
    return all;
  }

  /**
   * The embedded server knows no custom search attributes: Weft's are registered on it as soon as it
   * exists, before any bean can start a run.
   */
  @Bean
  static BeanPostProcessor weftEmbeddedSearchAttributes() {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof TestWorkflowEnvironment env) registerSearchAttributes(env);
        return bean;
      }
    };
  }

  static void registerSearchAttributes(TestWorkflowEnvironment env) {
    for (SearchAttributeKey<?> key : WeftSearchAttributes.ALL) {
      if (env.registerSearchAttribute(key.getName(), key.getValueType())) {
        log.debug("Registered search attribute {} ({}) on the embedded Temporal server", key.getName(), key.getValueType());
      }
    }
  }

  static WorkflowServiceStubsOptions.Builder applyTls(WorkflowServiceStubsOptions.Builder b, TemporalProperties.Tls tls) {
    if (!tls.on()) return b;
    try {
      SimpleSslContextBuilder ssl;
      if (tls.mutual()) {
        if (!present(tls.certChainFile()) || !present(tls.keyFile())) {
          throw new IllegalStateException("weft.temporal.tls: mTLS needs both cert-chain-file and key-file");
        }
        ssl = SimpleSslContextBuilder.forPKCS8(read(tls.certChainFile()), read(tls.keyFile()));
        if (present(tls.keyPassword())) ssl.setKeyPassword(tls.keyPassword());
      } else {
        ssl = SimpleSslContextBuilder.noKeyOrCertChain();
      }
      if (present(tls.caFile())) ssl.setTrustManager(trustManager(tls.caFile()));
      b.setSslContext(ssl.build());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("weft.temporal.tls: " + e.getMessage(), e);
    }
    if (present(tls.serverName())) {
      String authority = tls.serverName();
      b.setChannelInitializer(channel -> channel.overrideAuthority(authority));
    }
    if (present(tls.apiKey())) {
      String key = tls.apiKey();
      b.addApiKey(() -> key);
    }
    return b;
  }

  private static InputStream read(String file) throws IOException {
    return new ByteArrayInputStream(Files.readAllBytes(Path.of(file)));
  }

  private static TrustManager trustManager(String caFile) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    int i = 0;
    try (InputStream in = read(caFile)) {
      for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, ca);
      }
    }
    if (i == 0) throw new GeneralSecurityException("no certificate in " + caFile);
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers()[0];
  }

  /** The worker factory's options: sticky cache, workflow threads, virtual workflow threads. */
  static WorkerFactoryOptions workerFactoryOptions(TemporalProperties.Worker w) {
    WorkerFactoryOptions.Builder b = WorkerFactoryOptions.newBuilder();
    if (w.workflowCacheSize() != null) b.setWorkflowCacheSize(w.workflowCacheSize());
    if (w.maxWorkflowThreads() != null) b.setMaxWorkflowThreadCount(w.maxWorkflowThreads());
    if (w.virtualThreads()) b.setUsingVirtualWorkflowThreads(true);
    return b.build();
  }

  /** The worker's options: task slots, pollers, virtual threads for task execution. */
  static WorkerOptions workerOptions(TemporalProperties.Worker w) {
    WorkerOptions.Builder b = WorkerOptions.newBuilder();
    if (w.maxConcurrentWorkflowTasks() != null) b.setMaxConcurrentWorkflowTaskExecutionSize(w.maxConcurrentWorkflowTasks());
    if (w.maxConcurrentActivities() != null) b.setMaxConcurrentActivityExecutionSize(w.maxConcurrentActivities());
    if (w.maxConcurrentLocalActivities() != null) b.setMaxConcurrentLocalActivityExecutionSize(w.maxConcurrentLocalActivities());
    if (w.workflowTaskPollers() != null) b.setMaxConcurrentWorkflowTaskPollers(w.workflowTaskPollers());
    if (w.activityTaskPollers() != null) b.setMaxConcurrentActivityTaskPollers(w.activityTaskPollers());
    if (w.virtualThreads()) b.setUsingVirtualThreads(true);
    return b.build();
  }
}
