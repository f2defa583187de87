package dev.weft.service;

import dev.weft.ai.Embeddings;
import dev.weft.definition.Json;
import dev.weft.domain.DomainException;
import dev.weft.knowledge.Chunker;
import dev.weft.knowledge.DocumentText;
import dev.weft.knowledge.KnowledgeProperties;
import dev.weft.knowledge.Retriever;
import dev.weft.security.WeftPrincipal;
import dev.weft.store.AuditLog;
import dev.weft.store.KnowledgeStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Knowledge bases and their documents: created, listed and deleted by editors, read and searched by viewers
 * (docs/knowledge.md). A document is read by its media type, chunked with overlap and, when the base has an
 * embedding profile, embedded chunk by chunk before anything is stored: a document is stored whole or not
 * at all. Every change is audited; search is {@link Retriever}'s.
 */
public class KnowledgeService {
  /** A knowledge base's name. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private static final int MIN_CHUNK = 100;
  private static final int MAX_DOCUMENT_NAME = 200;
  private static final int MAX_DESCRIPTION = 2000;

  private final KnowledgeStore store;
  private final Retriever retriever;
  private final Embeddings embeddings;
  private final AuditLog audit;
  private final Clock clock;
  private final KnowledgeProperties props;

  public KnowledgeService(KnowledgeStore store, Retriever retriever, Embeddings embeddings, AuditLog audit, Clock clock) {
    this.store = store;
    this.retriever = retriever;
    this.embeddings = embeddings;
    this.audit = audit;
    this.clock = clock;
    this.props = retriever.props();
  }

  public KnowledgeProperties props() {
    return props;
  }

  /** Body {@code {name, description?, embeddingModel?, chunkSize?, chunkOverlap?}}, already checked to be an object. */
  public KnowledgeStore.Base create(JsonNode body, WeftPrincipal caller) {
    String name = text(body, "name", true);
    if (!NAME.matcher(name).matches()) {
      throw DomainException.invalid("/name", "knowledge_base.invalid", "name is [a-z0-9][a-z0-9_-]{0,62}");
    }
    String description = text(body, "description", false);
    if (description != null && (description.length() > MAX_DESCRIPTION || description.indexOf('\u0000') >= 0)) {
      throw DomainException.invalid("/description", "knowledge_base.invalid", "description is at most " + MAX_DESCRIPTION + " characters, without NUL");
    }
    String model = text(body, "embeddingModel", false);
    if (model != null && !embeddings.exists(model)) {
      throw DomainException.invalid("/embeddingModel", "knowledge_base.embedding_model_unknown",
          "no model profile named '" + model + "' (weft.ai.models.<name>)");
    }
    if (model != null && !embeddings.embeds(model)) {
      throw DomainException.invalid("/embeddingModel", "knowledge_base.embedding_unsupported",
          "model profile '" + model + "' has no embedding model: use an OpenAI-compatible or Ollama profile");
    }
    int size = integer(body, "chunkSize", props.chunkSize());
    if (size < MIN_CHUNK || size > props.maxChunkSize()) {
      throw DomainException.invalid("/chunkSize", "knowledge_base.invalid", "chunkSize is from " + MIN_CHUNK + " to "
          + props.maxChunkSize() + " characters");
    }
    int overlap = integer(body, "chunkOverlap", Math.min(props.chunkOverlap(), size / 2));
    if (overlap < 0 || overlap > size / 2) {
      throw DomainException.invalid("/chunkOverlap", "knowledge_base.invalid", "chunkOverlap is from 0 to half the chunk size ("
          + size / 2 + ")");
    }
    if (store.countBases() >= props.maxKnowledgeBases()) {
      throw DomainException.conflict("", "knowledge_base.limit", "at most " + props.maxKnowledgeBases()
          + " knowledge bases per tenant (weft.knowledge.max-knowledge-bases)");
    }
    KnowledgeStore.Base b = new KnowledgeStore.Base(UUID.randomUUID().toString(), name, description, model, size, overlap,
        clock.instant(), caller.id(), 0, 0);
    if (!store.insertBase(b)) throw DomainException.conflict("/name", "knowledge_base.exists", "a knowledge base '" + name + "' exists");
    audit.record(caller.id(), "knowledge_base.create", "knowledge_base", b.id(), null, null,
        Json.object().put("name", name).put("embeddingModel", model));
    return b;
  }

  /** By id or name. */
  public KnowledgeStore.Base get(String kb) {
    if (kb == null || kb.indexOf('\u0000') >= 0) throw Retriever.notFound(String.valueOf(kb));
    return store.findBase(kb).orElseThrow(() -> Retriever.notFound(kb));
  }

  public List<KnowledgeStore.Base> list(int limit, int offset) {
    return store.listBases(limit, offset);
  }

  /** Deletes the base with every document and chunk. */
  public void delete(String kb, WeftPrincipal caller) {
    KnowledgeStore.Base b = get(kb);
    if (!store.deleteBase(b.id())) throw Retriever.notFound(kb);
    audit.record(caller.id(), "knowledge_base.delete", "knowledge_base", b.id(), null, null,
        Json.object().put("name", b.name()).put("documents", b.documents()));
  }

