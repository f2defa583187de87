package dev.weft.knowledge;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Knowledge bases under {@code weft.knowledge.*}: every limit explicit (docs/knowledge.md).
 *
 * @param pgvector {@code auto}: use pgvector when the database offers the extension (created at start, HNSW
 *     indexes per dimension); {@code off}: always exact cosine search in SQL
 * @param maxDocumentBytes the largest document upload (the request limit {@code weft.api.max-request-bytes} applies too)
 * @param maxDocumentChars the most characters of text a document may yield
 * @param maxChunks chunks per knowledge base
 * @param maxKnowledgeBases knowledge bases per tenant
 * @param chunkSize a new knowledge base's chunk size in characters when the request names none
 * @param chunkOverlap its overlap in characters
 * @param maxChunkSize the largest chunk size a knowledge base may set
 * @param maxK the most results one search returns
 * @param maxQueryChars the longest query
 * @param candidates the results each ranking (similarity, full text) contributes to the fusion
 * @param rrfK the constant of reciprocal rank fusion: 1 / (rrfK + rank)
 */
@ConfigurationProperties(prefix = KnowledgeProperties.PREFIX)
public record KnowledgeProperties(
    @DefaultValue("auto") Pgvector pgvector,
    @DefaultValue("2097152") long maxDocumentBytes,
    @DefaultValue("1000000") int maxDocumentChars,
    @DefaultValue("20000") int maxChunks,
    @DefaultValue("100") int maxKnowledgeBases,
    @DefaultValue("1000") int chunkSize,
    @DefaultValue("200") int chunkOverlap,
    @DefaultValue("8000") int maxChunkSize,
    @DefaultValue("50") int maxK,
    @DefaultValue("2000") int maxQueryChars,
    @DefaultValue("50") int candidates,
    @DefaultValue("60") int rrfK) {
  public static final String PREFIX = "weft.knowledge";
  public static final KnowledgeProperties DEFAULTS =
      new KnowledgeProperties(Pgvector.AUTO, 2_097_152, 1_000_000, 20_000, 100, 1000, 200, 8000, 50, 2000, 50, 60);

  /** Whether to use pgvector. */
  public enum Pgvector {
    AUTO, OFF
  }
}
