package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Knowledge bases over REST: documents of each type, search, roles, limits, tenants and audit. */
class KnowledgeApiTest extends KnowledgeTestSupport {

  Response upload(String key, String kb, String name, String contentType, byte[] body) {
    return as(key).send(HttpRequest.newBuilder(uri("/api/knowledge-bases/" + kb + "/documents?name=" + name))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  static List<String> documentNames(JsonNode search) {
    return StreamSupport.stream(search.get("hits").spliterator(), false).map(h -> h.get("documentName").stringValue()).toList();
  }

  static byte[] pdf(String text) throws IOException {
    try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      PDPage page = new PDPage();
      doc.addPage(page);
      try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
        cs.beginText();
        cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
        cs.newLineAtOffset(50, 700);
        cs.showText(text);
        cs.endText();
      }
      doc.save(out);
      return out.toByteArray();
    }
  }

  @Test
  void documentsOfEachTypeAreReadChunkedAndFoundByHybridSearch() throws IOException {
    String name = uniqueId("handbook");
    String kb = knowledgeBase(name, "embed");
    assertThat(get("/api/knowledge-bases/" + name).json().get("id").stringValue()).isEqualTo(kb);

    document(kb, "pets.txt", "The office cat sleeps on the printer.");
    Response md = upload(adminKey, name, "refunds.md", "text/markdown; charset=utf-8",
        "# Refunds\n\nA refund is paid within **five days** of the request.\n".getBytes());
    assertThat(md.status()).as(md.text()).isEqualTo(201);
    assertThat(md.json().get("contentType").stringValue()).isEqualTo("text/markdown");
    Response html = upload(adminKey, kb, "shipping.html", "text/html",
        "<html><head><script>var password = 1;</script></head><body><h1>Shipping</h1><p>Shipping is free over 50 EUR.</p></body></html>"
            .getBytes());
    assertThat(html.status()).as(html.text()).isEqualTo(201);
    Response pdf = upload(adminKey, kb, "rockets.pdf", "application/pdf", pdf("The rocket manual: count down from ten."));
    assertThat(pdf.status()).as(pdf.text()).isEqualTo(201);

    // The HTML document's text has no script.
    String shippingId = html.json().get("id").stringValue();
    JsonNode withChunks = get("/api/knowledge-bases/" + kb + "/documents/" + shippingId + "?chunks=true").json();
    assertThat(withChunks.get("chunks").get(0).get("text").stringValue()).contains("Shipping is free").doesNotContain("password");
    assertThat(withChunks.get("chunks").get(0).get("id").stringValue()).startsWith(shippingId + ":");

    JsonNode refund = post("/api/knowledge-bases/" + kb + "/search", "{\"query\": \"when is my refund paid?\", \"k\": 2}").json();
    assertThat(refund.get("semantic").booleanValue()).isTrue();
    assertThat(documentNames(refund).getFirst()).isEqualTo("refunds.md");
    JsonNode hit = refund.get("hits").get(0);
    assertThat(hit.get("text").stringValue()).contains("five days");
    assertThat(hit.get("score").doubleValue()).isGreaterThan(0);
    assertThat(hit.get("similarity").doubleValue()).isGreaterThan(0.5);
    assertThat(documentNames(post("/api/knowledge-bases/" + kb + "/search", "{\"query\": \"rocket\"}").json()).getFirst())
        .isEqualTo("rockets.pdf");

    JsonNode docs = get("/api/knowledge-bases/" + kb + "/documents").json().get("documents");
    assertThat(docs).hasSize(4);
    assertThat(get("/api/knowledge-bases/" + kb).json().get("documents").asLong()).isEqualTo(4);
    assertThat(delete("/api/knowledge-bases/" + kb + "/documents/" + shippingId).status()).isEqualTo(204);
    assertThat(get("/api/knowledge-bases/" + kb + "/documents/" + shippingId).json().get("code").stringValue())
        .isEqualTo("document.not_found");
    JsonNode audit = get("/api/audit?action=knowledge_base").json();
    assertThat(audit.toString()).contains("knowledge_base.create", "knowledge_base.document.add", "knowledge_base.document.delete");

    assertThat(delete("/api/knowledge-bases/" + name).status()).isEqualTo(204);
    Response gone = post("/api/knowledge-bases/" + kb + "/search", "{\"query\": \"rocket\"}");
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.json().get("code").stringValue()).isEqualTo("knowledge_base.not_found");
  }

  @Test
  void unsupportedTooLargeAndInvalidRequestsAreProblemsWithStableCodes() {
    String kb = knowledgeBase(uniqueId("limits"), null);

    Response zip = upload(adminKey, kb, "a.zip", "application/zip", new byte[] {1, 2, 3});
    assertThat(zip.status()).isEqualTo(415);
    assertThat(zip.contentType()).startsWith("application/problem+json");
    assertThat(zip.json().get("code").stringValue()).isEqualTo("document.unsupported_type");
    Response multipart = upload(adminKey, kb, "a.txt", "multipart/form-data; boundary=x", "--x--".getBytes());
    assertThat(multipart.json().get("code").stringValue()).isEqualTo("document.unsupported_type");
    Response tooLarge = upload(adminKey, kb, "big.txt", "text/plain", new byte[2_200_000]);
    assertThat(tooLarge.status()).isEqualTo(413);
    Response empty = upload(adminKey, kb, "empty.txt", "text/plain", " \n ".getBytes());
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.json().get("code").stringValue()).isEqualTo("document.empty");
    Response badPdf = upload(adminKey, kb, "bad.pdf", "application/pdf", "not a pdf".getBytes());
    assertThat(badPdf.status()).isEqualTo(400);
    assertThat(badPdf.json().get("code").stringValue()).isEqualTo("document.unreadable");
    Response noName = post("/api/knowledge-bases/" + kb + "/documents", "{\"text\": \"hello\"}");
    assertThat(noName.json().at("/errors/0/path").stringValue()).isEqualTo("/name");

    Response unknownModel = post("/api/knowledge-bases", "{\"name\": \"%s\", \"embeddingModel\": \"nope\"}".formatted(uniqueId("m")));
    assertThat(unknownModel.status()).isEqualTo(400);
    assertThat(unknownModel.json().get("code").stringValue()).isEqualTo("knowledge_base.embedding_model_unknown");
    Response overlap = post("/api/knowledge-bases", "{\"name\": \"%s\", \"chunkSize\": 200, \"chunkOverlap\": 150}"
        .formatted(uniqueId("o")));
    assertThat(overlap.json().at("/errors/0/path").stringValue()).isEqualTo("/chunkOverlap");
    Response unknownField = post("/api/knowledge-bases", "{\"name\": \"x\", \"size\": 1}");
    assertThat(unknownField.json().get("code").stringValue()).isEqualTo("request.unknown_field");
    Response taken = post("/api/knowledge-bases", "{\"name\": \"%s\"}".formatted(get("/api/knowledge-bases/" + kb).json()
        .get("name").stringValue()));
    assertThat(taken.status()).isEqualTo(409);
    assertThat(taken.json().get("code").stringValue()).isEqualTo("knowledge_base.exists");
    Response k = post("/api/knowledge-bases/" + kb + "/search", "{\"query\": \"x\", \"k\": 0}");
    assertThat(k.status()).isEqualTo(400);
    assertThat(k.json().get("code").stringValue()).isEqualTo("knowledge.k_invalid");
  }

  @Test
  void viewersSearchEditorsWriteAndTenantsSeeOnlyTheirOwn() {
    String name = uniqueId("roles");
    String kb = knowledgeBase(name, null);
    document(kb, "salary.txt", "Salary is paid on the last working day.");
    String viewer = createKey(uniqueId("viewer"), "viewer");
    String editor = createKey(uniqueId("editor"), "editor");

    assertThat(as(viewer).get("/api/knowledge-bases/" + kb).status()).isEqualTo(200);
    assertThat(as(viewer).post("/api/knowledge-bases/" + kb + "/search", "{\"query\": \"salary\"}").status()).isEqualTo(200);
    assertThat(as(viewer).post("/api/knowledge-bases", "{\"name\": \"%s\"}".formatted(uniqueId("v"))).status()).isEqualTo(403);
    assertThat(upload(viewer, kb, "x.txt", "text/plain", "x".getBytes()).status()).isEqualTo(403);
    assertThat(as(viewer).delete("/api/knowledge-bases/" + kb).status()).isEqualTo(403);
    assertThat(upload(editor, kb, "y.txt", "text/plain", "Salary slips are online.".getBytes()).status()).isEqualTo(201);

    String tenant = uniqueId("kbt");
    Response t = post("/api/tenants", "{\"id\": \"" + tenant + "\", \"name\": \"T\", \"tier\": \"pro\"}");
    assertThat(t.status()).as(t.text()).isEqualTo(201);
    Caller other = as(t.json().at("/adminKey/key").stringValue());
    assertThat(other.get("/api/knowledge-bases/" + name).status()).isEqualTo(404);
    assertThat(other.post("/api/knowledge-bases/" + kb + "/search", "{\"query\": \"salary\"}").status()).isEqualTo(404);
    assertThat(other.get("/api/knowledge-bases").json().get("knowledgeBases")).isEmpty();
    // The same name is free in another tenant.
    assertThat(other.post("/api/knowledge-bases", "{\"name\": \"%s\"}".formatted(name)).status()).isEqualTo(201);
  }

  @Test
  void anEmbeddingModelOutageIsA503AndStoresNothing() {
    String kb = knowledgeBase(uniqueId("outage"), "embed");
    EMBED.failWith(503);
    try {
      Response r = post("/api/knowledge-bases/" + kb + "/documents", "{\"name\": \"a.txt\", \"text\": \"The cat.\"}");
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.json().get("code").stringValue()).isEqualTo("llm.unavailable");
    } finally {
      EMBED.answer();
    }
    assertThat(get("/api/knowledge-bases/" + kb + "/documents").json().get("documents")).isEmpty();
  }

  @Test
  void aWorkflowsLlmAnswerNodeSearchesItsTenantsKnowledgeBaseAndCitesIt() {
    String tenant = uniqueId("kbrun");
    Response t = post("/api/tenants", "{\"id\": \"" + tenant + "\", \"name\": \"T\", \"tier\": \"pro\"}");
    assertThat(t.status()).as(t.text()).isEqualTo(201);
    Caller acme = as(t.json().at("/adminKey/key").stringValue());
    assertThat(acme.post("/api/knowledge-bases", "{\"name\": \"faq\", \"embeddingModel\": \"embed\"}").status()).isEqualTo(201);
    assertThat(acme.post("/api/knowledge-bases/faq/documents",
        "{\"name\": \"refunds.md\", \"contentType\": \"text/markdown\", \"text\": \"# Refunds\\n\\nA refund is paid within five days.\"}")
        .status()).isEqualTo(201);
    LLM.openAiAnswer("Question: When is a refund paid?", "Within five days [1].");
    String id = uniqueId("rag");
    String def = """
        {"id": "%s", "name": "faq", "nodes": [
          {"id": "answer", "type": "llm.answer", "config": {"question": "{{ input.q }}", "knowledgeBase": "faq", "k": 2}}
        ], "edges": []}""".formatted(id);
    Response saved = acme.post("/api/workflows", def);
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);

    Response run = acme.post("/api/workflows/" + id + "/runs?wait=PT30S", "{\"input\": {\"q\": \"When is a refund paid?\"}}");
    JsonNode state = acme.get("/api/runs/" + run.json().get("runId").stringValue()).json();

    assertThat(state.get("status").stringValue()).as(state.toString()).isEqualTo("COMPLETED");
    JsonNode out = state.at("/nodes/answer/output");
    assertThat(out.get("answer").stringValue()).isEqualTo("Within five days [1].");
    assertThat(out.get("known").booleanValue()).isTrue();
    assertThat(out.at("/citations/0/documentName").stringValue()).isEqualTo("refunds.md");
  }
}
