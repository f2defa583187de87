package dev.weft.node.agent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.weft.ai.TestModels;
import dev.weft.definition.Json;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A scripted OpenAI-compatible model for the agent node on 127.0.0.1: plain (not streamed) chat
 * completions that answer text or ask for tool calls, one per request, in order; the last one repeats.
 * The same server answers other paths too (tools' HTTP endpoints).
 */
public final class AgentModelStub implements AutoCloseable {
  public static final String PATH = "/v1/chat/completions";
  private final WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

  public AgentModelStub() {
    server.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.port() + "/v1";
  }

  public int port() {
    return server.port();
  }

  public WireMockServer server() {
    return server;
  }

  /** The model's replies, in order (see {@link #text} and {@link #calls}); the last one repeats. */
  public AgentModelStub script(String... bodies) {
    for (int i = 0; i < bodies.length; i++) {
      String state = i == 0 ? Scenario.STARTED : "turn-" + i;
      var stub = post(urlPathEqualTo(PATH)).inScenario("agent").whenScenarioStateIs(state)
          .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(bodies[i]));
      server.stubFor(i + 1 < bodies.length ? stub.willSetStateTo("turn-" + (i + 1)) : stub);
    }
    return this;
  }

  /** A final answer. */
  public static String text(String content) {
    return completion(content, null);
  }

  /** A turn asking for tool calls: pairs of name and arguments JSON. */
  public static String calls(String... nameAndArgs) {
    return completion(null, nameAndArgs);
  }

  private static String completion(String content, String[] calls) {
    ObjectNode c = Json.object();
    c.put("id", "chatcmpl-agent");
    c.put("object", "chat.completion");
    c.put("created", 1_700_000_000);
    c.put("model", TestModels.MODEL);
    ObjectNode choice = c.putArray("choices").addObject();
    choice.put("index", 0);
    choice.put("finish_reason", calls == null ? "stop" : "tool_calls");
    ObjectNode message = choice.putObject("message").put("role", "assistant");
    if (content != null) message.put("content", content);
    else message.putNull("content");
    if (calls != null) {
      var list = message.putArray("tool_calls");
      for (int i = 0; i < calls.length; i += 2) {
        ObjectNode call = list.addObject().put("id", "call_" + (i / 2) + "_" + Math.abs(calls[i + 1].hashCode()))
            .put("type", "function");
        call.putObject("function").put("name", calls[i]).put("arguments", calls[i + 1]);
      }
    }
    c.putObject("usage").put("prompt_tokens", 100).put("completion_tokens", 20).put("total_tokens", 120);
    return c.toString();
  }

  /** The model requests received, in order. */
  public List<JsonNode> requests() {
    return server.findAll(postRequestedFor(urlPathEqualTo(PATH))).stream().map(r -> Json.parse(r.getBodyAsString())).toList();
  }

  /** The messages of the {@code i}th model request (0-based). */
  public JsonNode messages(int i) {
    return requests().get(i).get("messages");
  }

  @Override
  public void close() {
    server.stop();
  }
}
