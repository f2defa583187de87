package dev.weft.node.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.weft.node.NodeHarness.harness;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.weft.TestRegistries;
import dev.weft.definition.Json;
import dev.weft.node.CredentialResolver;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeRegistry;
import dev.weft.node.NodeType;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the {@code http} node applies each credential type, that an unknown one fails without a call, and
 * that a redirect to another origin does not carry the credential along.
 */
class HttpCredentialTest {
  private static WireMockServer server;
  private static WireMockServer other;
  private static NodeRegistry registry;

  private static final Map<String, CredentialResolver.Secret> SECRETS = Map.of(
      "basic", new CredentialResolver.Secret("basic", "basic", Json.parse("{\"username\": \"ada\", \"password\": \"pw-1234\"}")),
      "headers", new CredentialResolver.Secret("headers", "header",
          Json.parse("{\"headers\": {\"X-Api-Key\": \"k-5678\", \"X-Tenant\": \"t-9\"}}")),
      "key", new CredentialResolver.Secret("key", "apiKey", Json.parse("{\"name\": \"X-Key\", \"in\": \"header\", \"value\": \"v-4321\"}")),
      "token", new CredentialResolver.Secret("token", "bearer", Json.parse("{\"token\": \"tok-8765\"}")));

  @BeforeAll
  static void start() {
    server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    other = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    server.start();
    other.start();
    List<NodeType<?>> types = new ArrayList<>(TestRegistries.builtins().stream().filter(t -> !t.id().equals("http")).toList());
    types.add(new HttpNode(TestRegistries.LOCAL_HTTP, (name, ctx) -> Optional.ofNullable(SECRETS.get(name))));
    registry = new NodeRegistry(types);
  }

  @AfterAll
  static void stop() {
    server.stop();
    other.stop();
  }

  @BeforeEach
  void reset() {
    server.resetAll();
    other.resetAll();
    server.stubFor(get(urlPathEqualTo("/x")).willReturn(aResponse().withBody("ok")));
    other.stubFor(get(urlPathEqualTo("/y")).willReturn(aResponse().withBody("moved")));
  }

  private LoggedRequest callWith(String credential) {
    harness(registry).run("http", "{\"url\": \"http://127.0.0.1:%d/x\", \"auth\": {\"credential\": \"%s\"}}"
        .formatted(server.port(), credential));
    return server.getAllServeEvents().getFirst().getRequest();
  }

  @Test
  void eachCredentialTypeIsAppliedToTheRequest() {
    assertThat(callWith("basic").getHeader("Authorization"))
        .isEqualTo("Basic " + Base64.getEncoder().encodeToString("ada:pw-1234".getBytes()));
    server.resetRequests();
    LoggedRequest h = callWith("headers");
    assertThat(h.getHeader("X-Api-Key")).isEqualTo("k-5678");
    assertThat(h.getHeader("X-Tenant")).isEqualTo("t-9");
    server.resetRequests();
    assertThat(callWith("key").getHeader("X-Key")).isEqualTo("v-4321");
    server.resetRequests();
    assertThat(callWith("token").getHeader("Authorization")).isEqualTo("Bearer tok-8765");
  }

  @Test
  void anUnknownCredentialFailsWithoutACall() {
    NodeFailure f = harness(registry).failure("http", "{\"url\": \"http://127.0.0.1:%d/x\", \"auth\": {\"credential\": \"nope\"}}"
        .formatted(server.port()));
    assertThat(f.code()).isEqualTo("credential.unknown");
    assertThat(f.retryable()).isFalse();
    assertThat(server.getAllServeEvents()).isEmpty();
  }

  @Test
  void aRedirectToAnotherOriginDoesNotCarryTheCredential() {
    server.stubFor(get(urlPathEqualTo("/go")).willReturn(aResponse().withStatus(302)
        .withHeader("Location", "http://127.0.0.1:%d/y".formatted(other.port()))));
    harness(registry).run("http", "{\"url\": \"http://127.0.0.1:%d/go\", \"auth\": {\"credential\": \"headers\"}}"
        .formatted(server.port()));
    assertThat(server.getAllServeEvents().getFirst().getRequest().getHeader("X-Api-Key")).isEqualTo("k-5678");
    LoggedRequest moved = other.getAllServeEvents().getFirst().getRequest();
    assertThat(moved.containsHeader("X-Api-Key")).isFalse();
    assertThat(moved.containsHeader("X-Tenant")).isFalse();
  }
}
