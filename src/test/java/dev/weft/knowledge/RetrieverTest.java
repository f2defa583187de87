package dev.weft.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.domain.DomainException;
import dev.weft.domain.Tenants;
import dev.weft.node.NodeFailure;
import dev.weft.store.KnowledgeStore;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Hybrid retrieval on the real (embedded) PostgreSQL: exact cosine over real[], full text, their fusion. */
class RetrieverTest {
  private final Knowledge k = new Knowledge();

  @AfterEach
  void tearDown() {
    k.close();
  }

  private static List<String> names(Retriever.Result r) {
    return r.hits().stream().map(Retriever.Hit::documentName).toList();
  }

  @Test
  void similarityRanksByTheQuerysEmbeddingEvenWithoutSharedWords() {
    KnowledgeStore.Base kb = k.base("embed", 200, 20);
    k.text(kb, "pets.txt", "Our cat sleeps all day; the cat likes the dog.");
    k.text(kb, "billing.txt", "Every invoice is sent monthly. A refund takes five days.");
    k.text(kb, "space.txt", "The rocket launched at dawn.");

    // Two "cat"s and one "refund": the pets document is the most similar, billing the next.
    Retriever.Result r = k.retriever.search(kb.name(), "cat cat refund", 3);

    assertThat(r.semantic()).isTrue();
    assertThat(names(r)).startsWith("pets.txt", "billing.txt");
    Retriever.Hit first = r.hits().getFirst();
    assertThat(first.similarity()).isGreaterThan(r.hits().get(1).similarity());
    assertThat(first.chunkId()).startsWith(first.documentId() + ":");
    // The query was embedded once; the three one-chunk documents once each.
    assertThat(k.stub.textsEmbedded()).isEqualTo(4);
    // Without any shared word, similarity alone still answers: "invoices" only counts in the vocabulary.
    Retriever.Result byMeaning = k.retriever.search(kb.id(), "zzz invoices", 1);
    assertThat(names(byMeaning)).containsExactly("billing.txt");
    assertThat(byMeaning.hits().getFirst().textRank()).isNull();
  }

  @Test
  void aBaseWithoutEmbeddingsAnswersByFullTextAndNothingWhenNothingMatches() {
    KnowledgeStore.Base kb = k.base(null, 200, 20);
    k.text(kb, "garden.txt", "Water the garden every morning in summer.");
    k.text(kb, "pasta.txt", "Boil the pasta for nine minutes, then water it with sauce.");

    Retriever.Result r = k.retriever.search(kb.name(), "gardening", 5);

    assertThat(r.semantic()).isFalse();
    assertThat(names(r)).containsExactly("garden.txt");
    assertThat(r.hits().getFirst().similarity()).isNull();
    assertThat(r.hits().getFirst().textRank()).isGreaterThan(0).isLessThan(1);
    assertThat(r.hits().getFirst().score()).isEqualTo(r.hits().getFirst().textRank());
    // websearch syntax: a phrase, and both documents for a word they share.
    assertThat(names(k.retriever.search(kb.name(), "water", 5))).containsExactlyInAnyOrder("garden.txt", "pasta.txt");
    assertThat(names(k.retriever.search(kb.name(), "water -pasta", 5))).containsExactly("garden.txt");
    assertThat(k.retriever.search(kb.name(), "rocket", 5).hits()).isEmpty();
    assertThat(k.stub.textsEmbedded()).isZero();
  }

  @Test
  void fusionPutsAChunkFoundByBothRankingsAboveOnesFoundByOne() {
    KnowledgeStore.Base kb = k.base("embed", 200, 20);
    // Similar by vocabulary (dog), but not by words: "dogs" are only in "kennel".
    k.text(kb, "kennel.txt", "Dogs bark at the dog next door.");
    // Shares the word "policy" with the query but no vocabulary word.
    k.text(kb, "policy.txt", "The travel policy covers trains.");
    // Both: the vocabulary word dog and the word policy.
    k.text(kb, "both.txt", "The dog policy: one dog per desk.");

    Retriever.Result r = k.retriever.search(kb.name(), "dog policy", 3);

    assertThat(names(r).getFirst()).isEqualTo("both.txt");
    Retriever.Hit both = r.hits().getFirst();
    assertThat(both.similarity()).isNotNull();
    assertThat(both.textRank()).isNotNull();
    assertThat(both.fused()).isGreaterThan(r.hits().get(1).fused());
  }

