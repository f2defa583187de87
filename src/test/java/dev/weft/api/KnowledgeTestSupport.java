package dev.weft.api;

import dev.weft.ai.EmbeddingStub;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Service tests of knowledge bases: the scripted chat model of {@link AiServiceTestSupport} plus a scripted
 * embedding model ({@link EmbeddingStub}) as the profile {@code embed}; one Spring context for such classes.
 */
public abstract class KnowledgeTestSupport extends AiServiceTestSupport {
  protected static final EmbeddingStub EMBED = new EmbeddingStub().start();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(EMBED.server::stop));
  }

  @DynamicPropertySource
  static void embeddingModel(DynamicPropertyRegistry r) {
    r.add("weft.ai.models.embed.provider", () -> "openai");
    r.add("weft.ai.models.embed.base-url", EMBED::openAiBaseUrl);
    r.add("weft.ai.models.embed.model", () -> "embed-model");
  }

  /** Creates a knowledge base as the test admin; returns its id. */
  protected String knowledgeBase(String name, String embeddingModel) {
    String body = embeddingModel == null ? "{\"name\": \"%s\", \"chunkSize\": 200, \"chunkOverlap\": 20}".formatted(name)
        : "{\"name\": \"%s\", \"embeddingModel\": \"%s\", \"chunkSize\": 200, \"chunkOverlap\": 20}".formatted(name, embeddingModel);
    Response r = post("/api/knowledge-bases", body);
    if (r.status() != 201) throw new AssertionError("create knowledge base: " + r.status() + " " + r.text());
    return r.json().get("id").stringValue();
  }

  /** Adds a text document as the test admin; returns its id. */
  protected String document(String kb, String name, String text) {
    Response r = post("/api/knowledge-bases/" + kb + "/documents",
        dev.weft.definition.Json.object().put("name", name).put("text", text).toString());
    if (r.status() != 201) throw new AssertionError("add document: " + r.status() + " " + r.text());
    return r.json().get("id").stringValue();
  }
}
