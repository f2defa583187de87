package dev.weft.ai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.weft.definition.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A scripted embedding model on 127.0.0.1, on the OpenAI ({@code /v1/embeddings}) and Ollama ({@code /api/embed})
 * wire formats: a text's vector counts the occurrences of each word of a fixed vocabulary (plus a small constant
 * last dimension, so no vector is all zeros). Texts that share vocabulary words are similar; rankings in tests
 * follow from the words alone.
 */
public final class EmbeddingStub {
  /** The dimensions, in order; a word counts when a token starts with it ({@code refunds} counts as {@code refund}). */
  public static final List<String> VOCABULARY = List.of("cat", "dog", "invoice", "refund", "shipping", "password", "rocket",
      "garden", "pasta", "salary");

  public final WireMockServer server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort()
      .extensions(new Vectors()));

  public EmbeddingStub start() {
    server.start();
    answer();
    return this;
  }

  public String openAiBaseUrl() {
    return "http://127.0.0.1:" + server.port() + "/v1";
  }

  public String ollamaBaseUrl() {
    return "http://127.0.0.1:" + server.port();
  }

  /** Back to answering every request (after {@link #failWith}); forgets the requests. */
  public void answer() {
    server.resetAll();
    server.stubFor(any(urlPathEqualTo("/v1/embeddings")).willReturn(aResponse().withTransformers(Vectors.NAME)));
    server.stubFor(post(urlPathEqualTo("/api/embed")).willReturn(aResponse().withTransformers(Vectors.NAME)));
  }

  /** Every embedding request answers {@code status}. */
  public void failWith(int status) {
    for (String path : new String[] {"/v1/embeddings", "/api/embed"}) {
      server.stubFor(any(urlPathEqualTo(path)).atPriority(1)
          .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
              .withBody("{\"error\": {\"message\": \"stub failure\", \"type\": \"server_error\"}}")));
    }
  }

  /** How many texts were embedded over the OpenAI format. */
  public int textsEmbedded() {
    return server.findAll(postRequestedFor(urlPathEqualTo("/v1/embeddings"))).stream()
        .mapToInt(r -> inputs(Json.parse(r.getBodyAsString())).size()).sum();
  }

  /** The vector a text gets. */
  public static float[] vector(String text) {
    float[] v = new float[VOCABULARY.size() + 1];
    for (String token : text.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
      for (int i = 0; i < VOCABULARY.size(); i++) {
        if (!token.isEmpty() && token.startsWith(VOCABULARY.get(i))) v[i]++;
      }
    }
    v[VOCABULARY.size()] = 0.1f;
    return v;
  }

  static List<String> inputs(JsonNode body) {
    JsonNode in = body.path("input");
    List<String> out = new ArrayList<>();
    if (in.isString()) out.add(in.stringValue());
    else in.forEach(t -> out.add(t.asString()));
    return out;
  }

  private static final class Vectors implements ResponseDefinitionTransformerV2 {
    static final String NAME = "weft-embedding-vectors";

    @Override
    public ResponseDefinition transform(ServeEvent event) {
      JsonNode body = Json.parse(event.getRequest().getBodyAsString());
      List<String> texts = inputs(body);
      ObjectNode out = Json.object();
      if (event.getRequest().getUrl().startsWith("/api/embed")) {
        out.put("model", body.path("model").asString());
        ArrayNode all = out.putArray("embeddings");
        texts.forEach(t -> {
          ArrayNode a = all.addArray();
          for (float f : vector(t)) a.add(f);
        });
      } else {
        boolean base64 = "base64".equals(body.path("encoding_format").asString(""));
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < texts.size(); i++) {
          ObjectNode e = data.addObject().put("object", "embedding").put("index", i);
          float[] v = vector(texts.get(i));
          if (base64) {
            ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : v) b.putFloat(f);
            e.put("embedding", Base64.getEncoder().encodeToString(b.array()));
          } else {
            ArrayNode a = e.putArray("embedding");
            for (float f : v) a.add(f);
          }
        }
        out.put("model", body.path("model").asString());
        out.set("usage", Json.MAPPER.valueToTree(Map.of("prompt_tokens", texts.size() * 10, "total_tokens", texts.size() * 10)));
      }
      return new com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder().withStatus(200)
          .withHeader("Content-Type", "application/json").withBody(Json.MAPPER.writeValueAsString(out)).build();
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }

    @Override
    public String getName() {
      return NAME;
    }
  }
}
