package dev.weft.knowledge;

import dev.weft.ai.Embeddings;
import dev.weft.domain.DomainException;
import dev.weft.domain.Tenants;
import dev.weft.store.KnowledgeStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hybrid retrieval over one knowledge base: the chunks most similar to the query's embedding (when the base
 * has an embedding profile) and the best full-text matches, fused by reciprocal rank (each ranking adds
 * {@code 1 / (rrfK + rank)}). What the API's search, the {@code llm.answer} node and the agents call; safe in
 * an activity (it reads the tenant it is given, or the current one).
 */
public class Retriever implements KnowledgeSearch {
  private final KnowledgeStore store;
  private final Embeddings embeddings;
  private final KnowledgeProperties props;

  public Retriever(KnowledgeStore store, Embeddings embeddings, KnowledgeProperties props) {
    this.store = store;
    this.embeddings = embeddings;
    this.props = props;
  }

  /**
   * One chunk found.
   *
   * @param score the relevance a threshold compares: the larger of {@code similarity} and {@code textRank}
   * @param similarity cosine similarity to the query's embedding, null when not ranked by similarity
   * @param textRank the full-text rank in [0, 1), null when the chunk matched no query term
   * @param fused the reciprocal-rank-fusion score the results are ordered by
   */
  public record Hit(String chunkId, String documentId, String documentName, int ordinal, String text, double score,
      Double similarity, Double textRank, double fused) {}

  /** The knowledge base searched and what was found, best first. */
  public record Result(String knowledgeBaseId, String knowledgeBaseName, boolean semantic, List<Hit> hits) {}

  public KnowledgeProperties props() {
    return props;
  }

  /** {@link #search(String, String, int)} as {@code tenant}. */
  public Result search(String tenant, String knowledgeBase, String query, int k) {
    return Tenants.call(tenant, () -> search(knowledgeBase, query, k));
  }

  /**
   * The {@code k} best chunks of the knowledge base (by id or name) in the current tenant.
   *
   * @throws DomainException {@code knowledge_base.not_found}, {@code knowledge.query_invalid}, {@code knowledge.k_invalid}
   * @throws dev.weft.node.NodeFailure when the embedding model fails ({@code llm.*})
   */
  @Override
  public Result search(String knowledgeBase, String query, int k) {
    if (query == null || query.isBlank() || query.indexOf('\u0000') >= 0) {
      throw DomainException.invalid("/query", "knowledge.query_invalid", "query must not be blank or hold NUL characters");
    }
    if (knowledgeBase == null || knowledgeBase.indexOf('\u0000') >= 0) throw notFound(String.valueOf(knowledgeBase));
    if (query.length() > props.maxQueryChars()) {
      throw DomainException.invalid("/query", "knowledge.query_invalid", "query is at most " + props.maxQueryChars() + " characters");
    }
    if (k < 1 || k > props.maxK()) throw DomainException.invalid("/k", "knowledge.k_invalid", "k is from 1 to " + props.maxK());
    KnowledgeStore.Base kb = store.findBase(knowledgeBase).orElseThrow(() -> notFound(knowledgeBase));
    int n = Math.max(k, props.candidates());
    Map<String, Acc> byId = new LinkedHashMap<>();
    boolean semantic = kb.embeddingModel() != null;
    if (semantic && kb.chunks() > 0) {
      float[] q = embeddings.embed(kb.embeddingModel(), List.of(query)).getFirst();
      List<KnowledgeStore.Found> near = store.nearest(kb.id(), q, n);
      for (int i = 0; i < near.size(); i++) {
        Acc a = byId.computeIfAbsent(near.get(i).chunkId(), id -> new Acc());
        a.found = near.get(i);
        a.similarity = near.get(i).score();
        a.fused += 1.0 / (props.rrfK() + i + 1);
      }
    }
    List<KnowledgeStore.Found> text = store.matching(kb.id(), query, n);
    for (int i = 0; i < text.size(); i++) {
      Acc a = byId.computeIfAbsent(text.get(i).chunkId(), id -> new Acc());
      a.found = text.get(i);
      a.textRank = text.get(i).score();
      a.fused += 1.0 / (props.rrfK() + i + 1);
    }
    List<Hit> hits = new ArrayList<>();
    byId.values().forEach(a -> {
      double score = Math.max(a.similarity == null ? 0 : a.similarity, a.textRank == null ? 0 : a.textRank);
      KnowledgeStore.Found f = a.found;
      hits.add(new Hit(f.chunkId(), f.documentId(), f.documentName(), f.ordinal(), f.text(), score, a.similarity, a.textRank,
          a.fused));
    });
    hits.sort(Comparator.comparingDouble(Hit::fused).reversed().thenComparing(Comparator.comparingDouble(Hit::score).reversed())
        .thenComparing(Hit::chunkId));
    return new Result(kb.id(), kb.name(), semantic, List.copyOf(hits.subList(0, Math.min(k, hits.size()))));
  }

  public static DomainException notFound(String knowledgeBase) {
    return DomainException.notFound("path.kb", "knowledge_base.not_found", "no knowledge base '" + knowledgeBase + "'");
  }

  private static final class Acc {
    KnowledgeStore.Found found;
    Double similarity;
    Double textRank;
    double fused;
  }
}
