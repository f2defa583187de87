package dev.weft.knowledge;

import dev.weft.store.KnowledgeStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Detects pgvector at start: when the database offers the {@code vector} extension (and the mode is
 * {@code auto}) it is created if missing and similarity search goes through it (HNSW indexes, made per
 * dimension as chunks arrive); otherwise search is exact cosine in SQL. Either way the embeddings are the
 * same {@code real[]} column, so switching needs no migration of data.
 */
public final class VectorSupport {
  private static final Logger log = LoggerFactory.getLogger(VectorSupport.class);

  private VectorSupport() {}

  /** @return whether pgvector is in use */
  public static boolean detect(JdbcClient jdbc, KnowledgeStore store, KnowledgeProperties.Pgvector mode) {
    boolean on = false;
    if (mode == KnowledgeProperties.Pgvector.AUTO) {
      boolean installed = jdbc.sql("SELECT count(*) FROM pg_extension WHERE extname = 'vector'").query(Integer.class).single() > 0;
      boolean available = installed || jdbc.sql("SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'")
          .query(Integer.class).single() > 0;
      if (installed) {
        on = true;
      } else if (available) {
        // Creating it needs a superuser (or the database owner, for a trusted extension); compose's init script does it.
        try {
          jdbc.sql("CREATE EXTENSION IF NOT EXISTS vector").update();
          on = true;
        } catch (RuntimeException e) {
          log.warn("knowledge: pgvector is available but cannot be created ({}); exact cosine search in SQL",
              e.getMessage());
        }
      }
    }
    store.usePgvector(on);
    log.info("knowledge: similarity search {}", on ? "through pgvector (HNSW)" : "exact (cosine in SQL; no pgvector)");
    return on;
  }
}
