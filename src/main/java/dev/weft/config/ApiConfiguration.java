package dev.weft.config;

import dev.weft.api.OpenApiProblems;
import dev.weft.api.Paging;
import dev.weft.api.ProblemHandler;
import dev.weft.api.RequestSizeFilter;
import dev.weft.validate.DefinitionValidator;
import dev.weft.service.RunLauncher;
import dev.weft.engine.NodeInvoker;
import dev.weft.service.NodeTestService;
import dev.weft.service.RunService;
import dev.weft.service.HumanTaskService;
import dev.weft.node.NodeRegistry;
import dev.weft.service.ScheduleService;
import dev.weft.service.WebhookService;
import dev.weft.service.WorkflowService;
import dev.weft.store.AuditLog;
import dev.weft.store.EventStore;
import dev.weft.store.RunStore;
import dev.weft.store.WorkflowStore;
import io.temporal.client.WorkflowClient;
import io.temporal.client.schedules.ScheduleClient;
import java.util.HashSet;
import org.slf4j.LoggerFactory;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The services behind the REST API, and its request limits. */
@Configuration(proxyBeanMethods = false)
@ServesApi
public class ApiConfiguration {

  @Bean
  WorkflowService workflowService(DefinitionValidator validator, WorkflowStore store, AuditLog audit, ScheduleService schedules,
      dev.weft.service.CredentialService credentials, WeftProperties props) {
    return new WorkflowService(validator, store, audit, schedules, (WorkflowService.CredentialAccess) credentials::access, props.api().maxRequestBytes());
  }

  @Bean
  dev.weft.service.TenantService tenantService(dev.weft.store.TenantStore store, dev.weft.security.ApiKeyService keys,
      AuditLog audit) {
    return new dev.weft.service.TenantService(store, keys, audit, java.time.Clock.systemUTC());
  }

  @Bean
  ScheduleService scheduleService(ScheduleClient scheduleClient, RunLauncher launcher, AuditLog audit) {
    return new ScheduleService(scheduleClient, launcher, audit);
  }

  @Bean
  RunService runService(WorkflowClient client, RunLauncher launcher, WorkflowStore workflows, RunStore runs, AuditLog audit,
      EventStore events, WeftProperties props) {
    return new RunService(client, launcher, workflows, runs, audit, events, props.engine().statePreviewBytes(),
        props.limits().maxInputBytes());
  }

  @Bean
  HumanTaskService humanTaskService(WorkflowClient client, RunService runs, AuditLog audit, NodeRegistry registry,
      WeftProperties props) {
    return new HumanTaskService(client, runs, audit, registry, props.engine().settings().claimCheckBytes(),
        kind -> ProblemHandler.status(kind).value());
  }

  @Bean
  NodeTestService nodeTestService(WorkflowService workflows, NodeInvoker invoker, AuditLog audit, WeftProperties props) {
    return new NodeTestService(workflows, invoker, audit, props.limits().maxInputBytes());
  }

  @Bean
  WebhookService webhookService(WorkflowStore workflows, RunService runs, dev.weft.service.CredentialService credentials,
      WeftProperties props) {
    return new WebhookService(workflows, runs, credentials, new HashSet<>(props.api().redactedHeaders()), props.api().maxWait(),
        java.time.Clock.systemUTC());
  }

  /**
   * The embedded Temporal server keeps runs in memory: runs the index still shows open from an earlier
   * process are gone, and are marked so (TERMINATED, code run.lost) instead of showing RUNNING forever.
   */
  @Bean
  @ConditionalOnProperty(name = "spring.temporal.test-server.enabled",
      havingValue = "true")
  ApplicationRunner lostRunsSweep(RunService runs) {
    return args -> {
      int lost = runs.reconcileOpen();
      if (lost > 0) {
        LoggerFactory.getLogger(ApiConfiguration.class)
            .warn("{} run(s) in flight when the embedded Temporal server last stopped are lost: marked TERMINATED (run.lost)", lost);
      }
    };
  }

  @Bean
  OpenApiCustomizer problemResponses() {
    return OpenApiProblems.customizer();
  }

  @Bean
  Paging paging(WeftProperties props) {
    return new Paging(props.api());
  }

  @Bean
  FilterRegistrationBean<RequestSizeFilter> requestSizeFilter(WeftProperties props) {
    FilterRegistrationBean<RequestSizeFilter> bean = new FilterRegistrationBean<>(new RequestSizeFilter(props.api().maxRequestBytes()));
    bean.setOrder(Ordered.HIGHEST_PRECEDENCE);
    bean.addUrlPatterns("/api/*", "/hooks/*", "/tenants/*");
    return bean;
  }
}
