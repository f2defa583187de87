package dev.weft.config;

import dev.weft.ai.AiProperties;
import dev.weft.ai.Embeddings;
import dev.weft.knowledge.KnowledgeProperties;
import dev.weft.knowledge.Retriever;
import dev.weft.knowledge.VectorSupport;
import dev.weft.node.CredentialResolver;
import dev.weft.service.CredentialService;
import dev.weft.service.KnowledgeService;
import dev.weft.store.AuditLog;
import dev.weft.store.KnowledgeStore;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Knowledge bases: the store (pgvector detected at start), embeddings, the retriever nodes use, and the API's service. */
@Configuration(proxyBeanMethods = false)
public class KnowledgeConfiguration {

  @Bean
  KnowledgeStore knowledgeStore(JdbcClient jdbc, TransactionTemplate tx, KnowledgeProperties props) {
    KnowledgeStore store = new KnowledgeStore(jdbc, tx);
    VectorSupport.detect(jdbc, store, props.pgvector());
    return store;
  }

  @Bean
  Embeddings embeddings(AiProperties ai, ObjectProvider<CredentialService> credentials) {
    CredentialService service = credentials.getIfAvailable();
    return new Embeddings(ai, System::getenv, service == null ? CredentialResolver.NONE : service);
  }

  @Bean
  Retriever retriever(KnowledgeStore store, Embeddings embeddings, KnowledgeProperties props) {
    return new Retriever(store, embeddings, props);
  }

  @Bean
  @ServesApi
  KnowledgeService knowledgeService(KnowledgeStore store, Retriever retriever, Embeddings embeddings, AuditLog audit) {
    return new KnowledgeService(store, retriever, embeddings, audit, Clock.systemUTC());
  }
}
