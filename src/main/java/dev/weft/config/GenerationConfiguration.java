package dev.weft.config;

import dev.weft.agent.generate.WorkflowGenerator;
import dev.weft.ai.AiProperties;
import dev.weft.ai.LlmClient;
import dev.weft.validate.DefinitionValidator;
import dev.weft.expression.ExpressionEngine;
import dev.weft.node.NodeRegistry;
import dev.weft.observability.RunMetrics;
import dev.weft.service.WorkflowService;
import dev.weft.store.AuditLog;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Workflow generation, where the API is served (it reads saved definitions to modify them). */
@Configuration(proxyBeanMethods = false)
@ServesApi
public class GenerationConfiguration {

  @Bean
  WorkflowGenerator workflowGenerator(LlmClient llm, AiProperties ai, NodeRegistry registry, ExpressionEngine expressions,
      DefinitionValidator validator, WeftProperties props, WorkflowService workflows, AuditLog audit, RunMetrics metrics) {
    return new WorkflowGenerator(llm, ai, registry, expressions, validator, props.engine().settings(), workflows, audit,
        usage -> metrics.llmUsage("generate", "generate", usage));
  }
}
