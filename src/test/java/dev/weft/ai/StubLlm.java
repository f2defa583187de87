package dev.weft.ai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.weft.definition.Json;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A scripted LLM on 127.0.0.1: the OpenAI chat-completions wire format (JSON and SSE) under {@code /v1}
 * and Ollama's ({@code /api/chat}, NDJSON when streaming). Streamed replies (the agent) are played in
 * order; plain replies (generation, summaries) answer by what the request contains.
 */
public final class StubLlm {
  static final String AGENT = "agent";
  public final WireMockServer server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());

  public StubLlm start() {
    server.start();
    return this;
  }

  public String openAiBaseUrl() {
    return "http://127.0.0.1:" + server.port() + "/v1";
  }

  public String ollamaBaseUrl() {
    return "http://127.0.0.1:" + server.port();
  }

  public void reset() {
    server.resetAll();
  }

  /** Streamed OpenAI replies, one per request, in this order. */
  public void openAiScript(String... sseBodies) {
    String state = Scenario.STARTED;
    for (int i = 0; i < sseBodies.length; i++) {
      String next = "step-" + (i + 1);
      server.stubFor(post(urlEqualTo("/v1/chat/completions"))
          .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
          .inScenario(AGENT).whenScenarioStateIs(state).willSetStateTo(next)
          .willReturn(aResponse().withHeader("Content-Type", "text/event-stream").withBody(sseBodies[i])));
      state = next;
    }
  }

  /** Streamed Ollama replies (NDJSON), one per request, in this order. */
  public void ollamaScript(String... ndjsonBodies) {
    String state = Scenario.STARTED;
    for (int i = 0; i < ndjsonBodies.length; i++) {
      String next = "ollama-" + (i + 1);
      server.stubFor(post(urlEqualTo("/api/chat"))
          .inScenario("ollama").whenScenarioStateIs(state).willSetStateTo(next)
          .willReturn(aResponse().withHeader("Content-Type", "application/x-ndjson").withBody(ndjsonBodies[i])));
      state = next;
    }
  }

  /** A plain (not streamed) OpenAI answer to requests whose body contains {@code marker}. */
  public void openAiAnswer(String marker, String content) {
    server.stubFor(post(urlEqualTo("/v1/chat/completions"))
        .withRequestBody(containing(marker))
        .withRequestBody(matchingJsonPath("$[?(!(@.stream == true))]"))
        .atPriority(1)
        .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(completion(content))));
  }

  public List<LoggedRequest> streamed() {
    return server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))
        .withRequestBody(matchingJsonPath("$.stream", equalTo("true"))));
  }

  public List<LoggedRequest> requests(String marker) {
    return server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(containing(marker)));
  }

  public static String completion(String content) {
    return completion("stub-model", content, 100, 20);
  }

  /** A non-streamed OpenAI chat completion answering {@code content}, with its token usage. */
  public static String completion(String model, String content, int in, int out) {
    ObjectNode c = Json.object();
    c.put("id", "chatcmpl-1");
    c.put("object", "chat.completion");
    c.put("created", 1_700_000_000);
    c.put("model", model);
    ObjectNode choice = c.putArray("choices").addObject();
    choice.put("index", 0);
    choice.put("finish_reason", "stop");
    choice.putObject("message").put("role", "assistant").put("content", content);
    c.putObject("usage").put("prompt_tokens", in).put("completion_tokens", out).put("total_tokens", in + out);
    return c.toString();
  }

  /** An OpenAI SSE reply that streams {@code text} in two pieces. */
  public static String sseText(String text) {
    int half = text.length() / 2;
    return chunk(delta().put("role", "assistant").put("content", text.substring(0, half)), null)
        + chunk(delta().put("content", text.substring(half)), "stop")
        + usageChunk() + "data: [DONE]\n\n";
  }

  /** An OpenAI SSE reply asking for tool calls: {name, argumentsJson} pairs; arguments arrive in two fragments. */
  public static String sseToolCalls(String... nameAndArgs) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < nameAndArgs.length; i += 2) {
      String args = nameAndArgs[i + 1];
      int half = args.length() / 2;
      ObjectNode first = delta();
      if (i == 0) first.put("role", "assistant");
      ObjectNode call = first.putArray("tool_calls").addObject();
      call.put("index", i / 2).put("id", "call_" + (i / 2) + "_" + Math.abs(args.hashCode())).put("type", "function");
      call.putObject("function").put("name", nameAndArgs[i]).put("arguments", args.substring(0, half));
      out.append(chunk(first, null));
      ObjectNode rest = delta();
      rest.putArray("tool_calls").addObject().put("index", i / 2).putObject("function").put("arguments", args.substring(half));
      out.append(chunk(rest, null));
    }
    out.append(chunk(delta(), "tool_calls")).append(usageChunk()).append("data: [DONE]\n\n");
    return out.toString();
  }

  /** An Ollama NDJSON reply: text in two pieces, or a tool call when {@code tool} is set. */
  public static String ndjson(String text, String tool, String argsJson) {
    StringBuilder out = new StringBuilder();
    if (tool != null) {
      ObjectNode m = Json.object();
      m.put("model", "llama-stub").put("created_at", "2026-11-21T00:00:00Z").put("done", false);
      ObjectNode msg = m.putObject("message").put("role", "assistant").put("content", "");
      msg.putArray("tool_calls").addObject().putObject("function").put("name", tool).set("arguments", Json.parse(argsJson));
      out.append(m).append('\n');
    } else {
      int half = text.length() / 2;
      for (String piece : List.of(text.substring(0, half), text.substring(half))) {
        ObjectNode m = Json.object();
        m.put("model", "llama-stub").put("created_at", "2026-11-21T00:00:00Z").put("done", false);
        m.putObject("message").put("role", "assistant").put("content", piece);
        out.append(m).append('\n');
      }
    }
    ObjectNode last = Json.object();
    last.put("model", "llama-stub").put("created_at", "2026-11-21T00:00:01Z").put("done", true).put("done_reason", "stop");
    last.putObject("message").put("role", "assistant").put("content", "");
    last.put("prompt_eval_count", 50).put("eval_count", 10);
    out.append(last).append('\n');
    return out.toString();
  }

  private static ObjectNode delta() {
    return Json.object();
  }

  private static String chunk(ObjectNode delta, String finish) {
    ObjectNode c = Json.object();
    c.put("id", "chunk-1");
    c.put("object", "chat.completion.chunk");
    c.put("created", 1_700_000_000);
    c.put("model", "stub-model");
    ArrayNode choices = c.putArray("choices");
    ObjectNode choice = choices.addObject();
    choice.put("index", 0);
    choice.set("delta", delta);
    if (finish == null) choice.putNull("finish_reason");
    else choice.put("finish_reason", finish);
    return "data: " + c + "\n\n";
  }

  private static String usageChunk() {
    ObjectNode c = Json.object();
    c.put("id", "chunk-1");
    c.put("object", "chat.completion.chunk");
    c.put("created", 1_700_000_000);
    c.put("model", "stub-model");
    c.putArray("choices");
    c.putObject("usage").put("prompt_tokens", 200).put("completion_tokens", 30).put("total_tokens", 230);
    return "data: " + c + "\n\n";
  }

  public static JsonNode body(LoggedRequest r) {
    return Json.parse(r.getBodyAsString());
  }
}
