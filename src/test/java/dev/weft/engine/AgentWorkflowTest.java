package dev.weft.engine;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.weft.node.agent.AgentModelStub.calls;
import static dev.weft.node.agent.AgentModelStub.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ai.TestModels;
import dev.weft.definition.Json;
import dev.weft.node.agent.AgentModelStub;
import dev.weft.node.agent.McpTestServer;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The {@code agent} node in real runs against a scripted model: tool calls run and their results reach the
 * model, invalid calls go back to it as errors, the limits fail the node with their codes, approvals wait
 * for people, and every model turn and tool call is an event and a step of the run's history.
 */
class AgentWorkflowTest {
  private static final Actor ANN = new Actor("ann", List.of("operator"), List.of());
  private static final String CALCULATOR = """
      {"name": "multiply", "kind": "calculator", "description": "multiplies a by b",
       "parameters": {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
                      "required": ["a", "b"], "additionalProperties": false},
       "expression": "item.a * item.b"}""";

  private AgentModelStub model;
  private EngineTestSupport t;

  @BeforeEach
  void setUp() {
    model = new AgentModelStub();
    t = new EngineTestSupport(TestModels.openAi(model.baseUrl()));
  }

  @AfterEach
  void tearDown() {
    t.close();
    model.close();
  }

  private static String agent(String extraConfig, String... tools) {
    return """
        {"name": "agent", "nodes": [
          {"id": "ask", "type": "agent", "config": {"system": "You help with sums.", "prompt": "{{ input.question }}",
           "tools": [%s]%s}}
        ], "edges": []}
        """.formatted(String.join(",", tools), extraConfig.isEmpty() ? "" : ", " + extraConfig);
  }

  private static String weatherTool(int port) {
    return """
        {"name": "weather", "kind": "http", "description": "the weather in a city",
         "parameters": {"type": "object", "properties": {"city": {"type": "string", "maxLength": 40}}, "required": ["city"]},
         "request": {"url": "http://127.0.0.1:%d/weather", "query": {"city": "{{ item.city }}"}}}""".formatted(port);
  }

  private List<RunEvent> events(WorkflowStub run, EventKind kind) {
    return t.events.of(run.getExecution().getWorkflowId()).stream().filter(e -> e.kind() == kind).toList();
  }

  /** The tool messages of a model request. */
  private static List<JsonNode> toolMessages(JsonNode messages) {
    return messages.valueStream().filter(m -> "tool".equals(m.path("role").asString())).toList();
  }

  @Test
  void aCalculatorCallRunsAndItsResultReachesTheModel() {
    model.script(calls("multiply", "{\"a\": 6, \"b\": 7}"), text("6 times 7 is 42."));
    WorkflowStub run = t.start(agent("", CALCULATOR), "{\"question\": \"What is 6 times 7?\"}");

    RunResult r = run.getResult(RunResult.class);

    JsonNode out = r.output().get("ask");
    assertThat(out.get("text").stringValue()).isEqualTo("6 times 7 is 42.");
    assertThat(out.get("turns").asInt()).isEqualTo(2);
    assertThat(out.get("toolCalls").asInt()).isEqualTo(1);
    assertThat(out.at("/llm/tokensIn").asLong()).isEqualTo(200);
    // 2 calls of 100 in (0.5 per 1k) and 20 out (1.5 per 1k)
    assertThat(out.at("/llm/cost").decimalValue()).isEqualByComparingTo("0.16");
    assertThat(model.requests()).hasSize(2);
    JsonNode first = model.requests().getFirst();
    assertThat(first.at("/tools/0/function/name").stringValue()).isEqualTo("multiply");
    assertThat(first.at("/messages/0/role").stringValue()).isEqualTo("system");
    assertThat(first.at("/messages/1/content").stringValue()).isEqualTo("What is 6 times 7?");
    List<JsonNode> tools = toolMessages(model.messages(1));
    assertThat(tools).hasSize(1);
    assertThat(Json.parse(tools.getFirst().get("content").stringValue()).get("result").asInt()).isEqualTo(42);

    List<RunEvent> turns = events(run, EventKind.AGENT_TURN);
    assertThat(turns).extracting(RunEvent::attempt).containsExactly(1, 2);
    assertThat(turns.getFirst().output().at("/toolCalls/0/name").stringValue()).isEqualTo("multiply");
    assertThat(turns.getFirst().data().at("/llm/tokensOut").asLong()).isEqualTo(20);
    List<RunEvent> toolCalls = events(run, EventKind.AGENT_TOOL_CALL);
    assertThat(toolCalls).hasSize(1);
    assertThat(toolCalls.getFirst().input().get("a").asInt()).isEqualTo(6);
    assertThat(toolCalls.getFirst().output().get("result").asInt()).isEqualTo(42);
    assertThat(toolCalls.getFirst().data().get("kind").stringValue()).isEqualTo("calculator");
  }

