package dev.weft.knowledge;

import dev.weft.domain.DomainException;

/**
 * Search of a knowledge base in the current tenant, for nodes and agents (an activity's tenant is current on
 * its thread): {@link Retriever} in the application.
 */
@FunctionalInterface
public interface KnowledgeSearch {
  /** A deployment without knowledge bases: every name is unknown. */
  KnowledgeSearch NONE = (kb, query, k) -> {
    throw Retriever.notFound(kb);
  };

  /**
   * The {@code k} best chunks of the knowledge base {@code knowledgeBase} (id or name) for {@code query}.
   *
   * @throws DomainException {@code knowledge_base.not_found}, {@code knowledge.query_invalid}, {@code knowledge.k_invalid}
   * @throws dev.weft.node.NodeFailure when the embedding model fails ({@code llm.*})
   */
  Retriever.Result search(String knowledgeBase, String query, int k);
}
