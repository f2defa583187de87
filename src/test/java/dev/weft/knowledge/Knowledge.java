package dev.weft.knowledge;

import dev.weft.ai.AiProperties;
import dev.weft.ai.EmbeddingStub;
import dev.weft.ai.Embeddings;
import dev.weft.ai.ModelProfile;
import dev.weft.definition.Json;
import dev.weft.node.CredentialResolver;
import dev.weft.security.WeftPrincipal;
import dev.weft.service.KnowledgeService;
import dev.weft.store.AuditLog;
import dev.weft.store.KnowledgeStore;
import dev.weft.store.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Knowledge bases wired without Spring, on the test database and an {@link EmbeddingStub}: profiles
 * {@code embed} (OpenAI format) and {@code embed-local} (Ollama's).
 */
public final class Knowledge implements AutoCloseable {
  public static final WeftPrincipal EDITOR = new WeftPrincipal("ed", List.of("editor"), List.of());

  public final EmbeddingStub stub = new EmbeddingStub().start();
  public final KnowledgeStore store;
  public final Embeddings embeddings;
  public final Retriever retriever;
  public final KnowledgeService service;

  public Knowledge() {
    this(KnowledgeProperties.DEFAULTS);
  }

  public Knowledge(KnowledgeProperties props) {
    this(props, TestDatabase.jdbc(), TestDatabase.tx());
  }

  /** On another database (migrated by the caller). */
  public Knowledge(KnowledgeProperties props, org.springframework.jdbc.core.simple.JdbcClient jdbc,
      org.springframework.transaction.support.TransactionTemplate tx) {
    store = new KnowledgeStore(jdbc, tx);
    ModelProfile openAi = new ModelProfile(ModelProfile.Provider.OPENAI, stub.openAiBaseUrl(), "embed-model", null, null, null,
        null, null, Duration.ofSeconds(5), null);
    ModelProfile ollama = new ModelProfile(ModelProfile.Provider.OLLAMA, stub.ollamaBaseUrl(), "embed-model", null, null, null,
        null, null, Duration.ofSeconds(5), null);
    embeddings = new Embeddings(new AiProperties("default", Map.of("embed", openAi, "embed-local", ollama), null, null),
        name -> null, CredentialResolver.NONE);
    retriever = new Retriever(store, embeddings, props);
    service = new KnowledgeService(store, retriever, embeddings, new AuditLog(jdbc), Clock.systemUTC());
  }

  /** A new knowledge base with a unique name; {@code model} null: full text only. */
  public KnowledgeStore.Base base(String model, int chunkSize, int overlap) {
    var body = Json.object().put("name", "kb-" + UUID.randomUUID().toString().substring(0, 8))
        .put("chunkSize", chunkSize).put("chunkOverlap", overlap);
    if (model != null) body.put("embeddingModel", model);
    return service.create(body, EDITOR);
  }

  public KnowledgeStore.Document text(KnowledgeStore.Base kb, String name, String text) {
    return service.addDocument(kb.id(), name, "text/plain", text.getBytes(java.nio.charset.StandardCharsets.UTF_8), EDITOR);
  }

  @Override
  public void close() {
    stub.server.stop();
  }
}