  @Test
  void aKnowledgeToolSearchesItsBaseWithTheModelsQueryAndAnUnknownBaseIsTheToolsAnswer() {
    List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    t.knowledge = (kb, query, k) -> {
      asked.add(kb + "|" + query + "|" + k);
      if (!kb.equals("handbook")) throw dev.weft.knowledge.Retriever.notFound(kb);
      return new dev.weft.knowledge.Retriever.Result("kb-1", "handbook", false, List.of(new dev.weft.knowledge.Retriever.Hit(
          "chunk-7", "doc-1", "refunds.md", 0, "Refunds are paid within 14 days.", 0.8, null, 0.8, 0.03)));
    };
    String handbook = """
        {"name": "handbook", "kind": "knowledge", "description": "searches the staff handbook", "knowledgeBase": "handbook", "k": 2}""";
    String missing = """
        {"name": "archive", "kind": "knowledge", "description": "searches the old archive", "knowledgeBase": "archive"}""";
    model.script(calls("handbook", "{\"query\": \"refund time\"}"), calls("archive", "{\"query\": \"refund time\"}"),
        text("Refunds are paid within 14 days (refunds.md)."));
    WorkflowStub run = t.start(agent("", handbook, missing), "{\"question\": \"When are refunds paid?\"}");

    JsonNode out = run.getResult(RunResult.class).output().get("ask");
    assertThat(out.get("text").stringValue()).isEqualTo("Refunds are paid within 14 days (refunds.md).");
    assertThat(asked).containsExactly("handbook|refund time|2", "archive|refund time|4");
    // The model saw the tool with a query parameter, then the passages with their chunk ids and document names.
    assertThat(model.requests().getFirst().at("/tools/0/function/parameters/required/0").stringValue()).isEqualTo("query");
    List<JsonNode> tools = toolMessages(model.messages(2));
    JsonNode found = Json.parse(tools.get(0).get("content").stringValue());
    assertThat(found.at("/hits/0/chunkId").stringValue()).isEqualTo("chunk-7");
    assertThat(found.at("/hits/0/documentName").stringValue()).isEqualTo("refunds.md");
    JsonNode unknown = Json.parse(tools.get(1).get("content").stringValue());
    assertThat(unknown.at("/error/code").stringValue()).isEqualTo("knowledge_base.not_found");
    assertThat(events(run, EventKind.AGENT_TOOL_CALL)).extracting(e -> e.data().get("kind").stringValue())
        .containsExactly("knowledge", "knowledge");
  }

  private static final String MCP_TOKEN = "s3cret-mcp-token";

  private static String ordersTool(String url, String... allow) {
    return """
        {"name": "orders", "kind": "mcp", "description": "the order system", "server": "%s", "credential": "orders-token",
         "allow": [%s], "prefix": "orders_"}""".formatted(url,
        String.join(", ", java.util.Arrays.stream(allow).map(a -> "\"" + a + "\"").toList()));
  }

  /** MCP servers reached with the credential orders-token, loopback allowed. */
  private static dev.weft.node.agent.McpServers loopbackMcp() {
    return new dev.weft.node.agent.StreamableMcpServers((name, ctx) -> "orders-token".equals(name)
        ? java.util.Optional.of(new dev.weft.node.CredentialResolver.Secret(name, "bearer", Json.parse("{\"token\": \"" + MCP_TOKEN + "\"}")))
        : java.util.Optional.empty(), new dev.weft.node.http.OutboundGuard(List.of(), false));
  }

