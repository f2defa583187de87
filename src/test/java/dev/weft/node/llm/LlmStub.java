package dev.weft.node.llm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.weft.TestRegistries;
import dev.weft.ai.TestModels;
import dev.weft.definition.Json;
import dev.weft.node.NodeHarness;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A stub OpenAI-compatible model on 127.0.0.1 that gives scripted answers in order. */
public final class LlmStub implements AutoCloseable {
  public static final String PATH = "/v1/chat/completions";
  private final WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

  public LlmStub() {
    server.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.port() + "/v1";
  }

  public WireMockServer server() {
    return server;
  }

  /** Answers {@code texts} in order (the last one repeats), each with 100 tokens in and 20 out. */
  public LlmStub answers(String... texts) {
    for (int i = 0; i < texts.length; i++) {
      String state = i == 0 ? Scenario.STARTED : "answer-" + i;
      var stub = post(urlPathEqualTo(PATH)).inScenario("answers").whenScenarioStateIs(state)
          .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(body(texts[i], 100, 20)));
      server.stubFor(i + 1 < texts.length ? stub.willSetStateTo("answer-" + (i + 1)) : stub);
    }
    return this;
  }

  public static String body(String text, int in, int out) {
    return dev.weft.ai.StubLlm.completion(TestModels.MODEL, text, in, out);
  }

  /** The request bodies received, in order. */
  public List<JsonNode> requests() {
    return server.findAll(postRequestedFor(urlPathEqualTo(PATH))).stream().map(r -> Json.parse(r.getBodyAsString())).toList();
  }

  public NodeHarness harness() {
    return NodeHarness.harness(TestRegistries.registry(TestModels.openAi(baseUrl())));
  }

  /** The node's dry run ({@code sample}) on a config without templates. */
  public dev.weft.node.NodeResult dryRun(String type, String configJson) {
    var registry = TestRegistries.registry(TestModels.openAi(baseUrl()));
    return sample(registry, registry.get(type).type(), Json.parse(configJson));
  }

  private static <C extends Record> dev.weft.node.NodeResult sample(dev.weft.node.NodeRegistry registry,
      dev.weft.node.NodeType<C> type, JsonNode config) {
    dev.weft.node.NodeContext ctx = new dev.weft.node.NodeContext() {
      public String runId() {
        return "run-1";
      }

      public String nodeId() {
        return "n";
      }

      public JsonNode upstream() {
        return Json.object();
      }

      public java.util.Map<String, JsonNode> incoming() {
        return java.util.Map.of();
      }

      public JsonNode evaluate(String expression, String field, JsonNode item) {
        throw new UnsupportedOperationException("no expressions in dry-run test configs");
      }
    };
    return ((dev.weft.node.ActivityNodeType<C>) type).sample(registry.bind(type, config), ctx);
  }

  @Override
  public void close() {
    server.stop();
  }
}
