package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.definition.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 14 parts 7 and 8: what fuzzing found (every error is problem+json, never a 500), the security
 * headers, CORS off by default, health details for admins only, and the input length limits.
 */
class HardeningApiTest extends ServiceTestSupport {

  /** A raw HTTP/1.1 exchange, for requests java.net.http will not send (empty headers, odd bytes in the path). */
  record Raw(int status, String head, String body) {
    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) return line.substring(colon + 1).trim();
      }
      return null;
    }

    JsonNode json() {
      return Json.parse(body);
    }
  }

  private Raw raw(String requestHead, String body) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      out.write((requestHead + "Host: 127.0.0.1\r\nConnection: close\r\nContent-Length: " + bytes.length + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.write(bytes);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int split = text.indexOf("\r\n\r\n");
      String head = text.substring(0, split);
      String rest = text.substring(split + 4);
      Raw r = new Raw(Integer.parseInt(head.substring(9, 12)), head, rest);
      if ("chunked".equalsIgnoreCase(r.header("Transfer-Encoding"))) r = new Raw(r.status(), head, unchunk(rest));
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String unchunk(String s) {
    StringBuilder b = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      int eol = s.indexOf("\r\n", i);
      int size = Integer.parseInt(s.substring(i, eol).trim(), 16);
      if (size == 0) break;
      b.append(s, eol + 2, eol + 2 + size);
      i = eol + 2 + size + 2;
    }
    return b.toString();
  }

  private static void assertProblem(int status, String contentType, String body, int expectedStatus, String code) {
    assertThat(status).as(body).isEqualTo(expectedStatus);
    assertThat(contentType).startsWith("application/problem+json");
    JsonNode p = Json.parse(body);
    assertThat(p.get("status").asInt()).isEqualTo(expectedStatus);
    if (code != null) assertThat(p.get("code").stringValue()).isEqualTo(code);
    assertThat(p.get("errors").isArray()).isTrue();
  }

  @Test
  void agentChatWithAnEmptyContentTypeIsAProblemNotA500() {
    Raw r = raw("POST /api/agent/chat HTTP/1.1\r\nAuthorization: " + adminAuthorization() + "\r\nContent-Type: \r\n", "");
    assertThat(r.status()).isLessThan(500);
    assertProblem(r.status(), r.header("Content-Type"), r.body(), r.status(), null);
  }

  @Test
  void anEmptyContentTypeWithABodyIs415() {
    Raw r = raw("POST /api/agent/chat HTTP/1.1\r\nAuthorization: " + adminAuthorization() + "\r\nContent-Type: \r\n",
        "{\"message\":\"hi\"}");
    assertProblem(r.status(), r.header("Content-Type"), r.body(), 415, "media_type.unsupported");
    Raw g = raw("POST /api/workflows/generate HTTP/1.1\r\nAuthorization: " + adminAuthorization() + "\r\nContent-Type: ;\r\n",
        "{\"prompt\":\"hi\"}");
    assertProblem(g.status(), g.header("Content-Type"), g.body(), 415, "media_type.unsupported");
  }

  @Test
  void anUnparsableAcceptOnTheAgentIsAProblem() {
    Raw r = raw("POST /api/agent/chat HTTP/1.1\r\nAuthorization: " + adminAuthorization()
        + "\r\nContent-Type: application/json\r\nAccept: ;\r\n", "{\"message\":\"hi\"}");
    assertThat(r.status()).as(r.body()).isLessThan(500);
    assertProblem(r.status(), r.header("Content-Type"), r.body(), r.status(), null);
  }

  @Test
  void aPathTheFirewallRejectsIsA400Problem() {
    Raw r = raw("DELETE /api/keys/%F1%92%92%81%3B HTTP/1.1\r\nAuthorization: " + adminAuthorization() + "\r\n", "");
    assertProblem(r.status(), r.header("Content-Type"), r.body(), 400, "request.rejected");
    Raw anonymous = raw("GET /api/workflows/a%3Bb HTTP/1.1\r\n", "");
    assertProblem(anonymous.status(), anonymous.header("Content-Type"), anonymous.body(), 400, "request.rejected");
    Raw traversal = raw("GET /api/workflows/%2e%2e/keys HTTP/1.1\r\n", "");
    assertThat(traversal.status()).isEqualTo(400);
    assertThat(traversal.header("Content-Type")).startsWith("application/problem+json");
  }

  @Test
  void theErrorPathAnswersProblemJson() {
    Response r = get("/error");
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("code").isString()).isTrue();
    assertThat(r.status()).isGreaterThanOrEqualTo(400);
  }

  @Test
  void theAgentDocumentsItsNotAcceptableAnswer() {
    JsonNode doc = get("/v3/api-docs").json();
    JsonNode responses = doc.at("/paths/~1api~1agent~1chat/post/responses");
    assertThat(responses.has("406")).as(responses.toString()).isTrue();
    Response r = send(HttpRequest.newBuilder(uri("/api/agent/chat")).header("Content-Type", "application/json")
        .header("Accept", "image/png").POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"hi\"}")));
    assertProblem(r.status(), r.contentType(), r.text(), 406, "media_type.not_acceptable");
  }

  @Test
  void answersCarryTheSecurityHeaders() {
    for (Response r : new Response[] {get("/api/workflows"), anonymous().get("/api/workflows"), get("/api/nope")}) {
      assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
      assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
      assertThat(r.header("Content-Security-Policy")).contains("default-src 'none'").contains("frame-ancestors 'none'");
    }
    Raw rejected = raw("GET /api/workflows/a%3Bb HTTP/1.1\r\n", "");
    assertThat(rejected.header("X-Content-Type-Options")).isEqualTo("nosniff");
  }

  @Test
  void noCorsHeadersByDefault() {
    Response preflight = anonymous().send(HttpRequest.newBuilder(uri("/api/workflows"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example")
        .header("Access-Control-Request-Method", "GET"));
    assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
    Response get = send(HttpRequest.newBuilder(uri("/api/workflows")).header("Origin", "https://evil.example").GET());
    assertThat(get.header("Access-Control-Allow-Origin")).isNull();
  }

  @Test
  void healthShowsDetailsOnlyToAnAdmin() {
    Response anonymous = anonymous().get("/actuator/health");
    assertThat(anonymous.status()).isEqualTo(200);
    assertThat(anonymous.json().get("status").stringValue()).isEqualTo("UP");
    assertThat(anonymous.json().has("components")).as(anonymous.text()).isFalse();
    String viewer = createKey("health-viewer-" + java.util.UUID.randomUUID(), "viewer");
    assertThat(as(viewer).get("/actuator/health").json().has("components")).isFalse();
    Response admin = get("/actuator/health");
    assertThat(admin.json().has("components")).as(admin.text()).isTrue();
    Response badKey = anonymous().send(HttpRequest.newBuilder(uri("/actuator/health")).header("Authorization", "Bearer weft_nope")
        .GET());
    assertThat(badKey.status()).as("a bad key on health is as good as none").isEqualTo(200);
    assertThat(badKey.json().has("components")).isFalse();
  }

  @Test
  void theAgentMessageAndTheGenerationPromptHaveLengthLimits() {
    String longText = "x".repeat(8001);
    Response chat = post("/api/agent/chat", "{\"message\": \"" + longText + "\"}", "Accept", "application/json");
    assertProblem(chat.status(), chat.contentType(), chat.text(), 400, "limit.message");
    Response generate = post("/api/workflows/generate", "{\"prompt\": \"" + longText + "\"}");
    assertProblem(generate.status(), generate.contentType(), generate.text(), 400, "generate.prompt_too_long");
  }

  /** Found by schemathesis: a NUL character in an inline test definition's id failed the audit insert with a 500. */
  @Test
  void aNulCharacterInAnIdIsNeverA500() {
    Response r = post("/api/workflows/test-node", """
        {"definition": {"id": "R\\u0005\\u0000x", "name": "n", "nodes": [{"id": "a", "type": "set", "config": {"values": {"v": 1}}}]},
         "nodeId": "a", "input": {}}""");
    assertThat(r.status()).as(r.text()).isLessThan(500);
    Response w = post("/api/workflows", """
        {"id": "nul\\u0000id", "name": "n\\u0000", "nodes": [{"id": "a", "type": "set", "config": {"values": {"v": 1}}}]}""");
    assertThat(w.status()).as(w.text()).isLessThan(500);
  }
}