  @Test
  void anMcpToolOffersOnlyTheAllowedServerToolsAndTheirResultsReachTheModel() throws Exception {
    try (McpTestServer server = new McpTestServer()) {
      t.mcp = loopbackMcp();
      model.script(calls("orders_lookup", "{\"id\": \"A-1\"}"),
          calls("orders_delete_everything", "{}", "orders_lookup", "{\"id\": \"missing\"}"),
          calls("orders_lookup", "{\"id\": 7}"),
          text("Order A-1 has shipped."));
      WorkflowStub run = t.start(agent("", ordersTool(server.url(), "lookup")), "{\"question\": \"Where is A-1?\"}");

      JsonNode out = run.getResult(RunResult.class).output().get("ask");
      assertThat(out.get("text").stringValue()).isEqualTo("Order A-1 has shipped.");
      // The model saw one tool: the allowed one, under its prefix, with the server's description and inputSchema.
      JsonNode offered = model.requests().getFirst().get("tools");
      assertThat(offered).hasSize(1);
      assertThat(offered.at("/0/function/name").stringValue()).isEqualTo("orders_lookup");
      assertThat(offered.at("/0/function/description").stringValue()).isEqualTo("the order system: looks an order up by its id");
      assertThat(offered.at("/0/function/parameters/required/0").stringValue()).isEqualTo("id");
      List<JsonNode> answers = toolMessages(model.messages(3));
      assertThat(Json.parse(answers.get(0).get("content").stringValue()).get("text").stringValue()).isEqualTo("order A-1: shipped");
      assertThat(Json.parse(answers.get(1).get("content").stringValue()).at("/error/code").stringValue())
          .isEqualTo("agent.unknown_tool");
      JsonNode failed = Json.parse(answers.get(2).get("content").stringValue());
      assertThat(failed.at("/error/code").stringValue()).isEqualTo("mcp.tool_error");
      assertThat(failed.at("/error/message").stringValue()).contains("no order missing");
      assertThat(Json.parse(answers.get(3).get("content").stringValue()).at("/error/code").stringValue())
          .isEqualTo("agent.invalid_arguments");
      // Only the allowed tool ran, and only with valid arguments; every request carried the credential.
      assertThat(server.calls).containsExactly("lookup({id=A-1})", "lookup({id=missing})");
      assertThat(server.authorizations).isNotEmpty().allMatch(("Bearer " + MCP_TOKEN)::equals);
      assertThat(events(run, EventKind.AGENT_TOOL_CALL)).extracting(e -> e.error() == null ? "ok" : e.error().code())
          .containsExactly("ok", "agent.unknown_tool", "mcp.tool_error", "agent.invalid_arguments");
      JsonNode first = events(run, EventKind.AGENT_TOOL_CALL).getFirst().data();
      assertThat(first.get("kind").stringValue()).isEqualTo("mcp");
      assertThat(first.get("tool").stringValue()).isEqualTo("orders_lookup");
      assertThat(first.get("serverTool").stringValue()).isEqualTo("lookup");
      assertThat(first.get("server").stringValue()).isEqualTo(server.url());

      // The list and each call are steps of the history, which replays; the secret is nowhere in it.
      WorkflowExecutionHistory history = t.client.fetchHistory(run.getExecution().getWorkflowId());
      String json = history.toJson(true);
      assertThat(json).contains("AgentMcpList", "AgentMcpTool").doesNotContain(MCP_TOKEN);
      WorkflowReplayer.replayWorkflowExecution(history, t.worker);
      if (Boolean.getBoolean("weft.recordHistories")) {
        Files.writeString(Path.of("src/test/resources/histories/agent-mcp.agent-1.json"), json);
      }
    }
  }

  @Test
  void anMcpServerThatFailsDuringACallIsTheToolsErrorToTheModel() {
    try (McpTestServer server = new McpTestServer()) {
      dev.weft.node.agent.McpServers real = loopbackMcp();
      // Lists as the real server does, then goes away: every call fails as an unreachable server does.
      t.mcp = new dev.weft.node.agent.McpServers() {
        @Override
        public List<Tool> list(String url, String credential, Duration timeout) {
          return real.list(url, credential, timeout);
        }

        @Override
        public Result call(String url, String credential, String tool, JsonNode arguments, Duration timeout) {
          server.close();
          return real.call(url, credential, tool, arguments, timeout);
        }
      };
      model.script(calls("orders_lookup", "{\"id\": \"A-1\"}"), text("The order system is down."));
      WorkflowStub run = t.start(agent("", ordersTool(server.url(), "lookup")), "{\"question\": \"Where is A-1?\"}");

      JsonNode out = run.getResult(RunResult.class).output().get("ask");
      assertThat(out.get("text").stringValue()).isEqualTo("The order system is down.");
      JsonNode answer = Json.parse(toolMessages(model.messages(1)).getFirst().get("content").stringValue());
      assertThat(answer.at("/error/code").stringValue()).isEqualTo("mcp.unavailable");
      assertThat(answer.at("/error/message").stringValue()).doesNotContain(MCP_TOKEN);
      assertThat(server.calls).isEmpty();
    }
  }

