package dev.weft.config;

import dev.weft.ai.AiProperties;
import dev.weft.ai.ChatModels;
import dev.weft.ai.LlmClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The model profiles and the client that LLM nodes, generation and the agent share. */
@Configuration(proxyBeanMethods = false)
public class AiConfiguration {

  @Bean
  ChatModels chatModels(AiProperties props) {
    return new ChatModels(props, System::getenv);
  }

  @Bean
  LlmClient llmClient(ChatModels models, dev.weft.limits.LlmBudget budget) {
    return new LlmClient(models, budget);
  }
}
