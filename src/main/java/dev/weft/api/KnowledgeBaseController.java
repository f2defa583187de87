package dev.weft.api;

import dev.weft.config.ServesApi;
import dev.weft.domain.DomainException;
import dev.weft.knowledge.Retriever;
import dev.weft.limits.RateLimit;
import dev.weft.node.NodeFailure;
import dev.weft.security.WeftPrincipal;
import dev.weft.service.KnowledgeService;
import dev.weft.store.KnowledgeStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Knowledge bases (docs/knowledge.md): editors create and delete bases and add documents (text, Markdown,
 * HTML, PDF: the raw body with its Content-Type, or JSON text), viewers list, read and search them.
 * {@code {kb}} is a knowledge base's id or name.
 */
@RestController
@ServesApi
@RequestMapping(path = "/api/knowledge-bases", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Knowledge bases")
public class KnowledgeBaseController {
  private static final Set<String> BASE_FIELDS = Set.of("name", "description", "embeddingModel", "chunkSize", "chunkOverlap");
  private static final Set<String> TEXT_FIELDS = Set.of("name", "text", "contentType");
  private static final Set<String> SEARCH_FIELDS = Set.of("query", "k");
  private static final int DEFAULT_K = 5;

  private final KnowledgeService knowledge;
  private final Paging paging;

  public KnowledgeBaseController(KnowledgeService knowledge, Paging paging) {
    this.knowledge = knowledge;
    this.paging = paging;
  }

  record KnowledgeBaseRequest(
      @Schema(description = "[a-z0-9][a-z0-9_-]{0,62}", requiredMode = Schema.RequiredMode.REQUIRED) String name,
      String description,
      @Schema(description = "the model profile (weft.ai.models.<name>) that embeds chunks and queries; absent: full-text search only")
      String embeddingModel,
      @Schema(description = "characters per chunk, 100 to weft.knowledge.max-chunk-size (default weft.knowledge.chunk-size)")
      Integer chunkSize,
      @Schema(description = "characters shared by neighbouring chunks, 0 to half the chunk size") Integer chunkOverlap) {}

  record TextDocumentRequest(
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String name,
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String text,
      @Schema(description = "text/plain (default), text/markdown or text/html") String contentType) {}

  record SearchRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String query,
      @Schema(description = "results, 1 to weft.knowledge.max-k (default 5)") Integer k) {}

  @Operation(summary = "Create a knowledge base", description = "409 knowledge_base.exists when the name is taken; 400 "
      + "knowledge_base.embedding_model_unknown when no such model profile exists.")
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @RateLimited(RateLimit.SAVE)
  ResponseEntity<Map<String, Object>> create(
      @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
          schema = @Schema(implementation = KnowledgeBaseRequest.class))) @RequestBody(required = false) String body,
      @RequestHeader(value = "Content-Type", required = false) String contentType,
      @AuthenticationPrincipal WeftPrincipal caller) {
    JsonNode n = JsonBodies.object(body, contentType, BASE_FIELDS, "a knowledge base",
        "{name, description?, embeddingModel?, chunkSize?, chunkOverlap?}");
    KnowledgeStore.Base b = knowledge.create(n, caller);
    return ResponseEntity.created(URI.create("/api/knowledge-bases/" + b.id())).body(view(b));
  }

  @Operation(summary = "List knowledge bases", description = "By name.")
  @GetMapping
  Map<String, Object> list(@RequestParam(required = false) Integer limit, @RequestParam(defaultValue = "0") int offset) {
    int n = paging.limit(limit);
    if (offset < 0) throw ApiProblem.badRequest("query.offset", "request.invalid_parameter", "offset must not be negative");
    List<Map<String, Object>> items = knowledge.list(n, offset).stream().map(KnowledgeBaseController::view).toList();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("knowledgeBases", items);
    if (items.size() == n) out.put("nextOffset", offset + n);
    return out;
  }

  @Operation(summary = "Read a knowledge base", description = "By id or name. 404 knowledge_base.not_found.")
  @GetMapping("/{kb}")
  Map<String, Object> get(@PathVariable String kb) {
    return view(knowledge.get(kb));
  }

  @Operation(summary = "Delete a knowledge base", description = "With all its documents and chunks.")
  @DeleteMapping("/{kb}")
  ResponseEntity<Void> delete(@PathVariable String kb, @AuthenticationPrincipal WeftPrincipal caller) {
    knowledge.delete(kb, caller);
    return ResponseEntity.noContent().build();
  }

  @Operation(summary = "Add a document", description = "The body is the document itself with its Content-Type (text/plain, "
      + "text/markdown, text/html, application/pdf) and ?name=, or application/json {name, text, contentType?}. It is "
      + "chunked, embedded with the base's model profile and stored whole or not at all. 413 document.too_large over "
      + "weft.knowledge.max-document-bytes or max-document-chars; 415 document.unsupported_type; 400 document.empty or "
      + "document.unreadable; 409 knowledge_base.full; 503/502 llm.* when the embedding model fails.")
  @PostMapping("/{kb}/documents")
  @RateLimited(value = RateLimit.SAVE, llmBudget = true)
  ResponseEntity<Map<String, Object>> addDocument(@PathVariable String kb, @RequestParam(required = false) String name,
      @RequestBody(required = false) byte[] body, @RequestHeader(value = "Content-Type", required = false) String contentType,
      @AuthenticationPrincipal WeftPrincipal caller) {
    byte[] bytes = body == null ? new byte[0] : body;
    String docName = name;
    String type = contentType;
    if (JsonBodies.isJson(contentType)) {
      JsonNode n = JsonBodies.object(new String(bytes, StandardCharsets.UTF_8), contentType, TEXT_FIELDS, "a text document",
          "{name, text, contentType?}");
      JsonNode text = n.get("text");
      if (text == null || !text.isString()) throw ApiProblem.badRequest("/text", "json.type", "text is a string");
      JsonNode nm = n.get("name");
      if (nm != null && !nm.isNull() && !nm.isString()) throw ApiProblem.badRequest("/name", "json.type", "name is a string");
      if (nm != null && nm.isString()) docName = nm.stringValue();
      JsonNode ct = n.get("contentType");
      if (ct != null && !ct.isNull() && !ct.isString()) {
        throw ApiProblem.badRequest("/contentType", "json.type", "contentType is a string");
      }
      type = ct == null || ct.isNull() ? "text/plain" : ct.stringValue();
      if ("application/pdf".equals(dev.weft.knowledge.DocumentText.mediaType(type))) {
        throw DomainException.of(DomainException.Kind.UNSUPPORTED_MEDIA_TYPE, "/contentType", "document.unsupported_type",
            "a PDF is sent as the body with Content-Type application/pdf, not as JSON text");
      }
      bytes = text.stringValue().getBytes(StandardCharsets.UTF_8);
    } else if (bytes.length == 0) {
      throw DomainException.invalid("", "document.empty", "the document has no content");
    }
    String resolvedName = docName;
    String resolvedType = type;
    byte[] content = bytes;
    KnowledgeStore.Document d = model(() -> knowledge.addDocument(kb, resolvedName, resolvedType, content, caller));
    return ResponseEntity.created(URI.create("/api/knowledge-bases/" + d.kbId() + "/documents/" + d.id())).body(view(d));
  }

  @Operation(summary = "List a knowledge base's documents", description = "Newest first.")
  @GetMapping("/{kb}/documents")
  Map<String, Object> documents(@PathVariable String kb, @RequestParam(required = false) Integer limit,
      @RequestParam(defaultValue = "0") int offset) {
    int n = paging.limit(limit);
    if (offset < 0) throw ApiProblem.badRequest("query.offset", "request.invalid_parameter", "offset must not be negative");
    List<Map<String, Object>> items = knowledge.documents(kb, n, offset).stream().map(KnowledgeBaseController::view).toList();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("documents", items);
    if (items.size() == n) out.put("nextOffset", offset + n);
    return out;
  }

  @Operation(summary = "Read a document", description = "Its metadata; with ?chunks=true also its chunks in order.")
  @GetMapping("/{kb}/documents/{documentId}")
  Map<String, Object> document(@PathVariable String kb, @PathVariable String documentId,
      @RequestParam(defaultValue = "false") boolean chunks) {
    Map<String, Object> out = view(knowledge.document(kb, documentId));
    if (chunks) {
      out.put("chunks", knowledge.chunks(kb, documentId).stream()
          .map(c -> Map.of("id", c.chunkId(), "ordinal", c.ordinal(), "text", c.text())).toList());
    }
    return out;
  }

  @Operation(summary = "Delete a document", description = "With its chunks.")
  @DeleteMapping("/{kb}/documents/{documentId}")
  ResponseEntity<Void> deleteDocument(@PathVariable String kb, @PathVariable String documentId,
      @AuthenticationPrincipal WeftPrincipal caller) {
    knowledge.deleteDocument(kb, documentId, caller);
    return ResponseEntity.noContent().build();
  }

  @Operation(summary = "Search a knowledge base", description = "Hybrid: similarity to the query's embedding (when the base "
      + "has an embedding profile) and full-text rank, fused by reciprocal rank. Each hit: chunkId, documentId, "
      + "documentName, ordinal, text, score (max of similarity and textRank), similarity, textRank.")
  @PostMapping(path = "/{kb}/search", consumes = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> search(@PathVariable String kb,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
          schema = @Schema(implementation = SearchRequest.class))) @RequestBody(required = false) String body,
      @RequestHeader(value = "Content-Type", required = false) String contentType) {
    JsonNode n = JsonBodies.object(body, contentType, SEARCH_FIELDS, "a search", "{query, k?}");
    JsonNode q = n.get("query");
    if (q == null || !q.isString()) throw ApiProblem.badRequest("/query", "json.type", "query is a string");
    JsonNode k = n.get("k");
    if (k != null && !k.isNull() && !(k.isIntegralNumber() && k.canConvertToInt())) {
      throw ApiProblem.badRequest("/k", "json.type", "k is an integer");
    }
    int kk = k == null || k.isNull() ? DEFAULT_K : k.intValue();
    Retriever.Result r = model(() -> knowledge.search(kb, q.stringValue(), kk));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("knowledgeBase", Map.of("id", r.knowledgeBaseId(), "name", r.knowledgeBaseName()));
    out.put("semantic", r.semantic());
    out.put("hits", r.hits().stream().map(KnowledgeBaseController::view).toList());
    return out;
  }

  /** A failure of the embedding model as 503 (unavailable) or 502 (a wrong answer), like generation's. */
  private static <T> T model(Supplier<T> call) {
    try {
      return call.get();
    } catch (NodeFailure f) {
      throw GenerationController.modelProblem(f);
    }
  }

  static Map<String, Object> view(Retriever.Hit h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("chunkId", h.chunkId());
    m.put("documentId", h.documentId());
    m.put("documentName", h.documentName());
    m.put("ordinal", h.ordinal());
    m.put("text", h.text());
    m.put("score", h.score());
    m.put("similarity", h.similarity());
    m.put("textRank", h.textRank());
    return m;
  }

  private static Map<String, Object> view(KnowledgeStore.Base b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", b.id());
    m.put("name", b.name());
    if (b.description() != null) m.put("description", b.description());
    m.put("embeddingModel", b.embeddingModel());
    m.put("chunkSize", b.chunkSize());
    m.put("chunkOverlap", b.chunkOverlap());
    m.put("documents", b.documents());
    m.put("chunks", b.chunks());
    m.put("createdAt", b.createdAt());
    m.put("createdBy", b.createdBy());
    return m;
  }

  private static Map<String, Object> view(KnowledgeStore.Document d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", d.id());
    m.put("knowledgeBaseId", d.kbId());
    m.put("name", d.name());
    m.put("contentType", d.contentType());
    m.put("bytes", d.bytes());
    m.put("chars", d.chars());
    m.put("chunks", d.chunks());
    m.put("createdAt", d.createdAt());
    m.put("createdBy", d.createdBy());
    return m;
  }
}