  /**
   * Adds a document: its text extracted by media type, chunked, embedded (with the base's profile) and stored.
   *
   * @param contentType the full Content-Type ({@code text/plain}, {@code text/markdown}, {@code text/html},
   *     {@code application/pdf}; a charset parameter applies to text)
   * @throws DomainException {@code document.too_large} (413), {@code document.unsupported_type} (415),
   *     {@code document.empty}, {@code document.unreadable}, {@code knowledge_base.full}
   * @throws dev.weft.node.NodeFailure when the embedding model fails
   */
  public KnowledgeStore.Document addDocument(String kb, String name, String contentType, byte[] bytes, WeftPrincipal caller) {
    KnowledgeStore.Base b = get(kb);
    if (name == null || name.isBlank()) {
      throw DomainException.invalid("/name", "document.invalid", "a document needs a name (the query parameter name, or name in JSON)");
    }
    if (name.length() > MAX_DOCUMENT_NAME || name.chars().anyMatch(Character::isISOControl)) {
      throw DomainException.invalid("/name", "document.invalid", "a document's name is at most " + MAX_DOCUMENT_NAME
          + " characters without control characters");
    }
    if (bytes.length > props.maxDocumentBytes()) {
      throw DomainException.of(DomainException.Kind.TOO_LARGE, "", "document.too_large", "a document is at most "
          + props.maxDocumentBytes() + " bytes (weft.knowledge.max-document-bytes)");
    }
    String type = DocumentText.mediaType(contentType);
    if (!DocumentText.TYPES.contains(type)) throw DocumentText.unsupported(type);
    String text = Chunker.normalize(DocumentText.extract(bytes, contentType));
    if (text.isEmpty()) throw DomainException.invalid("", "document.empty", "the document has no text");
    if (text.length() > props.maxDocumentChars()) {
      throw DomainException.of(DomainException.Kind.TOO_LARGE, "", "document.too_large", "a document yields at most "
          + props.maxDocumentChars() + " characters of text (weft.knowledge.max-document-chars); this one " + text.length());
    }
    List<String> parts = Chunker.chunk(text, b.chunkSize(), b.chunkOverlap());
    if (store.chunkCount(b.id()) + parts.size() > props.maxChunks()) {
      throw DomainException.conflict("", "knowledge_base.full", "a knowledge base holds at most " + props.maxChunks()
          + " chunks (weft.knowledge.max-chunks); this document has " + parts.size());
    }
    List<float[]> vectors = b.embeddingModel() == null ? null : embeddings.embed(b.embeddingModel(), parts);
    String id = UUID.randomUUID().toString();
    List<KnowledgeStore.NewChunk> chunks = new ArrayList<>(parts.size());
    for (int i = 0; i < parts.size(); i++) {
      chunks.add(new KnowledgeStore.NewChunk(id + ":" + i, i, parts.get(i), vectors == null ? null : vectors.get(i)));
    }
    KnowledgeStore.Document d = new KnowledgeStore.Document(id, b.id(), name.strip(), type, bytes.length, text.length(),
        parts.size(), clock.instant(), caller.id());
    store.insertDocument(d, chunks);
    audit.record(caller.id(), "knowledge_base.document.add", "knowledge_base", b.id(), null, null, Json.object()
        .put("documentId", id).put("name", d.name()).put("contentType", type).put("bytes", bytes.length).put("chunks", parts.size()));
    return d;
  }

  public List<KnowledgeStore.Document> documents(String kb, int limit, int offset) {
    return store.listDocuments(get(kb).id(), limit, offset);
  }

  public KnowledgeStore.Document document(String kb, String id) {
    if (id.indexOf('\u0000') >= 0) throw documentNotFound("?");
    return store.findDocument(get(kb).id(), id).orElseThrow(() -> documentNotFound(id));
  }

  /** A document's chunks in order. */
  public List<KnowledgeStore.Found> chunks(String kb, String id) {
    KnowledgeStore.Document d = document(kb, id);
    return store.chunks(d.kbId(), d.id());
  }

  public void deleteDocument(String kb, String id, WeftPrincipal caller) {
    KnowledgeStore.Base b = get(kb);
    if (id.indexOf('\u0000') >= 0 || !store.deleteDocument(b.id(), id)) throw documentNotFound(id);
    audit.record(caller.id(), "knowledge_base.document.delete", "knowledge_base", b.id(), null, null,
        Json.object().put("documentId", id));
  }

  /** {@link Retriever#search} in the current tenant. */
  public Retriever.Result search(String kb, String query, int k) {
    return retriever.search(kb, query, k);
  }

  private static DomainException documentNotFound(String id) {
    return DomainException.notFound("path.documentId", "document.not_found", "no document '" + id + "' in this knowledge base");
  }

  private static String text(JsonNode body, String field, boolean required) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      if (required) throw DomainException.invalid("/" + field, "knowledge_base.invalid", field + " is required");
      return null;
    }
    if (!v.isString()) throw DomainException.invalid("/" + field, "json.type", field + " is a string");
    String s = v.stringValue().strip();
    if (s.isEmpty()) {
      if (required) throw DomainException.invalid("/" + field, "knowledge_base.invalid", field + " must not be blank");
      return null;
    }
    return s;
  }

  private static int integer(JsonNode body, String field, int dflt) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) return dflt;
    if (!v.isIntegralNumber() || !v.canConvertToInt()) throw DomainException.invalid("/" + field, "json.type", field + " is an integer");
    return v.intValue();
  }
}
