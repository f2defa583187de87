package dev.weft.e2e;

import dev.weft.definition.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/** Weft's REST API over java.net.http, every request with one API key (by default the admin key) as a bearer token. */
final class Rest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Supplier<String> base;
  private final String key;

  Rest(Supplier<String> base) {
    this(base, E2EConfig.ADMIN_KEY);
  }

  /** @param key the API key every request carries (another tenant's key, say) */
  Rest(Supplier<String> base, String key) {
    this.base = base;
    this.key = key;
  }

  /** An answer: status and body. */
  record Response(int status, String text) {
    JsonNode json() {
      return Json.parse(text);
    }

    Response expect(int expected) {
      if (status != expected) throw new AssertionError("expected HTTP " + expected + " but got " + status + ": " + text);
      return this;
    }
  }

  Response get(String path) {
    return send(request(path).GET());
  }

  Response post(String path, String json) {
    return send(request(path).header("Content-Type", "application/json")
        .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
  }

  /** A POST with more request headers, e.g. {@code Idempotency-Key}. */
  Response post(String path, String json, java.util.Map<String, String> headers) {
    HttpRequest.Builder b = request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    headers.forEach(b::header);
    return send(b);
  }

  Response put(String path, String json) {
    return send(request(path).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  Response delete(String path) {
    return send(request(path).DELETE());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base.get() + path)).timeout(Duration.ofSeconds(90))
        .header("Authorization", "Bearer " + key);
  }

  private static Response send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
