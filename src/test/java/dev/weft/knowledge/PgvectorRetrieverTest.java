package dev.weft.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.store.KnowledgeStore;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The pgvector path, opt-in: runs only with {@code -Dweft.test.pgvector-url=jdbc:postgresql://...} naming a
 * database that has (or may create) the {@code vector} extension (docs/knowledge.md). It migrates a schema
 * of its own, dropped afterwards.
 */
@EnabledIfSystemProperty(named = "weft.test.pgvector-url", matches = ".+")
class PgvectorRetrieverTest {
  private static final String SCHEMA = "weft_pgvector_" + UUID.randomUUID().toString().substring(0, 8);
  private static PGSimpleDataSource dataSource;
  private static Knowledge knowledge;

  @BeforeAll
  static void migrate() {
    dataSource = new PGSimpleDataSource();
    dataSource.setURL(System.getProperty("weft.test.pgvector-url"));
    JdbcClient.create(dataSource).sql("CREATE SCHEMA " + SCHEMA).update();
    // The extension's types live in public (or wherever it was created); the tables in the test's schema.
    dataSource.setCurrentSchema(SCHEMA + ",public");
    Flyway.configure().dataSource(dataSource).schemas(SCHEMA).locations("classpath:db/migration").load().migrate();
    knowledge = new Knowledge(KnowledgeProperties.DEFAULTS, JdbcClient.create(dataSource),
        new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
  }

  @AfterAll
  static void drop() {
    if (knowledge != null) knowledge.close();
    if (dataSource != null) JdbcClient.create(dataSource).sql("DROP SCHEMA " + SCHEMA + " CASCADE").update();
  }

  private static List<String> names(Retriever.Result r) {
    return r.hits().stream().map(Retriever.Hit::documentName).toList();
  }

  @Test
  void pgvectorIsDetectedIndexedAndRanksAsTheExactPathDoes() {
    JdbcClient jdbc = JdbcClient.create(dataSource);
    assertThat(VectorSupport.detect(jdbc, knowledge.store, KnowledgeProperties.Pgvector.AUTO)).isTrue();
    KnowledgeStore.Base kb = knowledge.base("embed", 200, 20);
    knowledge.text(kb, "pets.txt", "Our cat sleeps all day; the cat likes the dog.");
    knowledge.text(kb, "billing.txt", "Every invoice is sent monthly. A refund takes five days.");
    knowledge.text(kb, "space.txt", "The rocket launched at dawn.");
    int dims = dev.weft.ai.EmbeddingStub.VOCABULARY.size() + 1;
    assertThat(jdbc.sql("SELECT count(*) FROM pg_indexes WHERE schemaname = :s AND indexname = :i")
        .param("s", SCHEMA).param("i", "kb_chunks_hnsw_" + dims).query(Integer.class).single()).isEqualTo(1);

    Retriever.Result viaPgvector = knowledge.retriever.search(kb.name(), "cat cat refund", 3);
    Retriever.Result byMeaning = knowledge.retriever.search(kb.name(), "zzz invoices", 1);
    knowledge.store.usePgvector(false);
    Retriever.Result exact = knowledge.retriever.search(kb.name(), "cat cat refund", 3);
    knowledge.store.usePgvector(true);

    assertThat(names(viaPgvector)).startsWith("pets.txt", "billing.txt");
    assertThat(names(viaPgvector)).isEqualTo(names(exact));
    for (int i = 0; i < exact.hits().size(); i++) {
      Double a = viaPgvector.hits().get(i).similarity();
      Double b = exact.hits().get(i).similarity();
      if (b == null) assertThat(a).isNull();
      else assertThat(a).isCloseTo(b, org.assertj.core.api.Assertions.within(1e-5));
    }
    assertThat(names(byMeaning)).containsExactly("billing.txt");
  }
}
