package dev.weft.config;

import dev.weft.ai.AiProperties;
import dev.weft.ai.ChatModels;
import dev.weft.ai.LlmClient;
import dev.weft.node.CredentialResolver;
import dev.weft.service.CredentialService;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The model profiles and the client that LLM nodes, generation and the agent share. */
@Configuration(proxyBeanMethods = false)
public class AiConfiguration {

  /** Profiles that name a credential resolve it through the credentials store; its changes drop their models. */
  @Bean
  ChatModels chatModels(AiProperties props, WeftProperties weft, ObjectProvider<CredentialService> credentials) {
    CredentialService service = credentials.getIfAvailable();
    ChatModels models = new ChatModels(props, System::getenv, service == null ? CredentialResolver.NONE : service,
        weft.credentialUse().maxModelClients());
    if (service != null) service.register(models);
    return models;
  }

  @Bean
  LlmClient llmClient(ChatModels models, dev.weft.limits.LlmBudget budget) {
    return new LlmClient(models, budget);
  }
}
