package dev.weft.node.agent;

import dev.weft.definition.Json;
import dev.weft.node.CredentialResolver;
import dev.weft.node.NodeFailure;
import dev.weft.node.http.CredentialAuth;
import dev.weft.node.http.OutboundGuard;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * {@link McpServers} over the MCP Java SDK's streamable-HTTP client (the SDK Spring AI's MCP module uses). One
 * client session per list or call: opened (initialize), used, closed; nothing is kept between activities. The
 * server's host passes the {@link OutboundGuard} before anything is sent, redirects are not followed, and a
 * credential's secrets are redacted from every message that leaves.
 */
public final class StreamableMcpServers implements McpServers {
  /** The most {@code tools/list} pages read from one server. */
  static final int MAX_PAGES = 20;
  static final String BLOCKED = "mcp.blocked_address";
  static final String UNAVAILABLE = "mcp.unavailable";
  static final String ERROR = "mcp.error";

  private final CredentialResolver credentials;
  private final OutboundGuard guard;

  public StreamableMcpServers(CredentialResolver credentials, OutboundGuard guard) {
    this.credentials = credentials == null ? CredentialResolver.NONE : credentials;
    this.guard = guard == null ? OutboundGuard.DEFAULT : guard;
  }

  @Override
  public List<Tool> list(String server, String credential, Duration timeout) {
    return session(server, credential, timeout, client -> {
      List<Tool> out = new ArrayList<>();
      String cursor = null;
      for (int page = 0; page < MAX_PAGES; page++) {
        McpSchema.ListToolsResult r = cursor == null ? client.listTools() : client.listTools(cursor);
        for (McpSchema.Tool t : r.tools()) {
          Map<String, Object> schema = t.inputSchema() == null ? Map.of("type", "object") : t.inputSchema();
          out.add(new Tool(t.name(), t.description(), Json.MAPPER.valueToTree(schema)));
        }
        cursor = r.nextCursor();
        if (cursor == null || cursor.isEmpty()) break;
      }
      return out;
    });
  }

  @Override
  @SuppressWarnings("unchecked")
  public Result call(String server, String credential, String tool, JsonNode arguments, Duration timeout) {
    Map<String, Object> args = arguments == null ? Map.of() : Json.MAPPER.convertValue(arguments, Map.class);
    return session(server, credential, timeout, client -> {
      McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest(tool, args));
      StringBuilder text = new StringBuilder();
      if (r.content() != null) {
        for (McpSchema.Content c : r.content()) {
          if (!text.isEmpty()) text.append('\n');
          text.append(c instanceof McpSchema.TextContent t ? t.text() : "[" + c.type() + " content]");
        }
      }
      if (text.isEmpty() && r.structuredContent() != null) {
        text.append(Json.MAPPER.writeValueAsString(Json.MAPPER.valueToTree(r.structuredContent())));
      }
      return new Result(text.toString(), Boolean.TRUE.equals(r.isError()));
    });
  }

  private <T> T session(String server, String credential, Duration timeout, Function<McpSyncClient, T> use) {
    URI uri = URI.create(server);
    try {
      guard.resolve(uri.getHost());
    } catch (OutboundGuard.BlockedAddressException e) {
      throw new NodeFailure(BLOCKED, "MCP server " + server + ": " + e.getMessage(), false);
    } catch (UnknownHostException e) {
      throw new NodeFailure(UNAVAILABLE, "MCP server " + server + ": cannot resolve host '" + uri.getHost() + "'", true);
    }
    CredentialAuth auth = credential == null ? null : auth(credential);
    String base = uri.getScheme() + "://" + uri.getRawAuthority();
    String endpoint = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport.builder(base)
        .endpoint(endpoint)
        .clientBuilder(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER))
        .connectTimeout(timeout)
        .openConnectionOnStartup(false);
    if (auth != null) {
      transport.httpRequestCustomizer((request, method, target, body, context) -> auth.headers().forEach(request::setHeader));
    }
    McpSyncClient client = McpClient.sync(transport.build())
        .clientInfo(new McpSchema.Implementation("weft", "1"))
        .requestTimeout(timeout)
        .initializationTimeout(timeout)
        .build();
    try {
      client.initialize();
      return use.apply(client);
    } catch (McpError e) {
      throw new NodeFailure(ERROR, redact(auth, "MCP server " + server + " answered an error: " + e.getMessage()), false);
    } catch (NodeFailure f) {
      throw f;
    } catch (RuntimeException e) {
      throw new NodeFailure(UNAVAILABLE, redact(auth, "MCP server " + server + ": " + describe(e)), true);
    } finally {
      try {
        client.close();
      } catch (RuntimeException ignored) {
        // The session is over either way; a failing DELETE changes nothing for the call.
      }
    }
  }

  private CredentialAuth auth(String name) {
    CredentialResolver.Secret s = credentials.resolve(name, null)
        .orElseThrow(() -> new NodeFailure("credential.unknown", "no credential '" + name + "'", false));
    if ("oauth2ClientCredentials".equals(s.type()) || ("apiKey".equals(s.type())
        && "query".equals(s.data().path("in").asString("")))) {
      throw new NodeFailure("credential.unsupported", "credential '" + name + "' is of type " + s.type()
          + (("apiKey".equals(s.type())) ? " in the query" : "") + ", which an mcp tool cannot send (bearer, basic,"
          + " apiKey in a header or header)", false);
    }
    return CredentialAuth.of(s);
  }

  private static String redact(CredentialAuth auth, String text) {
    return auth == null ? text : auth.redact(text);
  }

  private static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null && sb.length() < 400; t = t.getCause()) {
      if (!sb.isEmpty()) sb.append(": ");
      sb.append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
      if (t.getCause() == t) break;
    }
    return sb.length() > 400 ? sb.substring(0, 400) + "…" : sb.toString();
  }
}
