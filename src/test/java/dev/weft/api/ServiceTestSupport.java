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
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Service tests: the whole application on a random port, with the in-process Temporal server and a
 * throwaway embedded PostgreSQL, driven over real HTTP. Subclasses share one Spring context. Requests
 * carry the test admin key unless a test sends another key ({@link #as}) or none ({@link #anonymous}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ServiceTestSupport {
  protected static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @LocalServerPort protected int port;
  @Value("${weft.security.admin-key}") protected String adminKey;

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

  /** Sends as the test admin (the key of {@code weft.security.admin-key}), unless the request has its own Authorization. */
  protected Response send(HttpRequest.Builder b) {
    return send(b, adminKey);
  }

  /** Sends with {@code key} as the bearer key (none when null), unless the request has its own Authorization. */
  protected Response send(HttpRequest.Builder b, String key) {
    HttpRequest request = b.timeout(Duration.ofSeconds(90)).build();
    if (key != null && request.headers().firstValue("Authorization").isEmpty()) {
      request = HttpRequest.newBuilder(request, (name, value) -> true).header("Authorization", "Bearer " + key).build();
    }
    try {
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The requests of a caller with another key, or none ({@link #anonymous()}). */
  protected Caller as(String key) {
    return new Caller(key);
  }

  protected Caller anonymous() {
    return new Caller(null);
  }

  /** The value of the test admin's Authorization header, for requests sent without {@link #send}. */
  protected String adminAuthorization() {
    return "Bearer " + adminKey;
  }

  /** Creates a key (as the test admin) and returns it. */
  protected String createKey(String principal, String... roles) {
    StringBuilder json = new StringBuilder("{\"principal\": \"" + principal + "\", \"roles\": [");
    for (int i = 0; i < roles.length; i++) json.append(i == 0 ? "" : ", ").append('"').append(roles[i]).append('"');
    Response r = post("/api/keys", json.append("]}").toString());
    if (r.status() != 201) throw new AssertionError("create key: " + r.status() + " " + r.text());
    return r.json().get("key").stringValue();
  }

  protected Response get(String path) {
    return as(adminKey).get(path);
  }

  protected Response post(String path, String json, String... headers) {
    return as(adminKey).post(path, json, headers);
  }

  protected Response put(String path, String json) {
    return as(adminKey).put(path, json);
  }

  protected Response delete(String path) {
    return as(adminKey).delete(path);
  }

  /** Requests sent with one key, or without any. */
  protected final class Caller {
    private final String key;

    private Caller(String key) {
      this.key = key;
    }

    public Response send(HttpRequest.Builder b) {
      return ServiceTestSupport.this.send(b, key);
    }

    public Response get(String path) {
      return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public Response post(String path, String json, String... headers) {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
          .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
      if (headers.length > 0) b.headers(headers);
      return send(b);
    }

    public Response put(String path, String json) {
      return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response delete(String path) {
      return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }
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
