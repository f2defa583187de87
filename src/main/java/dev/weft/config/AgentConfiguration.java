package dev.weft.config;

import dev.weft.agent.AgentTools;
import dev.weft.agent.Confirmations;
import dev.weft.agent.Orchestrator;
import dev.weft.agent.generate.WorkflowGenerator;
import dev.weft.ai.AiProperties;
import dev.weft.ai.ChatModels;
import dev.weft.ai.LlmClient;
import dev.weft.observability.RunMetrics;
import dev.weft.service.HumanTaskService;
import dev.weft.service.RunService;
import dev.weft.service.WorkflowService;
import dev.weft.store.AuditLog;
import dev.weft.store.ConfirmationStore;
import dev.weft.store.ConversationStore;
import dev.weft.store.HumanTaskStore;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The orchestrator agent: its conversation store and the tools it acts through. */
@Configuration(proxyBeanMethods = false)
@ServesApi
public class AgentConfiguration {

  @Bean
  ConversationStore conversationStore(JdbcClient jdbc) {
    return new ConversationStore(jdbc);
  }

  /**
   * The agent's proposals of consequential actions; each can be confirmed for {@code weft.agent.confirmation-ttl}
   * (default 15 minutes) after it was made.
   */
  @Bean
  Confirmations agentConfirmations(JdbcClient jdbc, AuditLog audit,
      @Value("${weft.agent.confirmation-ttl:15m}") Duration ttl) {
    return new Confirmations(new ConfirmationStore(jdbc), audit, ttl);
  }

  @Bean
  Orchestrator orchestrator(ChatModels models, LlmClient llm, ConversationStore store, AiProperties ai, WeftProperties props,
      WorkflowService workflows, WorkflowGenerator generator, RunService runs, HumanTaskService tasks, HumanTaskStore inbox,
      AuditLog audit, RunMetrics metrics, dev.weft.node.NodeRegistry registry, Confirmations confirmations,
      dev.weft.knowledge.KnowledgeSearch knowledge) {
    AgentTools.Services services = new AgentTools.Services(workflows, generator, runs, tasks, inbox, store, audit,
        props.api().maxWait(), confirmations, knowledge);
    return new Orchestrator(models, llm, store, ai, turn -> new AgentTools(turn, services),
        (type, usage) -> metrics.llmUsage("agent", type, usage),
        registry.catalogue().stream().map(dev.weft.node.NodeRegistry.Descriptor::type).toList(), confirmations);
  }
}
