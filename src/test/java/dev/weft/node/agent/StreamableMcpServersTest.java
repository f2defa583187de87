package dev.weft.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.definition.Json;
import dev.weft.node.CredentialResolver;
import dev.weft.node.NodeFailure;
import dev.weft.node.http.OutboundGuard;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The MCP client against a real MCP server: listing, calls, credentials, and the failures' codes. */
class StreamableMcpServersTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final OutboundGuard LOOPBACK = new OutboundGuard(List.of("127.0.0.1"), true);
  private final McpTestServer server = new McpTestServer();

  @AfterEach
  void tearDown() {
    server.close();
  }

  private static CredentialResolver resolver(String type, String data) {
    return (name, ctx) -> "key".equals(name) ? Optional.of(new CredentialResolver.Secret(name, type, Json.parse(data)))
        : Optional.empty();
  }

  @Test
  void listsTheServersToolsWithTheirSchemasAndCallsOne() {
    StreamableMcpServers mcp = new StreamableMcpServers(resolver("basic", "{\"username\": \"u\", \"password\": \"pw-1234\"}"),
        LOOPBACK);

    List<McpServers.Tool> tools = mcp.list(server.url(), "key", TIMEOUT);
    McpServers.Result r = mcp.call(server.url(), "key", "lookup", Json.parse("{\"id\": \"B-2\"}"), TIMEOUT);

    assertThat(tools).extracting(McpServers.Tool::name).containsExactlyInAnyOrder("lookup", "delete_everything");
    McpServers.Tool lookup = tools.stream().filter(t -> t.name().equals("lookup")).findFirst().orElseThrow();
    assertThat(lookup.inputSchema().at("/properties/id/maxLength").asInt()).isEqualTo(20);
    assertThat(r).isEqualTo(new McpServers.Result("order B-2: shipped", false));
    assertThat(server.authorizations).isNotEmpty().allMatch(a -> a.equals("Basic dTpwdy0xMjM0"));
  }

  @Test
  void anErrorResultIsMarkedAndAnUnknownToolIsTheServersError() {
    StreamableMcpServers mcp = new StreamableMcpServers(null, LOOPBACK);

    assertThat(mcp.call(server.url(), null, "lookup", Json.parse("{\"id\": \"missing\"}"), TIMEOUT))
        .isEqualTo(new McpServers.Result("no order missing", true));
    assertThatThrownBy(() -> mcp.call(server.url(), null, "nope", Json.object(), TIMEOUT))
        .isInstanceOfSatisfying(NodeFailure.class, f -> assertThat(f.code()).isEqualTo("mcp.error"));
    assertThat(server.authorizations).allMatch(String::isEmpty);
  }

  @Test
  void aServerThatDoesNotAnswerIsUnavailableAndRetryable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    StreamableMcpServers mcp = new StreamableMcpServers(null, LOOPBACK);

    assertThatThrownBy(() -> mcp.list("http://127.0.0.1:" + port + "/mcp", null, Duration.ofSeconds(3)))
        .isInstanceOfSatisfying(NodeFailure.class, f -> {
          assertThat(f.code()).isEqualTo("mcp.unavailable");
          assertThat(f.retryable()).isTrue();
        });
  }

  @Test
  void aBlockedAddressAnUnknownAndAnUnsupportedCredentialFailBeforeAnythingIsSent() {
    assertThatThrownBy(() -> new StreamableMcpServers(null, OutboundGuard.DEFAULT).list(server.url(), null, TIMEOUT))
        .isInstanceOfSatisfying(NodeFailure.class, f -> assertThat(f.code()).isEqualTo("mcp.blocked_address"));
    assertThatThrownBy(() -> new StreamableMcpServers(null, LOOPBACK).list(server.url(), "key", TIMEOUT))
        .isInstanceOfSatisfying(NodeFailure.class, f -> assertThat(f.code()).isEqualTo("credential.unknown"));
    assertThatThrownBy(() -> new StreamableMcpServers(resolver("apiKey", "{\"in\": \"query\", \"name\": \"k\", \"value\": \"v\"}"),
        LOOPBACK).list(server.url(), "key", TIMEOUT))
        .isInstanceOfSatisfying(NodeFailure.class, f -> assertThat(f.code()).isEqualTo("credential.unsupported"));
    assertThat(server.authorizations).isEmpty();
  }
}
