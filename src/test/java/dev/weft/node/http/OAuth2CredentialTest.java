package dev.weft.node.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.weft.node.NodeHarness.harness;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.weft.TestRegistries;
import dev.weft.definition.Json;
import dev.weft.node.CredentialResolver;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeRegistry;
import dev.weft.node.NodeResult;
import dev.weft.node.NodeType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code http} node with an {@code oauth2ClientCredentials} credential, against a local token endpoint:
 * the token request (RFC 6749 §4.4), caching until expiry, one refetch and retry on an upstream 401, the
 * token endpoint's failures (codes, retryability, nothing secret in them), the outbound guard, single-flight.
 */
class OAuth2CredentialTest {
  private static final String CLIENT_SECRET = "cl13nt-S3CRET-value";
  private static WireMockServer upstream;
  private static HttpServer tokenServer;
  /** What the token endpoint answers to its n-th request (from 1): status and body. */
  private static volatile Function<Integer, TokenAnswer> answer;
  private static final AtomicInteger tokenRequests = new AtomicInteger();
  private static final List<TokenRequest> seen = new CopyOnWriteArrayList<>();
  private static volatile Duration tokenDelay = Duration.ZERO;

  private record TokenAnswer(int status, String body) {}

  private record TokenRequest(String authorization, String contentType, Map<String, String> form) {}

  private final MutableClock clock = new MutableClock();
  private final Map<String, CredentialResolver.Secret> secrets = new ConcurrentHashMap<>();
  private OAuth2Tokens tokens;
  private NodeRegistry registry;

  @BeforeAll
  static void start() throws IOException {
    upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    upstream.start();
    tokenServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    tokenServer.setExecutor(Executors.newCachedThreadPool());
    tokenServer.createContext("/token", OAuth2CredentialTest::token);
    tokenServer.start();
  }

  @AfterAll
  static void stop() {
    upstream.stop();
    tokenServer.stop(0);
  }

