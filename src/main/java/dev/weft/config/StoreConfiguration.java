package dev.weft.config;

import dev.weft.store.ApiKeyStore;
import dev.weft.store.AuditLog;
import dev.weft.store.HumanTaskStore;
import dev.weft.store.EventStore;
import dev.weft.store.JdbcPayloadStore;
import dev.weft.store.RunEventListener;
import dev.weft.store.RunStore;
import dev.weft.store.WorkflowStore;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** PostgreSQL: definitions, the run index, the event log, claim-checked payloads, API keys and the audit trail. */
@Configuration(proxyBeanMethods = false)
public class StoreConfiguration {

  @Bean
  WorkflowStore workflowStore(JdbcClient jdbc, TransactionTemplate tx) {
    return new WorkflowStore(jdbc, tx);
  }

  @Bean
  dev.weft.store.TenantStore tenantStore(JdbcClient jdbc) {
    return new dev.weft.store.TenantStore(jdbc);
  }

  @Bean
  dev.weft.store.JdbcAgentMemoryStore agentMemoryStore(JdbcClient jdbc) {
    return new dev.weft.store.JdbcAgentMemoryStore(jdbc);
  }

  @Bean
  RunStore runStore(JdbcClient jdbc) {
    return new RunStore(jdbc);
  }

  @Bean
  EventStore eventStore(JdbcClient jdbc, TransactionTemplate tx, List<RunEventListener> listeners) {
    return new EventStore(jdbc, tx, listeners);
  }

  @Bean
  JdbcPayloadStore payloadStore(JdbcClient jdbc) {
    return new JdbcPayloadStore(jdbc);
  }

  @Bean
  ApiKeyStore apiKeyStore(JdbcClient jdbc, TransactionTemplate tx) {
    return new ApiKeyStore(jdbc, tx);
  }

  @Bean
  dev.weft.store.ConsoleSessionStore consoleSessionStore(JdbcClient jdbc) {
    return new dev.weft.store.ConsoleSessionStore(jdbc);
  }

  @Bean
  HumanTaskStore humanTaskStore(JdbcClient jdbc) {
    return new HumanTaskStore(jdbc);
  }

  @Bean
  AuditLog auditLog(JdbcClient jdbc) {
    return new AuditLog(jdbc);
  }
}