  @Test
  void documentsAreChunkedWithOverlapAndDeletingThemRemovesTheirChunks() {
    KnowledgeStore.Base kb = k.base("embed-local", 100, 30);
    String text = "The rocket team met on Monday. ".repeat(12).strip();
    KnowledgeStore.Document d = k.text(kb, "notes.txt", text);

    List<KnowledgeStore.Found> chunks = k.service.chunks(kb.name(), d.id());
    assertThat(chunks).hasSize(d.chunks()).hasSizeGreaterThan(3);
    assertThat(chunks).allSatisfy(c -> assertThat(c.text().length()).isLessThanOrEqualTo(100));
    // Neighbours overlap: each chunk after the first starts with words the previous one ended with.
    for (int i = 1; i < chunks.size(); i++) {
      String prev = chunks.get(i - 1).text();
      String head = chunks.get(i).text().substring(0, 10);
      assertThat(prev).contains(head);
    }
    // Embedded over Ollama's format: similarity works the same.
    assertThat(k.retriever.search(kb.name(), "rocket", 1).hits().getFirst().similarity()).isGreaterThan(0.9);

    k.service.deleteDocument(kb.name(), d.id(), Knowledge.EDITOR);
    assertThat(k.store.chunkCount(kb.id())).isZero();
    assertThat(k.retriever.search(kb.name(), "rocket", 3).hits()).isEmpty();
  }

  @Test
  void knowledgeBasesBelongToTheirTenant() {
    KnowledgeStore.Base kb = k.base(null, 200, 20);
    k.text(kb, "salary.txt", "Salary is paid on the last day.");

    assertThat(k.retriever.search(Tenants.DEFAULT, kb.name(), "salary", 3).hits()).hasSize(1);
    assertThatThrownBy(() -> k.retriever.search("acme", kb.name(), "salary", 3))
        .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo("knowledge_base.not_found"));
    try (Tenants.Scope ignored = Tenants.open("acme")) {
      KnowledgeStore.Base same = k.service.create(dev.weft.definition.Json.object().put("name", kb.name()), Knowledge.EDITOR);
      assertThat(same.id()).isNotEqualTo(kb.id());
      assertThat(k.service.list(100, 0)).extracting(KnowledgeStore.Base::id).containsExactly(same.id());
    }
  }

  @Test
  void limitsAndModelFailuresHaveStableCodes() {
    KnowledgeStore.Base kb = k.base("embed", 200, 20);
    assertThatThrownBy(() -> k.retriever.search(kb.name(), " ", 3))
        .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo("knowledge.query_invalid"));
    assertThatThrownBy(() -> k.retriever.search(kb.name(), "x", 51))
        .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo("knowledge.k_invalid"));
    assertThatThrownBy(() -> k.service.addDocument(kb.name(), "a.bin", "application/zip", new byte[] {1}, Knowledge.EDITOR))
        .isInstanceOfSatisfying(DomainException.class, e -> {
          assertThat(e.code()).isEqualTo("document.unsupported_type");
          assertThat(e.kind()).isEqualTo(DomainException.Kind.UNSUPPORTED_MEDIA_TYPE);
        });
    assertThatThrownBy(() -> k.text(kb, "blank.txt", "  \n "))
        .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo("document.empty"));

    k.stub.failWith(503);
    assertThatThrownBy(() -> k.text(kb, "down.txt", "The cat."))
        .isInstanceOfSatisfying(NodeFailure.class, f -> assertThat(f.code()).isEqualTo("llm.unavailable"));
    // Nothing of the failed document was stored.
    assertThat(k.service.documents(kb.name(), 10, 0)).isEmpty();
    // Ollama's format: a 503 is as retryable there, a 400 is not.
    KnowledgeStore.Base local = k.base("embed-local", 200, 20);
    assertThatThrownBy(() -> k.text(local, "down.txt", "The cat."))
        .isInstanceOfSatisfying(NodeFailure.class, f -> {
          assertThat(f.code()).isEqualTo("llm.unavailable");
          assertThat(f.retryable()).isTrue();
        });
    k.stub.answer();
    k.stub.failWith(400);
    assertThatThrownBy(() -> k.text(local, "bad.txt", "The cat."))
        .isInstanceOfSatisfying(NodeFailure.class, f -> assertThat(f.code()).isEqualTo("llm.rejected"));
    k.stub.answer();
    // NUL cannot be stored in PostgreSQL text: dropped from documents, refused in queries.
    assertThat(k.text(local, "nul.txt", "The\u0000cat.").chars()).isEqualTo(8);
    assertThatThrownBy(() -> k.retriever.search(local.name(), "cat\u0000", 1))
        .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo("knowledge.query_invalid"));
  }

  @Test
  void theChunkLimitOfABaseIsEnforcedBeforeAnythingIsStored() {
    Knowledge small = new Knowledge(new KnowledgeProperties(KnowledgeProperties.Pgvector.OFF, 1000, 500, 3, 100, 1000, 200,
        8000, 50, 2000, 50, 60));
    try {
      KnowledgeStore.Base kb = small.base(null, 100, 0);
      assertThatThrownBy(() -> small.text(kb, "long.txt", "word ".repeat(90)))
          .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo("knowledge_base.full"));
      assertThatThrownBy(() -> small.text(kb, "longer.txt", "word ".repeat(101)))
          .isInstanceOfSatisfying(DomainException.class, e -> {
            assertThat(e.code()).isEqualTo("document.too_large");
            assertThat(e.kind()).isEqualTo(DomainException.Kind.TOO_LARGE);
          });
      assertThat(small.store.chunkCount(kb.id())).isZero();
    } finally {
      small.close();
    }
  }
}
