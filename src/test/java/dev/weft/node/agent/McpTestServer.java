package dev.weft.node.agent;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;

/**
 * A real MCP server for tests: the MCP Java SDK's server with its streamable-HTTP servlet transport, in an
 * embedded Tomcat on a free loopback port, endpoint {@code /mcp}. Two tools: {@code lookup} ({@code {id}}:
 * answers {@code order <id>: shipped}; the id {@code missing} answers an error result) and
 * {@code delete_everything}. It counts the calls of each tool and keeps the Authorization header of every request.
 */
public final class McpTestServer implements AutoCloseable {
  private final Tomcat tomcat = new Tomcat();
  private final McpSyncServer server;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  /** The tool calls received, as {@code name(arguments)}. */
  public final List<String> calls = new CopyOnWriteArrayList<>();
  /** The Authorization header of every request received ("" when there was none). */
  public final List<String> authorizations = new CopyOnWriteArrayList<>();

  public McpTestServer() {
    HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
        .mcpEndpoint("/mcp")
        .contextExtractor(request -> {
          String auth = request.getHeader("Authorization");
          authorizations.add(auth == null ? "" : auth);
          return McpTransportContext.EMPTY;
        })
        .build();
    McpSchema.Tool lookup = McpSchema.Tool.builder("lookup", Map.of("type", "object",
            "properties", Map.of("id", Map.of("type", "string", "maxLength", 20)), "required", List.of("id"),
            "additionalProperties", false))
        .description("looks an order up by its id").build();
    McpSchema.Tool delete = McpSchema.Tool.builder("delete_everything", Map.of("type", "object"))
        .description("deletes every order").build();
    server = McpServer.sync(transport)
        .serverInfo("orders", "1.0")
        .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
        .tools(
            McpServerFeatures.SyncToolSpecification.builder().tool(lookup).callHandler((exchange, req) -> {
              calls.add("lookup(" + req.arguments() + ")");
              String id = String.valueOf(req.arguments().get("id"));
              return "missing".equals(id)
                  ? McpSchema.CallToolResult.builder().addTextContent("no order " + id).isError(true).build()
                  : McpSchema.CallToolResult.builder().addTextContent("order " + id + ": shipped").build();
            }).build(),
            McpServerFeatures.SyncToolSpecification.builder().tool(delete).callHandler((exchange, req) -> {
              calls.add("delete_everything(" + req.arguments() + ")");
              return McpSchema.CallToolResult.builder().addTextContent("deleted").build();
            }).build())
        .build();
    tomcat.setBaseDir(System.getProperty("java.io.tmpdir") + "/weft-mcp-" + System.nanoTime());
    tomcat.setHostname("127.0.0.1");
    tomcat.getConnector().setPort(0);
    tomcat.getConnector().setProperty("address", "127.0.0.1");
    Context context = tomcat.addContext("", null);
    Tomcat.addServlet(context, "mcp", transport).setAsyncSupported(true);
    context.addServletMappingDecoded("/*", "mcp");
    try {
      tomcat.start();
    } catch (LifecycleException e) {
      throw new IllegalStateException("the MCP test server did not start", e);
    }
  }

  /** The server's endpoint: {@code http://127.0.0.1:<port>/mcp}. */
  public String url() {
    return "http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/mcp";
  }

  /** Stops the server (again: nothing). */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    server.closeGracefully();
    try {
      tomcat.stop();
      tomcat.destroy();
    } catch (LifecycleException e) {
      throw new IllegalStateException(e);
    }
  }
}
