package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.definition.Json;
import dev.weft.node.JsonSchemas;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The real-model tier (docs/real-model.md): a real instruction-tuned model, SmolLM2-135M-Instruct, served
 * by llama.cpp's {@code llama-server} on 127.0.0.1, answers Weft's LLM nodes over the OpenAI-compatible
 * API; the packaged Weft is driven over REST as in the rest of the e2e tier. Opt-in: runs only with
 * {@code -Dweft.e2e.real-model=true} (set by {@code .ci/run} after {@code llm/install.sh}). Asserts
 * structure (a non-empty answer, JSON valid per the schema, a label from the set), never wording, and
 * prints the latency of every call.
 *
 * <p>{@code llm.extract} and {@code llm.classify} send their schema as the provider's structured output
 * ({@code response_format} json_schema, which llama-server honours): the tests check that this path answered
 * ({@code llm.structured: "schema"}). The agent node's loop must end within its iterations.
 */
@EnabledIfSystemProperty(named = "weft.e2e.real-model", matches = "true",
    disabledReason = "the real-model tier is opt-in: run llm/install.sh, then -Dweft.e2e.real-model=true (.ci/run does both)")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealModelE2E extends E2ESupport {
  private static final Logger log = LoggerFactory.getLogger(RealModelE2E.class);
  /** The model profile the tests name (and the default profile of this Weft). */
  private static final String PROFILE = "smollm2";
  /** Every answer is bounded: a small model can otherwise loop until the server's cap. */
  private static final int MAX_TOKENS = 128;
  /**
   * How long a run may take: a node's timeout is 100 s, the profile's (one HTTP call) 90 s. On an idle
   * 2-core machine a call takes 1-5 s; under a load of 9 (six builds sharing the cores) up to 45 s.
   */
  private static final Duration RUN_LIMIT = Duration.ofSeconds(150);
  private static final Set<String> LABELS = Set.of("billing", "technical", "other");
  private static final String TICKET = "Hello, I was charged twice for my subscription this month. Please refund"
      + " the second payment of 19.99 EUR. Regards, Maria Lopez";

  private final int llamaPort = E2EConfig.freePort();
  private LlamaServer llama;
  private final List<Latency> latencies = new ArrayList<>();

  /** One measured call: what, how long in all, how long the node (or server) took, tokens, outcome. */
  private record Latency(String call, long wallMs, long nodeMs, long tokensIn, long tokensOut, String outcome) {}


  /** A profile pointing at llama-server, as environment variables (the default profile stays the stub's). */
  @Override
  protected Map<String, String> weftEnv() {
    String p = "WEFT_AI_MODELS_" + PROFILE.toUpperCase() + "_";
    return Map.of(
        p + "PROVIDER", "openai",
        p + "BASEURL", "http://127.0.0.1:" + llamaPort + "/v1",
        p + "MODEL", "smollm2-135m-instruct",
        // llama-server runs without a key and ignores the header; the profile still names one, as a real one would.
        p + "APIKEYENV", "E2E_LLM_KEY",
        p + "TEMPERATURE", "0",
        p + "MAXTOKENS", String.valueOf(MAX_TOKENS),
        p + "TIMEOUT", "90s",
        "WEFT_AI_DEFAULTMODEL", PROFILE,
        // One agent reply is at most three model calls: the chat stays within its request's 90 s on a busy machine.
        "WEFT_AI_AGENT_MAXTOOLROUNDS", "3");
  }

  /** Runs after E2ESupport's start: Weft only holds the URL until the first call. */
  @BeforeAll
  void startModel() {
    llama = LlamaServer.start(llamaPort, dir);
    // Warm-up: the first evaluation maps the model's pages; not a measured call.
    llama.post("/v1/chat/completions", """
        {"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 4}""", Duration.ofSeconds(60)).expect(200);
  }

  @AfterAll
  void stopModel() {
    if (llama != null) llama.close();
    StringBuilder table = new StringBuilder("| call | wall ms | node/server ms | tokens in | tokens out | outcome |\n"
        + "|---|---:|---:|---:|---:|---|\n");
    for (Latency l : latencies) {
      table.append("| %s | %d | %s | %s | %s | %s |%n".formatted(l.call(), l.wallMs(), known(l.nodeMs()), known(l.tokensIn()),
          known(l.tokensOut()), l.outcome()));
    }
    table.append("\nSmolLM2-135M-Instruct Q4_1 on llama-server (--threads ").append(Math.min(2, Runtime.getRuntime().availableProcessors()))
        .append("), load average at the end: ").append(loadAverage()).append('\n');
    log.info("real-model latencies:\n{}", table);
    if (dir != null) {
      try {
        Files.writeString(dir.resolve("latencies.md"), table);
      } catch (IOException e) {
        log.warn("could not write latencies.md", e);
      }
    }
  }

  @Test
  @Order(1)
  void theServerHonoursAJsonSchemaWithAnEnum() {
    String body = """
        {"messages": [
          {"role": "system", "content": "Classify the customer's message. Answer in JSON."},
          {"role": "user", "content": %s}],
         "max_tokens": 64, "temperature": 0,
         "response_format": {"type": "json_schema", "json_schema": {"name": "classification", "strict": true, "schema":
           {"type": "object", "properties": {"label": {"type": "string", "enum": ["billing", "technical", "other"]}},
            "required": ["label"], "additionalProperties": false}}}}"""
        .formatted(Json.MAPPER.writeValueAsString(TICKET));
    long t0 = System.nanoTime();
    JsonNode answer = llama.post("/v1/chat/completions", body, Duration.ofSeconds(90)).expect(200).json();
    long ms = millisSince(t0);
    String content = answer.at("/choices/0/message/content").stringValue();
    latencies.add(new Latency("llama-server json_schema (enum)", ms, timing(answer), answer.at("/usage/prompt_tokens").asLong(),
        answer.at("/usage/completion_tokens").asLong(), answer.at("/choices/0/finish_reason").asString("")));
    // SmolLM2 pads the object with whitespace the grammar allows ({\n  "label": "billing"\n  \t\t\t…}): ~50 tokens.
    assertThat(answer.at("/choices/0/finish_reason").asString("")).as(content).isEqualTo("stop");
    JsonNode label = Json.parse(content);
    assertThat(label.size()).as(label.toString()).isEqualTo(1);
    assertThat(LABELS).as(label.toString()).contains(label.path("label").asString(""));
  }

  @Test
  @Order(2)
  void theServerExtractsSchemaValidJsonWhenStringsAreBounded() {
    JsonNode schema = extractionSchema();
    String body = """
        {"messages": [
          {"role": "system", "content": "Extract the fields from the customer's message. Answer in JSON."},
          {"role": "user", "content": %s}],
         "max_tokens": %d, "temperature": 0,
         "response_format": {"type": "json_schema", "json_schema": {"name": "ticket", "strict": true, "schema": %s}}}"""
        .formatted(Json.MAPPER.writeValueAsString(TICKET), MAX_TOKENS, schema);
    long t0 = System.nanoTime();
    JsonNode answer = llama.post("/v1/chat/completions", body, Duration.ofSeconds(90)).expect(200).json();
    long ms = millisSince(t0);
    String content = answer.at("/choices/0/message/content").stringValue();
    latencies.add(new Latency("llama-server json_schema (extraction)", ms, timing(answer),
        answer.at("/usage/prompt_tokens").asLong(), answer.at("/usage/completion_tokens").asLong(),
        answer.at("/choices/0/finish_reason").asString("")));
    assertThat(answer.at("/choices/0/finish_reason").asString("")).as(content).isEqualTo("stop");
    JsonNode data = Json.parse(content);
    assertThat(JsonSchemas.errors(schema, data)).as(content).isEmpty();
  }

  @Test
  @Order(3)
  void llmChatAnswersWithText() {
    JsonNode run = runOnce("chat", """
        {"id": "ask", "type": "llm.chat", "timeout": "100s", "config": {"model": "%s",
          "system": "You are a helpful assistant. Answer in one sentence.",
          "prompt": "What is the capital of France?"}}""".formatted(PROFILE));
    assertThat(run.get("status").stringValue()).as(run.toString()).isEqualTo("COMPLETED");
    JsonNode out = run.at("/nodes/ask/output");
    assertThat(out.path("text").asString("")).as(out.toString()).isNotBlank();
    assertThat(out.at("/llm/tokensIn").asLong()).isPositive();
    assertThat(out.at("/llm/tokensOut").asLong()).isPositive().isLessThanOrEqualTo(MAX_TOKENS);
    // The profile's key reached llama-server only as a header: never a log line, the run state or an event.
    assertThat(run.toString()).doesNotContain(WeftProcess.LLM_KEY);
    assertThat(rest.get("/api/runs/" + run.get("runId").stringValue() + "/events").expect(200).text())
        .doesNotContain(WeftProcess.LLM_KEY);
    assertThat(weft.logs()).doesNotContain(WeftProcess.LLM_KEY);
  }

  @Test
  @Order(4)
  void llmExtractAnswersJsonValidPerItsSchema() {
    JsonNode schema = extractionSchema();
    JsonNode run = runOnce("extract", """
        {"id": "extract", "type": "llm.extract", "timeout": "100s", "config": {"model": "%s",
          "prompt": "Extract the customer's name, the amount and the currency.",
          "text": %s, "schema": %s}}""".formatted(PROFILE, Json.MAPPER.writeValueAsString(TICKET), schema));
    assertThat(run.get("status").stringValue()).as(run.toString()).isEqualTo("COMPLETED");
    JsonNode data = run.at("/nodes/extract/output/data");
    assertThat(run.at("/nodes/extract/output/llm/structured").asString("")).as("the provider got the schema").isEqualTo("schema");
    assertThat(JsonSchemas.errors(schema, data)).as(data.toString()).isEmpty();
  }

  @Test
  @Order(5)
  void llmClassifyLeavesOnALabelOfTheSet() {
    JsonNode run = runOnce("classify", """
        {"id": "classify", "type": "llm.classify", "timeout": "100s", "config": {"model": "%s", "text": %s, "labels": [
          {"name": "billing", "description": "payments, invoices, refunds"},
          {"name": "technical", "description": "bugs, errors, outages"},
          {"name": "other", "description": "anything else"}]}}""".formatted(PROFILE, Json.MAPPER.writeValueAsString(TICKET)));
    assertThat(run.get("status").stringValue()).as(run.toString()).isEqualTo("COMPLETED");
    String label = run.at("/nodes/classify/output/label").asString("");
    assertThat(LABELS).as(run.at("/nodes/classify").toString()).contains(label);
    assertThat(run.at("/nodes/classify/ports").toString()).isEqualTo("[\"" + label + "\"]");
    assertThat(run.at("/nodes/classify/output/llm/structured").asString("")).as("the provider got the enum").isEqualTo("schema");
  }

  /**
   * The agent node on a real model: its loop ends within maxIterations, with an answer or a clear code, and
   * a tool call the model makes runs (a model this small rarely calls one: which happened is logged).
   */
  @Test
  @Order(7)
  void theAgentNodeEndsWithinItsIterationsAndRunsTheToolsItCalls() {
    JsonNode run = runOnce("agent", """
        {"id": "agent", "type": "agent", "timeout": "100s", "config": {"model": "%s",
          "system": "You answer arithmetic questions. Use the add tool to add two numbers.",
          "prompt": "What is 17 plus 25?", "maxIterations": 3,
          "tools": [{"name": "add", "kind": "calculator", "description": "adds two numbers a and b",
            "parameters": {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
                           "required": ["a", "b"]},
            "expression": "item.a + item.b"}]}}""".formatted(PROFILE));
    String status = run.get("status").stringValue();
    JsonNode node = run.at("/nodes/agent");
    if ("COMPLETED".equals(status)) {
      assertThat(node.at("/output/turns").asInt()).as(node.toString()).isBetween(1, 3);
      assertThat(node.at("/output/text").asString("")).as(node.toString()).isNotBlank();
    } else {
      assertThat(status).as(run.toString()).isEqualTo("FAILED");
      assertThat(node.at("/error/code").asString("")).as(node.toString()).matches("(agent|llm)\\.[a-z_.]+");
    }
    JsonNode events = rest.get("/api/runs/" + run.get("runId").stringValue() + "/events?limit=500").expect(200).json().get("events");
    long turns = 0;
    long toolCalls = 0;
    for (JsonNode e : events) {
      String kind = e.get("kind").stringValue();
      if (kind.equals("agent_turn")) turns++;
      if (kind.equals("agent_tool_call")) {
        toolCalls++;
        log.info("SmolLM2 called a tool: {}", e);
      }
    }
    log.info("agent on SmolLM2: {} turns, {} tool calls, {}", turns, toolCalls, status);
    assertThat(turns).as("model turns within maxIterations").isBetween(1L, 3L);
  }

  /**
   * The orchestrator agent's chat, streamed: the reply opens with {@code conversation} and closes with
   * {@code done}, and in between either the whole reply ({@code message}, non-empty) or a clear error code.
   * A model this small rarely calls tools; a tool call it makes must come back with a result.
   */
  @Test
  @Order(6)
  void theOrchestratorChatStreamsAReplyOrAClearError() {
    long t0 = System.nanoTime();
    Rest.Response r = rest.post("/api/agent/chat", """
        {"message": "Which workflows do I have?", "model": "%s"}""".formatted(PROFILE), Map.of("Accept", "text/event-stream"));
    long ms = millisSince(t0);
    r.expect(200);
    List<Map.Entry<String, JsonNode>> events = sse(r.text());
    List<String> names = events.stream().map(Map.Entry::getKey).toList();
    JsonNode message = events.stream().filter(e -> e.getKey().equals("message")).map(Map.Entry::getValue).findFirst().orElse(null);
    JsonNode error = events.stream().filter(e -> e.getKey().equals("error")).map(Map.Entry::getValue).findFirst().orElse(null);
    latencies.add(new Latency("Weft agent chat (stream)", ms, -1, -1, -1,
        names.stream().filter(n -> !n.equals("delta")).toList() + (error == null ? "" : " " + error.path("code").asString(""))));
    assertThat(names).as(r.text()).isNotEmpty();
    assertThat(names.getFirst()).as(r.text()).isEqualTo("conversation");
    assertThat(names.getLast()).as(r.text()).isEqualTo("done");
    if (error == null) {
      assertThat(message).as(r.text()).isNotNull();
      assertThat(message.path("text").asString("")).as(r.text()).isNotBlank();
    } else {
      assertThat(error.path("code").asString("")).as(r.text()).matches("(llm|agent)\\.[a-z_.]+");
    }
    long calls = names.stream().filter("tool_call"::equals).count();
    assertThat(names.stream().filter("tool_result"::equals).count()).as(r.text()).isEqualTo(calls);
    assertThat(r.text()).doesNotContain(WeftProcess.LLM_KEY);
  }

  /** Server-sent events as (event, data) pairs, in order. */
  private static List<Map.Entry<String, JsonNode>> sse(String text) {
    List<Map.Entry<String, JsonNode>> events = new ArrayList<>();
    for (String block : text.replace("\r\n", "\n").split("\n\n")) {
      String event = "";
      StringBuilder data = new StringBuilder();
      for (String line : block.split("\n")) {
        if (line.startsWith("event:")) event = line.substring(6).strip();
        else if (line.startsWith("data:")) data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).strip());
      }
      if (!data.isEmpty()) events.add(Map.entry(event, Json.parse(data.toString())));
    }
    return events;
  }

  /** An object of three fields whose strings all carry maxLength: unbounded strings can loop until max_tokens. */
  private static JsonNode extractionSchema() {
    return Json.parse("""
        {"type": "object", "properties": {
          "name": {"type": "string", "maxLength": 40},
          "amount": {"type": "number"},
          "currency": {"type": "string", "maxLength": 3}},
         "required": ["name", "amount", "currency"], "additionalProperties": false}""");
  }

  /**
   * Creates a one-node workflow, runs it with {@code ?wait=} and returns its final state; records the
   * latency (the request's wall time, the node's startedAt..endedAt and its tokens).
   */
  private JsonNode runOnce(String call, String node) {
    String id = create("""
        {"id": "%s", "name": "real model %s", "nodes": [%s]}""".formatted(uniqueId("real-" + call), call, node));
    long t0 = System.nanoTime();
    // ?wait= holds the request at most weft.api.max-wait (60 s); a longer run is awaited by polling.
    Rest.Response r = rest.post("/api/workflows/" + id + "/runs?wait=60s", "{\"input\": {}}");
    JsonNode run = r.status() == 200 ? r.json() : awaitEnd(r.expect(202).json().get("runId").stringValue(), RUN_LIMIT);
    long ms = millisSince(t0);
    JsonNode n = run.get("nodes").properties().iterator().next().getValue();
    long nodeMs = n.hasNonNull("startedAt") && n.hasNonNull("endedAt")
        ? Duration.between(Instant.parse(n.get("startedAt").stringValue()), Instant.parse(n.get("endedAt").stringValue())).toMillis()
        : -1;
    JsonNode usage = n.path("output").path("llm").isMissingNode() ? n.at("/error/details/llm") : n.at("/output/llm");
    String outcome = run.get("status").stringValue() + (n.hasNonNull("error") ? " " + n.at("/error/code").asString("") : "");
    latencies.add(new Latency("Weft " + n.path("type").asString(""), ms, nodeMs, usage.path("tokensIn").asLong(),
        usage.path("tokensOut").asLong(), outcome));
    return run;
  }

  /** llama-server's own timings of a completion (prompt + generation), in ms. */
  private static long timing(JsonNode answer) {
    JsonNode t = answer.path("timings");
    return Math.round(t.path("prompt_ms").asDouble(0) + t.path("predicted_ms").asDouble(0));
  }

  /** The machine's 1/5/15-minute load averages (Linux), else "unknown". */
  private static String loadAverage() {
    try {
      String[] f = Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** A measured number, or a dash where this call has none (-1). */
  private static String known(long n) {
    return n < 0 ? "–" : String.valueOf(n);
  }

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
