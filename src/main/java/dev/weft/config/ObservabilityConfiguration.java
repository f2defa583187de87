package dev.weft.config;

import dev.weft.api.AuditContextFilter;
import dev.weft.observability.RequestMdcFilter;
import dev.weft.observability.RunMetrics;
import dev.weft.observability.TemporalHealthIndicator;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.client.WorkflowClient;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Observability: run and node metrics from the event log, the Temporal frontend's health (PostgreSQL's
 * is Boot's {@code db} indicator), and run ids in the API's log lines.
 */
@Configuration(proxyBeanMethods = false)
public class ObservabilityConfiguration {

  /** Picked up by the {@link dev.weft.store.EventStore} as one of its listeners. */
  @Bean
  RunMetrics runMetrics(MeterRegistry registry) {
    return new RunMetrics(registry);
  }

  /** Shown as {@code temporal} in {@code /actuator/health}. */
  @Bean
  TemporalHealthIndicator temporalHealthIndicator(WorkflowClient client) {
    return new TemporalHealthIndicator(client, Duration.ofSeconds(2));
  }

  /** The request every audit entry written during an API call records (see AuditContext). */
  @Bean
  FilterRegistrationBean<AuditContextFilter> auditContextFilter() {
    FilterRegistrationBean<AuditContextFilter> bean = new FilterRegistrationBean<>(new AuditContextFilter());
    bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
    bean.addUrlPatterns("/api/*");
    return bean;
  }

  @Bean
  FilterRegistrationBean<RequestMdcFilter> requestMdcFilter() {
    FilterRegistrationBean<RequestMdcFilter> bean = new FilterRegistrationBean<>(new RequestMdcFilter());
    // Right after the request size limit, before anything that logs.
    bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
    bean.addUrlPatterns("/api/runs/*");
    bean.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
    return bean;
  }
}
