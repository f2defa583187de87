package dev.weft.store;

import dev.weft.domain.Tenants;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Knowledge bases, their documents and chunks, every query in the current tenant. Similarity search is
 * exact cosine over the stored {@code real[]} embeddings ({@code kb_cosine}), or pgvector's HNSW index when
 * {@link #usePgvector} was switched on at start (the extension exists); full-text search uses the chunk's
 * generated {@code tsvector} and {@code websearch_to_tsquery} (english configuration).
 */
public class KnowledgeStore {
  /** pgvector's HNSW index takes vectors of at most this many dimensions; longer ones are searched exactly. */
  public static final int HNSW_MAX_DIMS = 2000;

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private volatile boolean pgvector;
  private final Set<Integer> indexedDims = ConcurrentHashMap.newKeySet();

  public KnowledgeStore(JdbcClient jdbc, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.tx = tx;
  }

  /** A knowledge base. {@code embeddingModel} null: full-text search only. */
  public record Base(String id, String name, String description, String embeddingModel, int chunkSize, int chunkOverlap,
      Instant createdAt, String createdBy, long documents, long chunks) {}

  /** A document as stored: its extracted text lives in its chunks only. */
  public record Document(String id, String kbId, String name, String contentType, long bytes, long chars, int chunks,
      Instant createdAt, String createdBy) {}

  /** A chunk to store; {@code embedding} null when the knowledge base has no embedding profile. */
  public record NewChunk(String id, int ordinal, String text, float[] embedding) {}

  /** A chunk found by one search, with that search's score (cosine similarity, or full-text rank in [0, 1)). */
  public record Found(String chunkId, String documentId, String documentName, int ordinal, String text, double score) {}

  /** Whether similarity search goes through pgvector (set once at start by {@code VectorSupport}). */
  public boolean pgvector() {
    return pgvector;
  }

  public void usePgvector(boolean on) {
    this.pgvector = on;
  }

  /** @return false when the name is taken */
  public boolean insertBase(Base b) {
    try {
      jdbc.sql("""
          INSERT INTO knowledge_bases (tenant_id, id, name, description, embedding_model, chunk_size, chunk_overlap,
                                       created_at, created_by)
          VALUES (:t, :id, :name, :description, :model, :size, :overlap, :at, :by)""")
          .param("t", Tenants.current()).param("id", b.id()).param("name", b.name()).param("description", b.description())
          .param("model", b.embeddingModel()).param("size", b.chunkSize()).param("overlap", b.chunkOverlap())
          .param("at", Jsonb.timestamp(b.createdAt())).param("by", b.createdBy())
          .update();
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  private static final String BASE_SELECT = """
      SELECT b.*, (SELECT count(*) FROM kb_documents d WHERE d.tenant_id = b.tenant_id AND d.kb_id = b.id) AS documents,
             (SELECT count(*) FROM kb_chunks c WHERE c.tenant_id = b.tenant_id AND c.kb_id = b.id) AS chunks
      FROM knowledge_bases b""";

  /** By id or by name. */
  public Optional<Base> findBase(String idOrName) {
    return jdbc.sql(BASE_SELECT + " WHERE b.tenant_id = :t AND (b.id = :key OR b.name = :key)")
        .param("t", Tenants.current()).param("key", idOrName).query(KnowledgeStore::base).optional();
  }

  /** By name. */
  public List<Base> listBases(int limit, int offset) {
    return jdbc.sql(BASE_SELECT + " WHERE b.tenant_id = :t ORDER BY b.name LIMIT :limit OFFSET :offset")
        .param("t", Tenants.current()).param("limit", limit).param("offset", offset).query(KnowledgeStore::base).list();
  }

  public int countBases() {
    return jdbc.sql("SELECT count(*) FROM knowledge_bases WHERE tenant_id = :t").param("t", Tenants.current())
        .query(Integer.class).single();
  }

  /** Deletes the base with its documents and chunks. */
  public boolean deleteBase(String id) {
    return jdbc.sql("DELETE FROM knowledge_bases WHERE tenant_id = :t AND id = :id")
        .param("t", Tenants.current()).param("id", id).update() == 1;
  }

  /** Stores a document and its chunks in one transaction. */
  public void insertDocument(Document d, List<NewChunk> chunks) {
    String tenant = Tenants.current();
    tx.executeWithoutResult(s -> {
      jdbc.sql("""
          INSERT INTO kb_documents (tenant_id, id, kb_id, name, content_type, bytes, chars, chunks, created_at, created_by)
          VALUES (:t, :id, :kb, :name, :type, :bytes, :chars, :chunks, :at, :by)""")
          .param("t", tenant).param("id", d.id()).param("kb", d.kbId()).param("name", d.name()).param("type", d.contentType())
          .param("bytes", d.bytes()).param("chars", d.chars()).param("chunks", d.chunks())
          .param("at", Jsonb.timestamp(d.createdAt())).param("by", d.createdBy())
          .update();
      for (NewChunk c : chunks) {
        jdbc.sql("""
            INSERT INTO kb_chunks (tenant_id, id, kb_id, document_id, ordinal, content, embedding, dims)
            VALUES (:t, :id, :kb, :doc, :ordinal, :content, CAST(:embedding AS real[]), :dims)""")
            .param("t", tenant).param("id", c.id()).param("kb", d.kbId()).param("doc", d.id()).param("ordinal", c.ordinal())
            .param("content", c.text()).param("embedding", c.embedding())
            .param("dims", c.embedding() == null ? null : c.embedding().length)
            .update();
      }
    });
    chunks.stream().filter(c -> c.embedding() != null).map(c -> c.embedding().length).distinct().forEach(this::ensureIndex);
  }

  /** pgvector's HNSW index for vectors of {@code dims} dimensions, made once per dimension (a partial index). */
  private void ensureIndex(int dims) {
    if (!pgvector || dims > HNSW_MAX_DIMS || indexedDims.contains(dims)) return;
    jdbc.sql("CREATE INDEX IF NOT EXISTS kb_chunks_hnsw_" + dims + " ON kb_chunks USING hnsw ((embedding::vector(" + dims
        + ")) vector_cosine_ops) WHERE dims = " + dims).update();
    indexedDims.add(dims);
  }

  public long chunkCount(String kbId) {
    return jdbc.sql("SELECT count(*) FROM kb_chunks WHERE tenant_id = :t AND kb_id = :kb")
        .param("t", Tenants.current()).param("kb", kbId).query(Long.class).single();
  }

  /** Newest first. */
  public List<Document> listDocuments(String kbId, int limit, int offset) {
    return jdbc.sql("""
        SELECT * FROM kb_documents WHERE tenant_id = :t AND kb_id = :kb ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset""")
        .param("t", Tenants.current()).param("kb", kbId).param("limit", limit).param("offset", offset)
        .query(KnowledgeStore::document).list();
  }

  public Optional<Document> findDocument(String kbId, String id) {
    return jdbc.sql("SELECT * FROM kb_documents WHERE tenant_id = :t AND kb_id = :kb AND id = :id")
        .param("t", Tenants.current()).param("kb", kbId).param("id", id).query(KnowledgeStore::document).optional();
  }

  public boolean deleteDocument(String kbId, String id) {
    return jdbc.sql("DELETE FROM kb_documents WHERE tenant_id = :t AND kb_id = :kb AND id = :id")
        .param("t", Tenants.current()).param("kb", kbId).param("id", id).update() == 1;
  }

  /** A document's chunks in order. */
  public List<Found> chunks(String kbId, String documentId) {
    return jdbc.sql("""
        SELECT c.id, c.document_id, d.name, c.ordinal, c.content, 0.0 AS score
        FROM kb_chunks c JOIN kb_documents d ON d.tenant_id = c.tenant_id AND d.id = c.document_id
        WHERE c.tenant_id = :t AND c.kb_id = :kb AND c.document_id = :doc ORDER BY c.ordinal""")
        .param("t", Tenants.current()).param("kb", kbId).param("doc", documentId).query(KnowledgeStore::found).list();
  }

  /**
   * The {@code n} chunks most similar to {@code query} (cosine, highest first), among those embedded with as
   * many dimensions: exact over every chunk, or approximate through pgvector's HNSW index (whose scan needs
   * the distance as the only sort key).
   */
  public List<Found> nearest(String kbId, float[] query, int n) {
    int dims = query.length;
    String sql = pgvector
        ? """
          SELECT c.id, c.document_id, d.name, c.ordinal, c.content,
                 1 - (c.embedding::vector(%1$d) <=> CAST(:q AS real[])::vector(%1$d)) AS score
          FROM kb_chunks c JOIN kb_documents d ON d.tenant_id = c.tenant_id AND d.id = c.document_id
          WHERE c.tenant_id = :t AND c.kb_id = :kb AND c.dims = %1$d
          ORDER BY c.embedding::vector(%1$d) <=> CAST(:q AS real[])::vector(%1$d) LIMIT :n""".formatted(dims)
        : """
          SELECT c.id, c.document_id, d.name, c.ordinal, c.content, kb_cosine(c.embedding, CAST(:q AS real[])) AS score
          FROM kb_chunks c JOIN kb_documents d ON d.tenant_id = c.tenant_id AND d.id = c.document_id
          WHERE c.tenant_id = :t AND c.kb_id = :kb AND c.dims = :dims
          ORDER BY score DESC NULLS LAST, c.id LIMIT :n""";
    var spec = jdbc.sql(sql).param("t", Tenants.current()).param("kb", kbId).param("q", query).param("n", n);
    if (!pgvector) spec = spec.param("dims", dims);
    return spec.query(KnowledgeStore::found).list();
  }

  /**
   * The {@code n} chunks that match {@code query} in full-text search (web-search syntax: words, "phrases",
   * -exclusions, or), best first by {@code ts_rank_cd} normalised to [0, 1).
   */
  public List<Found> matching(String kbId, String query, int n) {
    return jdbc.sql("""
        SELECT c.id, c.document_id, d.name, c.ordinal, c.content, ts_rank_cd(c.tsv, q, 32) AS score
        FROM kb_chunks c JOIN kb_documents d ON d.tenant_id = c.tenant_id AND d.id = c.document_id,
             websearch_to_tsquery('english', :query) q
        WHERE c.tenant_id = :t AND c.kb_id = :kb AND c.tsv @@ q
        ORDER BY score DESC, c.id LIMIT :n""")
        .param("t", Tenants.current()).param("kb", kbId).param("query", query).param("n", n)
        .query(KnowledgeStore::found).list();
  }

  private static Base base(ResultSet rs, int i) throws SQLException {
    return new Base(rs.getString("id"), rs.getString("name"), rs.getString("description"), rs.getString("embedding_model"),
        rs.getInt("chunk_size"), rs.getInt("chunk_overlap"), Jsonb.instant(rs, "created_at"), rs.getString("created_by"),
        rs.getLong("documents"), rs.getLong("chunks"));
  }

  private static Document document(ResultSet rs, int i) throws SQLException {
    return new Document(rs.getString("id"), rs.getString("kb_id"), rs.getString("name"), rs.getString("content_type"),
        rs.getLong("bytes"), rs.getLong("chars"), rs.getInt("chunks"), Jsonb.instant(rs, "created_at"), rs.getString("created_by"));
  }

  private static Found found(ResultSet rs, int i) throws SQLException {
    double score = rs.getDouble(6);
    return new Found(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5), rs.wasNull() ? 0 : score);
  }
}