  @Test
  void anMcpServerOnAPrivateAddressIsRefusedByTheOutboundGuard() {
    try (McpTestServer server = new McpTestServer()) {
      // t.mcp is the default: the outbound guard blocks private and loopback addresses.
      WorkflowStub run = t.start(agent("", ordersTool(server.url(), "lookup")), "{\"question\": \"?\"}");

      assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
      NodeState ask = t.state(run).nodes().get("ask");
      assertThat(ask.error().code()).isEqualTo("mcp.blocked_address");
      assertThat(model.requests()).isEmpty();
      assertThat(server.authorizations).isEmpty();
    }
  }

  @Test
  void anAllowedToolTheServerDoesNotOfferFailsTheNode() {
    try (McpTestServer server = new McpTestServer()) {
      t.mcp = loopbackMcp();
      WorkflowStub run = t.start(agent("", ordersTool(server.url(), "lookup", "refund")), "{\"question\": \"?\"}");

      assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
      NodeState ask = t.state(run).nodes().get("ask");
      assertThat(ask.error().code()).isEqualTo("agent.mcp_tool_missing");
      assertThat(ask.error().details().at("/missing/0").stringValue()).isEqualTo("refund");
      assertThat(model.requests()).isEmpty();
    }
  }

  @Test
  void anHttpToolCallsItsEndpointOnceWithTheModelsArguments() {
    model.server().stubFor(get(urlPathEqualTo("/weather")).willReturn(aResponse()
        .withHeader("Content-Type", "application/json").withBody("{\"sky\": \"sunny\", \"celsius\": 21}")));
    model.script(calls("weather", "{\"city\": \"Paris\"}"), text("Sunny, 21 degrees."));
    WorkflowStub run = t.start(agent("", weatherTool(model.port())), "{\"question\": \"Weather in Paris?\"}");

    assertThat(run.getResult(RunResult.class).output().get("ask").get("text").stringValue()).isEqualTo("Sunny, 21 degrees.");

    model.server().verify(1, getRequestedFor(urlPathEqualTo("/weather")).withQueryParam("city", equalTo("Paris")));
    JsonNode result = Json.parse(toolMessages(model.messages(1)).getFirst().get("content").stringValue());
    assertThat(result.get("status").asInt()).isEqualTo(200);
    assertThat(result.at("/body/sky").stringValue()).isEqualTo("sunny");
    // The model turns and the tool call are activities of the run's history.
    WorkflowExecutionHistory h = t.client.fetchHistory(run.getExecution().getWorkflowId());
    List<String> activities = h.getEvents().stream().filter(e -> e.hasActivityTaskScheduledEventAttributes())
        .map(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName()).toList();
    assertThat(activities).containsExactly("AgentTurn", "AgentHttpTool", "AgentTurn");
  }

  @Test
  void invalidArgumentsGoBackToTheModelAsAnError() {
    model.script(calls("multiply", "{\"a\": \"six\", \"b\": 7}"), calls("multiply", "{\"a\": 6, \"b\": 7}"), text("42"));
    WorkflowStub run = t.start(agent("", CALCULATOR), "{\"question\": \"6*7?\"}");

    assertThat(run.getResult(RunResult.class).output().get("ask").get("text").stringValue()).isEqualTo("42");

    JsonNode error = Json.parse(toolMessages(model.messages(1)).getFirst().get("content").stringValue());
    assertThat(error.at("/error/code").stringValue()).isEqualTo("agent.invalid_arguments");
    assertThat(error.at("/error/details/errors/0/path").stringValue()).isEqualTo("/a");
    List<RunEvent> toolCalls = events(run, EventKind.AGENT_TOOL_CALL);
    assertThat(toolCalls).extracting(e -> e.error() == null ? null : e.error().code())
        .containsExactly("agent.invalid_arguments", null);
  }

  @Test
  void anUnknownToolAndBadJsonCountAsInvalidCallsUntilTheNodeFails() {
    model.script(calls("divide", "{}"), calls("multiply", "{not json"));
    WorkflowStub run = t.start(agent("\"maxInvalidToolCalls\": 1", CALCULATOR), "{\"question\": \"?\"}");

    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);

