package dev.weft.api;

import dev.weft.definition.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Service tests: the whole application on a random port, with the in-process Temporal server and a
 * throwaway embedded PostgreSQL, driven over real HTTP. Subclasses share one Spring context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ServiceTestSupport {
  protected static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @LocalServerPort protected int port;

  /** An HTTP answer: status, headers and the body as text and (when it is JSON) as a tree. */
  public record Response(int status, java.net.http.HttpHeaders headers, String text) {
    public JsonNode json() {
      return Json.parse(text);
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    public String contentType() {
      return header("Content-Type");
    }
  }

  protected URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  protected Response send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = HTTP.send(b.timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  protected Response get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  protected Response post(String path, String json, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (headers.length > 0) b.headers(headers);
    return send(b);
  }

  protected Response put(String path, String json) {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  protected Response delete(String path) {
    return send(HttpRequest.newBuilder(uri(path)).DELETE());
  }

  /** A definition from src/test/resources/api/ or examples/, with a fresh workflow id so tests never collide. */
  protected static String definition(String file, String id) {
    try {
      Path p = file.startsWith("examples/") ? Path.of(file) : Path.of("src/test/resources/api", file);
      JsonNode def = Json.parse(Files.readString(p));
      ((tools.jackson.databind.node.ObjectNode) def).put("id", id);
      return def.toString();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  protected static String uniqueId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Creates the workflow and returns its id. */
  protected String create(String file, String prefix) {
    String id = uniqueId(prefix);
    Response r = post("/api/workflows", definition(file, id));
    if (r.status() != 201) throw new AssertionError("create " + file + ": " + r.status() + " " + r.text());
    return id;
  }
}