  private static void token(HttpExchange ex) throws IOException {
    int n = tokenRequests.incrementAndGet();
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, String> form = new ConcurrentHashMap<>();
    for (String pair : body.split("&")) {
      String[] kv = pair.split("=", 2);
      form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
    }
    seen.add(new TokenRequest(ex.getRequestHeaders().getFirst("Authorization"), ex.getRequestHeaders().getFirst("Content-Type"),
        form));
    try {
      Thread.sleep(tokenDelay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    TokenAnswer a = answer.apply(n);
    byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(a.status(), out.length);
    ex.getResponseBody().write(out);
    ex.close();
  }

  /** Tokens tok-1, tok-2, ... living {@code expiresIn} seconds. */
  private static Function<Integer, TokenAnswer> issuing(int expiresIn) {
    return n -> new TokenAnswer(200, "{\"access_token\": \"tok-" + n + "-abcdef\", \"token_type\": \"Bearer\", \"expires_in\": "
        + expiresIn + "}");
  }

  private static String tok(int n) {
    return "tok-" + n + "-abcdef";
  }

  @BeforeEach
  void reset() {
    upstream.resetAll();
    tokenRequests.set(0);
    seen.clear();
    tokenDelay = Duration.ZERO;
    answer = issuing(3600);
    upstream.stubFor(get(urlPathEqualTo("/api")).willReturn(aResponse().withHeader("Content-Type", "application/json")
        .withBody("{\"ok\": true}")));
    tokens = new OAuth2Tokens(TestRegistries.LOCAL_HTTP, new OAuth2Settings(Duration.ofSeconds(30), Duration.ofMinutes(5),
        Duration.ofSeconds(5), 64 * 1024, 100), clock);
    registry = registry(TestRegistries.LOCAL_HTTP, tokens);
    secrets.put("idp", secret("idp", "v1", tokenUrl(), "basic"));
  }

  private NodeRegistry registry(HttpNodeSettings settings, OAuth2Tokens t) {
    List<NodeType<?>> types = new ArrayList<>(TestRegistries.builtins().stream().filter(x -> !x.id().equals("http")).toList());
    types.add(new HttpNode(settings, (name, ctx) -> Optional.ofNullable(secrets.get(name)), t));
    return new NodeRegistry(types);
  }

  private static String tokenUrl() {
    return "http://127.0.0.1:" + tokenServer.getAddress().getPort() + "/token";
  }

  private static CredentialResolver.Secret secret(String name, String version, String tokenUrl, String authStyle) {
    return new CredentialResolver.Secret(name, OAuth2Tokens.TYPE, Json.parse("""
        {"tokenUrl": "%s", "clientId": "weft-client", "clientSecret": "%s", "scopes": ["read", "write"],
         "audience": "https://api.example", "authStyle": "%s"}""".formatted(tokenUrl, CLIENT_SECRET, authStyle)),
        "tenant-a", version);
  }

  private String config() {
    return "{\"url\": \"http://127.0.0.1:%d/api\", \"auth\": {\"credential\": \"idp\"}}".formatted(upstream.port());
  }

  private NodeResult call() {
    return harness(registry).run("http", config());
  }

  private NodeFailure failure() {
    return harness(registry).failure("http", config());
  }

  private List<String> upstreamAuthorizations() {
    return upstream.getAllServeEvents().reversed().stream().map(e -> e.getRequest().getHeader("Authorization")).toList();
  }

  @Test
  void theTokenIsFetchedOnceAndSentAsBearerAcrossExecutions() {
    assertThat(call().output().get("status").asInt()).isEqualTo(200);
    assertThat(call().output().get("status").asInt()).isEqualTo(200);

    assertThat(tokenRequests.get()).isEqualTo(1);
    assertThat(upstreamAuthorizations()).containsExactly("Bearer " + tok(1), "Bearer " + tok(1));
    TokenRequest r = seen.getFirst();
    assertThat(r.contentType()).startsWith("application/x-www-form-urlencoded");
    assertThat(r.form()).containsEntry("grant_type", "client_credentials").containsEntry("scope", "read write")
        .containsEntry("audience", "https://api.example").doesNotContainKeys("client_id", "client_secret");
    assertThat(r.authorization()).isEqualTo("Basic "
        + Base64.getEncoder().encodeToString(("weft-client:" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void authStyleBodySendsTheClientInTheForm() {
    secrets.put("idp", secret("idp", "v1", tokenUrl(), "body"));
    call();
    TokenRequest r = seen.getFirst();
    assertThat(r.authorization()).isNull();
    assertThat(r.form()).containsEntry("client_id", "weft-client").containsEntry("client_secret", CLIENT_SECRET);
  }

  @Test
  void anExpiredTokenIsFetchedAgainAMarginBeforeItsExpiry() {
    answer = issuing(120);
    call();
    clock.advance(Duration.ofSeconds(89)); // 120 s less the 30 s margin: still good for a second
    call();
    assertThat(tokenRequests.get()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(2));
    call();
    assertThat(tokenRequests.get()).isEqualTo(2);
    assertThat(upstreamAuthorizations()).containsExactly("Bearer " + tok(1), "Bearer " + tok(1), "Bearer " + tok(2));
  }

  @Test
  void aNewCredentialVersionOrAForgottenCredentialGetsANewToken() {
    call();
    secrets.put("idp", secret("idp", "v2", tokenUrl(), "basic"));
    call();
    assertThat(tokenRequests.get()).isEqualTo(2);
    tokens.forget("tenant-a", "idp");
    assertThat(tokens.size()).isZero();
    call();
    assertThat(tokenRequests.get()).isEqualTo(3);
    // Another tenant's credential of the same name is another token.
    tokens.forget("tenant-b", "idp");
    call();
    assertThat(tokenRequests.get()).isEqualTo(3);
  }

  @Test
  void anUpstream401RefetchesTheTokenAndRetriesOnce() {
    upstream.stubFor(get(urlPathEqualTo("/api")).withHeader("Authorization", equalTo("Bearer " + tok(1)))
        .atPriority(1).willReturn(aResponse().withStatus(401)));
    NodeResult r = call();
    assertThat(r.output().get("status").asInt()).isEqualTo(200);
    assertThat(tokenRequests.get()).isEqualTo(2);
    assertThat(upstreamAuthorizations()).containsExactly("Bearer " + tok(1), "Bearer " + tok(2));
    // The new token is the cached one now.
    call();
    assertThat(tokenRequests.get()).isEqualTo(2);
  }

  @Test
  void aSecond401FailsWithoutLooping() {
    upstream.stubFor(get(urlPathEqualTo("/api")).atPriority(1).willReturn(aResponse().withStatus(401)
        .withBody("rejected")));
    NodeFailure f = failure();
    assertThat(f.code()).isEqualTo("http.status");
    assertThat(f.retryable()).isFalse();
    assertThat(tokenRequests.get()).isEqualTo(2);
    upstream.verify(2, getRequestedFor(urlPathEqualTo("/api")));

    // failOnStatus false: the second 401 is the output, still after one retry only.
    upstream.resetRequests();
    NodeResult r = harness(registry).run("http", "{\"url\": \"http://127.0.0.1:%d/api\", \"failOnStatus\": false, \"auth\":"
        .formatted(upstream.port()) + " {\"credential\": \"idp\"}}");
    assertThat(r.output().get("status").asInt()).isEqualTo(401);
    upstream.verify(2, getRequestedFor(urlPathEqualTo("/api")));
  }

  @Test
  void tokenEndpointRefusalIsNotRetryableAndNamesNoSecretEvenWhenEchoed() {
    // The endpoint echoes the secret in every field it has, the error code included.
    answer = n -> new TokenAnswer(401, "{\"error\": \"" + CLIENT_SECRET + "\", \"error_description\": \"bad secret "
        + CLIENT_SECRET + "\", \"access_token\": \"leaked-token-123\"}");
    NodeFailure f = failure();
    assertThat(f.code()).isEqualTo("credential.token_failed");
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).contains("401").contains("idp").doesNotContain(CLIENT_SECRET).doesNotContain("leaked-token-123");
    assertThat(String.valueOf(f.details())).doesNotContain(CLIENT_SECRET);
    assertThat(upstream.getAllServeEvents()).isEmpty();

    answer = n -> new TokenAnswer(400, "{\"error\": \"invalid_scope\"}");
    f = failure();
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).contains("400 (invalid_scope)");
  }

  @Test
  void tokenEndpointOutagesAreRetryableAndNotCached() {
    answer = n -> n == 1 ? new TokenAnswer(503, "{\"error\": \"temporarily_unavailable\"}") : issuing(3600).apply(n);
    NodeFailure f = failure();
    assertThat(f.code()).isEqualTo("credential.token_failed");
    assertThat(f.retryable()).isTrue();
    assertThat(call().output().get("status").asInt()).isEqualTo(200);
    assertThat(tokenRequests.get()).isEqualTo(2);
  }

  @Test
  void unusableTokenResponsesFailWithoutRetry() {
    answer = n -> new TokenAnswer(200, "{\"token_type\": \"Bearer\"}");
    assertThat(failure().getMessage()).contains("no access_token");
    answer = n -> new TokenAnswer(200, "{\"access_token\": \"mac-token-1234\", \"token_type\": \"mac\"}");
    NodeFailure f = failure();
    assertThat(f.code()).isEqualTo("credential.token_failed");
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).contains("not a bearer token").doesNotContain("mac-token-1234");
  }

  @Test
  void anUpstreamEchoingTheTokenIsRedacted() {
    upstream.stubFor(get(urlPathEqualTo("/api")).atPriority(1).willReturn(aResponse()
        .withHeader("Content-Type", "application/json").withHeader("X-Echo", "{{request.headers.Authorization}}")
        .withBody("{\"auth\": \"{{request.headers.Authorization}}\"}").withTransformers("response-template")));
    String out = call().output().toString();
    assertThat(out).doesNotContain(tok(1)).contains(CredentialAuth.REDACTED);
  }

  @Test
  void theTokenUrlPassesTheOutboundGuard() {
    secrets.put("meta", secret("meta", "v1", "http://169.254.169.254/latest/token", "basic"));
    NodeFailure f = harness(registry).failure("http", "{\"url\": \"http://127.0.0.1:%d/api\", \"auth\": {\"credential\": \"meta\"}}"
        .formatted(upstream.port()));
    assertThat(f.code()).isEqualTo("http.blocked_address");
    assertThat(f.retryable()).isFalse();

    // With the default guard, loopback is refused: the token endpoint on 127.0.0.1 is never asked.
    HttpNodeSettings strict = HttpNodeSettings.DEFAULTS;
    NodeRegistry guarded = registry(strict, new OAuth2Tokens(strict, OAuth2Settings.DEFAULTS, clock));
    f = harness(guarded).failure("http", config());
    assertThat(f.code()).isEqualTo("http.blocked_address");
    assertThat(f.getMessage()).contains("token endpoint");
    assertThat(tokenRequests.get()).isZero();
    assertThat(upstream.getAllServeEvents()).isEmpty();
  }

  @Test
  void concurrentCallersShareOneFetch() throws Exception {
    tokenDelay = Duration.ofMillis(400);
    int callers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<String>> got = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        got.add(pool.submit(() -> {
          go.await();
          return tokens.token(secrets.get("idp"), Duration.ofSeconds(10));
        }));
      }
      go.countDown();
      for (Future<String> g : got) assertThat(g.get()).isEqualTo(tok(1));
    } finally {
      pool.shutdownNow();
    }
    assertThat(tokenRequests.get()).isEqualTo(1);
  }

  @Test
  void aTokenLivingNoLongerThanTheMarginIsUsedButNotKept() {
    answer = issuing(10);
    call();
    call();
    assertThat(tokenRequests.get()).isEqualTo(2);
    assertThat(tokens.size()).isZero();
  }

  /** A clock the test moves. */
  private static final class MutableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