    NodeState ask = t.state(run).nodes().get("ask");
    assertThat(ask.error().code()).isEqualTo("agent.invalid_tool_calls");
    assertThat(model.requests()).hasSize(2);
    assertThat(Json.parse(toolMessages(model.messages(1)).getFirst().get("content").stringValue()).at("/error/code")
        .stringValue()).isEqualTo("agent.unknown_tool");
    assertThat(events(run, EventKind.AGENT_TOOL_CALL)).extracting(e -> e.error().code())
        .containsExactly("agent.unknown_tool", "agent.arguments_not_json");
  }

  @Test
  void reachingMaxIterationsWithoutAnAnswerFailsTheNode() {
    model.script(calls("multiply", "{\"a\": 1, \"b\": 2}"));
    WorkflowStub run = t.start(agent("\"maxIterations\": 3", CALCULATOR), "{\"question\": \"loop\"}");

    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);

    NodeState ask = t.state(run).nodes().get("ask");
    assertThat(ask.error().code()).isEqualTo("agent.max_iterations");
    assertThat(ask.error().details().get("toolCalls").asInt()).isEqualTo(3);
    assertThat(model.requests()).hasSize(3);
    assertThat(events(run, EventKind.AGENT_TURN)).hasSize(3);
  }

  @Test
  void aFinalAnswerNotMatchingOutputSchemaIsReaskedThenParsed() {
    model.script(text("The answer is 42."), text("```json\n{\"answer\": 42}\n```"));
    String schema = "\"outputSchema\": {\"type\": \"object\", \"properties\": {\"answer\": {\"type\": \"integer\"}},"
        + " \"required\": [\"answer\"]}";
    WorkflowStub run = t.start(agent(schema, CALCULATOR), "{\"question\": \"6*7?\"}");

    JsonNode out = run.getResult(RunResult.class).output().get("ask");

    assertThat(out.at("/data/answer").asInt()).isEqualTo(42);
    assertThat(out.get("turns").asInt()).isEqualTo(2);
    assertThat(model.messages(0).get(0).get("content").stringValue()).contains("\"answer\"");
    JsonNode reask = model.messages(1).get(model.messages(1).size() - 1);
    assertThat(reask.get("role").stringValue()).isEqualTo("user");
    assertThat(reask.get("content").stringValue()).contains("not valid");
    // The provider was given the schema too (structured output), beside the tools.
    JsonNode first = model.requests().getFirst();
    assertThat(first.at("/response_format/type").stringValue()).isEqualTo("json_schema");
    assertThat(first.at("/response_format/json_schema/schema/required/0").stringValue()).isEqualTo("answer");
    assertThat(first.at("/tools/0/function/name").stringValue()).isEqualTo("multiply");
    assertThat(events(run, EventKind.AGENT_TURN).getFirst().data().at("/llm/structured").stringValue()).isEqualTo("schema");
  }

  @Test
  void anEndpointThatRefusesTheSchemaIsAskedAgainWithoutIt() {
    // A server without structured output: it refuses any request naming response_format.
    model.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo(AgentModelStub.PATH)).atPriority(1)
        .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("response_format"))
        .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
            .withBody("{\"error\": {\"message\": \"response_format is not supported by this server\"}}")));
    model.script(text("{\"answer\": 42}"));
    String schema = "\"outputSchema\": {\"type\": \"object\", \"properties\": {\"answer\": {\"type\": \"integer\"}},"
        + " \"required\": [\"answer\"]}";
    WorkflowStub run = t.start(agent(schema, CALCULATOR), "{\"question\": \"6*7?\"}");

    JsonNode out = run.getResult(RunResult.class).output().get("ask");

    assertThat(out.at("/data/answer").asInt()).isEqualTo(42);
    assertThat(events(run, EventKind.AGENT_TURN).getFirst().data().at("/llm/structured").stringValue())
        .as("the prompt alone asked for JSON").isEqualTo("prompt");
    List<com.github.tomakehurst.wiremock.verification.LoggedRequest> sent = model.server().findAll(
        com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathEqualTo(AgentModelStub.PATH)));
    assertThat(sent).hasSize(2);
    assertThat(sent.get(0).getBodyAsString()).contains("response_format");
    assertThat(sent.get(1).getBodyAsString()).doesNotContain("response_format");
  }

  @Test
  void anAnswerThatNeverMatchesFailsWithInvalidOutput() {
    model.script(text("no JSON here"));
    String config = "\"maxInvalidToolCalls\": 1, \"outputSchema\": {\"type\": \"object\"}";
    WorkflowStub run = t.start(agent(config, CALCULATOR), "{\"question\": \"?\"}");

    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);

    assertThat(t.state(run).nodes().get("ask").error().code()).isEqualTo("agent.invalid_output");
    assertThat(model.requests()).hasSize(2);
  }

  @Test
  void aToolThatNeedsApprovalWaitsAndARejectionGoesBackToTheModel() {
    model.server().stubFor(get(urlPathEqualTo("/weather")).willReturn(aResponse()
        .withHeader("Content-Type", "application/json").withBody("{\"sky\": \"grey\"}")));
    model.script(calls("weather", "{\"city\": \"Oslo\"}"), calls("weather", "{\"city\": \"Bergen\"}"), text("Grey in Bergen."));
    WorkflowStub run = t.start(agent("\"requireApproval\": [\"weather\"], \"approvers\": [\"role:operator\"]",
        weatherTool(model.port())), "{\"question\": \"Weather?\"}");

    awaitWaiting(run);
    assertThat(t.state(run).nodes().get("ask").task().at("/details/arguments/city").stringValue()).isEqualTo("Oslo");
    JsonNode answer = Updates.send(() -> t.run(run).decide(new HumanInput("ask", ANN, "reject", "not Oslo", null, null)));
    assertThat(answer.get("outcome").stringValue()).isEqualTo("rejected");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> model.requests().size() == 2
        && t.state(run).waiting().contains("ask"));
    Updates.send(() -> t.run(run).decide(new HumanInput("ask", ANN, "approve", null, null, null)));

    assertThat(run.getResult(RunResult.class).output().get("ask").get("text").stringValue()).isEqualTo("Grey in Bergen.");
    JsonNode rejected = Json.parse(toolMessages(model.messages(1)).getFirst().get("content").stringValue());
    assertThat(rejected.at("/rejected/comment").stringValue()).isEqualTo("not Oslo");
    assertThat(rejected.at("/rejected/by").stringValue()).isEqualTo("ann");
    // Only the approved call reached the endpoint.
    model.server().verify(1, getRequestedFor(urlPathEqualTo("/weather")));
    model.server().verify(1, getRequestedFor(urlPathEqualTo("/weather")).withQueryParam("city", equalTo("Bergen")));
    assertThat(events(run, EventKind.NODE_DECISION)).hasSize(2);
  }

  private void awaitWaiting(WorkflowStub run) {
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> t.state(run).waiting().contains("ask"));
  }

  @Test
  void aWorkflowToolRunsTheSavedWorkflowAsAChildWithTheArgumentsAsInput() {
    t.save("double", """
        {"name": "double", "inputSchema": {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]},
         "nodes": [{"id": "out", "type": "respond", "config": {"body": {"doubled": "{{ input.n * 2 }}"}}}], "edges": []}""");
    model.script(calls("double", "{\"n\": \"x\"}"), calls("double", "{\"n\": 21}"), text("It is 42."));
    String tool = """
        {"name": "double", "kind": "workflow", "description": "doubles n", "workflowId": "double"}""";
    WorkflowStub run = t.start(agent("", tool), "{\"question\": \"double 21\"}");

    assertThat(run.getResult(RunResult.class).output().get("ask").get("text").stringValue()).isEqualTo("It is 42.");

    // The workflow's inputSchema is the tool's parameters: the first call did not match it and never ran.
    assertThat(model.requests().getFirst().at("/tools/0/function/parameters/required/0").stringValue()).isEqualTo("n");
    assertThat(Json.parse(toolMessages(model.messages(1)).getFirst().get("content").stringValue()).at("/error/code")
        .stringValue()).isEqualTo("agent.invalid_arguments");
    JsonNode result = Json.parse(toolMessages(model.messages(2)).get(1).get("content").stringValue());
    assertThat(result.at("/result/doubled").asInt()).isEqualTo(42);
    String child = run.getExecution().getWorkflowId() + ".ask.call2";
    assertThat(t.client.fetchHistory(child).getLastEvent().hasWorkflowExecutionCompletedEventAttributes()).isTrue();
  }

  @Test
  void memoryKeepsTheConversationPerKeyAcrossRuns() {
    model.script(text("Hello Ada."), text("You are Ada."), text("Who are you?"));
    String def = agent("\"memory\": {\"key\": \"{{ input.chat }}\", \"window\": 10}", CALCULATOR);

    t.start(def, "{\"chat\": \"c1\", \"question\": \"I am Ada.\"}").getResult(RunResult.class);
    WorkflowStub second = t.start(def, "{\"chat\": \"c1\", \"question\": \"Who am I?\"}");
    second.getResult(RunResult.class);
    t.start(def, "{\"chat\": \"c2\", \"question\": \"Who am I?\"}").getResult(RunResult.class);

    JsonNode remembered = model.messages(1);
    assertThat(remembered.valueStream().map(m -> m.get("role").stringValue() + ": " + m.get("content").stringValue()))
        .containsExactly("system: You help with sums.", "user: I am Ada.", "assistant: Hello Ada.", "user: Who am I?");
    assertThat(model.messages(2)).as("another key, another conversation").hasSize(2);
    // The memory's reads and writes are steps of the run too.
    List<String> activities = t.client.fetchHistory(second.getExecution().getWorkflowId()).getEvents().stream()
        .filter(e -> e.hasActivityTaskScheduledEventAttributes())
        .map(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName()).toList();
    assertThat(activities).containsExactly("AgentRecall", "AgentTurn", "AgentRemember");
  }

  @Test
  void anOperatorsRetryAfterOnErrorAskRunsNewChildRuns() {
    t.save("double", """
        {"name": "double", "nodes": [{"id": "out", "type": "respond", "config": {"body": {"doubled": "{{ input.n * 2 }}"}}}],
         "edges": []}""");
    model.script(calls("double", "{\"n\": 21}"), calls("double", "{\"n\": 21}"), text("42"));
    String config = """
        {"prompt": "double 21", "maxIterations": %d, "tools": [{"name": "double", "kind": "workflow", "description": "doubles n",
         "workflowId": "double", "parameters": {"type": "object", "properties": {"n": {"type": "integer"}}}}]}""";
    WorkflowStub run = t.start("""
        {"name": "agent", "nodes": [{"id": "ask", "type": "agent", "onError": "ask", "config": %s}], "edges": []}
        """.formatted(config.formatted(1)), "{}");

    awaitWaiting(run);
    assertThat(t.state(run).nodes().get("ask").error().code()).isEqualTo("agent.max_iterations");
    Updates.send(() -> t.run(run).decide(new HumanInput("ask", ANN, "retry", null, null, Json.parse(config.formatted(2)))));

    assertThat(run.getResult(RunResult.class).output().at("/ask/text").stringValue()).isEqualTo("42");
    String id = run.getExecution().getWorkflowId();
    assertThat(t.client.fetchHistory(id + ".ask.call1").getLastEvent().hasWorkflowExecutionCompletedEventAttributes()).isTrue();
    assertThat(t.client.fetchHistory(id + ".ask.retry1.call1").getLastEvent().hasWorkflowExecutionCompletedEventAttributes())
        .isTrue();
    assertThat(model.requests()).hasSize(3);
  }

  /**
   * The history of a run with every tool kind but approvals replays on the current interpreter; with
   * {@code -Dweft.recordHistories=true} it becomes the recorded {@code agent-tools.agent-1.json}, which
   * {@link RunWorkflowReplayTest} replays in every build.
   */
  @Test
  void anAgentRunsHistoryReplays() throws Exception {
    model.server().stubFor(get(urlPathEqualTo("/weather")).willReturn(aResponse()
        .withHeader("Content-Type", "application/json").withBody("{\"sky\": \"sunny\"}")));
    model.script(calls("multiply", "{\"a\": 6, \"b\": 7}", "weather", "{\"city\": \"Rome\"}"), text("42, and sunny."));
    WorkflowStub run = t.start(agent("", CALCULATOR, weatherTool(model.port())), "{\"question\": \"6*7, and Rome?\"}");
    run.getResult(RunResult.class);

    WorkflowExecutionHistory history = t.client.fetchHistory(run.getExecution().getWorkflowId());
    WorkflowReplayer.replayWorkflowExecution(history, t.worker);
    if (Boolean.getBoolean("weft.recordHistories")) {
      Files.writeString(Path.of("src/test/resources/histories/agent-tools.agent-1.json"), history.toJson(true));
    }
  }
}
