package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.weft.security.WeftPrincipal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * JWT bearer tokens over HTTP, besides API keys: tokens signed here with an RSA key whose JWK set a local
 * server publishes; {@code weft.security.jwt.*} names that JWK set, an issuer and the audiences.
 */
@ExtendWith(OutputCaptureExtension.class)
class JwtApiTest extends ServiceTestSupport {
  static final String ISSUER = "https://idp.example.test/realms/weft";
  static final String AUDIENCE = "weft-api";
  static final RSAKey KEY = rsa("k1");
  /** Another key, published under no kid and never trusted. */
  static final RSAKey OTHER = rsa("k2");
  static final AtomicInteger JWKS_FETCHES = new AtomicInteger();
  static final HttpServer JWKS = jwks();

  @Autowired JdbcClient jdbc;

  /** A token's tenant must exist: the tests' tokens name "acme". */
  @org.junit.jupiter.api.BeforeEach
  void acmeExists() {
    jdbc.sql("INSERT INTO tenants (id, name, created_by) VALUES ('acme', 'Acme', 'test') ON CONFLICT (id) DO NOTHING").update();
  }

  @DynamicPropertySource
  static void jwt(DynamicPropertyRegistry r) {
    r.add("weft.security.jwt.jwk-set-uri", () -> "http://127.0.0.1:" + JWKS.getAddress().getPort() + "/jwks");
    r.add("weft.security.jwt.issuer", () -> ISSUER);
    r.add("weft.security.jwt.audiences", () -> AUDIENCE + ",other-api");
  }

  @AfterAll
  static void stop() {
    JWKS.stop(0);
  }

  /** Echoes who the request is: proves the principal a token becomes, as every controller sees it. */
  @TestConfiguration
  static class WhoAmI {
    @Bean
    WhoAmIController whoAmIController() {
      return new WhoAmIController();
    }
  }

  @RestController
  static class WhoAmIController {
    @GetMapping("/api/test-whoami")
    Map<String, Object> whoami(@AuthenticationPrincipal WeftPrincipal p) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", p.id());
      m.put("roles", p.roles());
      m.put("groups", p.groups());
      m.put("tenant", p.tenant());
      return m;
    }
  }

  private static RSAKey rsa(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpServer jwks() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      byte[] body = new JWKSet(KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
      server.createContext("/jwks", exchange -> {
        JWKS_FETCHES.incrementAndGet();
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A good token for {@code sub}, changed by {@code change}. */
  static String token(String sub, Object roles, Consumer<JWTClaimsSet.Builder> change) {
    return token(KEY, sub, roles, change);
  }

  static String token(RSAKey key, String sub, Object roles, Consumer<JWTClaimsSet.Builder> change) {
    Instant now = Instant.now();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(List.of(AUDIENCE, "account"))
        .subject(sub).claim("roles", roles).claim("groups", List.of("finance", "/not a group"))
        .claim("tenant", "default").issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
    change.accept(claims);
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
          claims.build());
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String token(String sub, Object roles) {
    return token(sub, roles, c -> { });
  }

  private static void assertInvalidToken(Response r, String token) {
    assertThat(r.status()).as(r.text()).isEqualTo(401);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("code").stringValue()).isEqualTo("auth.invalid_token");
    assertThat(r.json().at("/errors/0/path").stringValue()).isEqualTo("header.Authorization");
    assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer error=\"invalid_token\"");
    assertThat(r.text()).doesNotContain(token).doesNotContain(token.substring(token.lastIndexOf('.') + 1))
        .doesNotContainIgnoringCase("nimbus").doesNotContainIgnoringCase("exception").doesNotContain("127.0.0.1");
  }

  @Test
  void aValidTokenIsAPrincipalWithItsRolesGroupsAndTenant(CapturedOutput output) {
    String admin = token("alice@example.com", List.of("admin", "superuser"), c -> c.claim("tenant", "acme"));
    Response me = as(admin).get("/api/test-whoami");
    assertThat(me.status()).as(me.text()).isEqualTo(200);
    assertThat(me.json().get("id").stringValue()).isEqualTo("alice@example.com");
    assertThat(me.json().get("roles").valueStream().map(JsonNode::stringValue).toList()).containsExactly("admin");
    assertThat(me.json().get("groups").valueStream().map(JsonNode::stringValue).toList()).containsExactly("finance");
    assertThat(me.json().get("tenant").stringValue()).isEqualTo("acme");

    // Roles as a space-separated string, as some providers write scopes.
    Response viewer = as(token("bob", "viewer offline_access")).get("/api/test-whoami");
    assertThat(viewer.json().get("roles").valueStream().map(JsonNode::stringValue).toList()).containsExactly("viewer");
    assertThat(viewer.json().get("tenant").stringValue()).isEqualTo("default");
    assertThat(output.getAll()).doesNotContain(admin);
  }

  @Test
  void anAdminTokenManagesKeysAndTheAuditLogNamesItsPrincipal(CapturedOutput output) {
    String admin = token("carol", List.of("admin"));
    assertThat(as(admin).get("/api/keys").status()).isEqualTo(200);
    Response created = as(admin).post("/api/keys", "{\"principal\": \"robot\", \"roles\": [\"viewer\"]}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    String id = created.json().get("id").stringValue();
    assertThat(get("/api/keys/" + id).json().get("createdBy").stringValue()).isEqualTo("carol");
    assertThat(jdbc.sql("SELECT principal FROM audit_log WHERE target_type = 'api_key' AND target_id = :id AND action = 'key.create'")
        .param("id", id).query(String.class).single()).isEqualTo("carol");
    // The key the token made works too, on the same header.
    assertThat(as(created.json().get("key").stringValue()).get("/api/workflows").status()).isEqualTo(200);
    assertThat(output.getAll()).doesNotContain(admin);
  }

  @Test
  void apiKeysStillWorkBesideTokens() {
    assertThat(get("/api/keys").status()).as("the admin key").isEqualTo(200);
    String viewer = createKey("vera", "viewer");
    assertThat(as(viewer).get("/api/workflows").status()).isEqualTo(200);
    Response wrong = as("weft_this-key-was-never-issued-canary-0002").get("/api/workflows");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.json().get("code").stringValue()).as("a key is never taken for a token").isEqualTo("auth.invalid");
  }

  @Test
  void rolesRuleTokensAsTheyRuleKeys() {
    String viewer = token("victor", List.of("viewer"));
    assertThat(as(viewer).get("/api/workflows").status()).isEqualTo(200);
    Response post = as(viewer).post("/api/workflows", definition("examples/hello.json", uniqueId("jwt-viewer")));
    assertThat(post.status()).as(post.text()).isEqualTo(403);
    assertThat(post.contentType()).startsWith("application/problem+json");
    assertThat(post.json().get("code").stringValue()).isEqualTo("auth.forbidden");
    assertThat(post.header("WWW-Authenticate")).isNull();

    String editor = token("edith", "editor");
    assertThat(as(editor).post("/api/workflows", definition("examples/hello.json", uniqueId("jwt-editor"))).status()).isEqualTo(201);

    // A good token that grants no Weft role is authenticated but may do nothing that needs one.
    Response none = as(token("nora", List.of("superuser", "Admin"))).get("/api/workflows");
    assertThat(none.status()).as(none.text()).isEqualTo(403);
    assertThat(none.json().get("code").stringValue()).isEqualTo("auth.forbidden");
  }

  @Test
  void expiredOrNotYetValidTokensAre401() {
    Instant now = Instant.now();
    String expired = token("eve", List.of("admin"), c -> c.issueTime(Date.from(now.minus(Duration.ofHours(1))))
        .expirationTime(Date.from(now.minus(Duration.ofMinutes(5)))));
    assertInvalidToken(as(expired).get("/api/workflows"), expired);
    assertThat(as(expired).get("/api/workflows").json().get("detail").stringValue()).contains("expired");
    String early = token("eve", List.of("admin"), c -> c.notBeforeTime(Date.from(now.plus(Duration.ofMinutes(10)))));
    assertInvalidToken(as(early).get("/api/workflows"), early);
    String forever = token("eve", List.of("admin"), c -> c.expirationTime(null));
    assertInvalidToken(as(forever).get("/api/workflows"), forever);
    // Within the clock skew (60s) a just-expired token still passes.
    String justExpired = token("eve", List.of("admin"), c -> c.issueTime(Date.from(now.minus(Duration.ofMinutes(5))))
        .expirationTime(Date.from(now.minus(Duration.ofSeconds(20)))));
    Response skewed = as(justExpired).get("/api/workflows");
    assertThat(skewed.status()).as(skewed.text()).isEqualTo(200);
  }

  @Test
  void anotherIssuerOrAudienceIs401() {
    String issuer = token("mallory", List.of("admin"), c -> c.issuer("https://evil.example.test/"));
    assertInvalidToken(as(issuer).get("/api/workflows"), issuer);
    assertThat(as(issuer).get("/api/workflows").json().get("detail").stringValue()).contains("issuer");
    String noIssuer = token("mallory", List.of("admin"), c -> c.issuer(null));
    assertInvalidToken(as(noIssuer).get("/api/workflows"), noIssuer);
    String audience = token("mallory", List.of("admin"), c -> c.audience("some-other-app"));
    assertInvalidToken(as(audience).get("/api/workflows"), audience);
    assertThat(as(audience).get("/api/workflows").json().get("detail").stringValue()).contains("audience");
    String noAudience = token("mallory", List.of("admin"), c -> c.audience((String) null));
    assertInvalidToken(as(noAudience).get("/api/workflows"), noAudience);
    // Any one of the audiences will do.
    assertThat(as(token("otto", List.of("viewer"), c -> c.audience("other-api"))).get("/api/workflows").status()).isEqualTo(200);
  }

  @Test
  void aTokenWithoutTenantOrPrincipalIs401() {
    String noTenant = token("tom", List.of("admin"), c -> c.claim("tenant", null));
    assertInvalidToken(as(noTenant).get("/api/workflows"), noTenant);
    assertThat(as(noTenant).get("/api/workflows").json().get("detail").stringValue()).contains("tenant");
    String badTenant = token("tom", List.of("admin"), c -> c.claim("tenant", "Acme Corp"));
    assertInvalidToken(as(badTenant).get("/api/workflows"), badTenant);
    String ghostTenant = token("tom", List.of("admin"), c -> c.claim("tenant", "ghost"));
    assertInvalidToken(as(ghostTenant).get("/api/workflows"), ghostTenant);
    assertThat(as(ghostTenant).get("/api/workflows").json().get("detail").stringValue()).contains("does not exist or is disabled");
    String listTenant = token("tom", List.of("admin"), c -> c.claim("tenant", List.of("acme")));
    assertInvalidToken(as(listTenant).get("/api/workflows"), listTenant);
    String noSub = token(null, List.of("admin"));
    assertInvalidToken(as(noSub).get("/api/workflows"), noSub);
    String system = token("system", List.of("admin"));
    assertInvalidToken(as(system).get("/api/workflows"), system);
  }

  @Test
  void badSignaturesUnknownKeysAndMalformedTokensAre401() {
    // Signed with a key the provider does not publish, under the trusted key's kid: the signature fails.
    String forged = token(OTHER, "mallory", List.of("admin"), c -> { });
    String forgedKid = forged.replaceFirst("^[^.]+", token("x", List.of()).split("\\.")[0]);
    assertInvalidToken(as(forgedKid).get("/api/workflows"), forgedKid);
    // Under its own kid: no such key.
    assertInvalidToken(as(forged).get("/api/workflows"), forged);
    // A good token with its claims changed after signing.
    String good = token("mallory", List.of("viewer"));
    String[] parts = good.split("\\.");
    String claims = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("viewer", "admin");
    String tampered = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8))
        + "." + parts[2];
    assertInvalidToken(as(tampered).get("/api/keys"), tampered);
    // Unsigned ("alg": "none") and malformed payloads.
    String none = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
        + "." + parts[1] + ".c2ln";
    assertInvalidToken(as(none).get("/api/workflows"), none);
    String garbage = parts[0] + ".bm90LWpzb24." + parts[2];
    assertInvalidToken(as(garbage).get("/api/workflows"), garbage);
  }

  @Test
  void theProvidersKeysAreCachedNotFetchedPerRequest() {
    String viewer = token("cache", List.of("viewer"));
    assertThat(as(viewer).get("/api/workflows").status()).isEqualTo(200);
    int fetched = JWKS_FETCHES.get();
    assertThat(fetched).isPositive();
    for (int i = 0; i < 5; i++) assertThat(as(token("cache-" + i, List.of("viewer"))).get("/api/workflows").status()).isEqualTo(200);
    assertThat(JWKS_FETCHES.get()).isEqualTo(fetched);
  }

  @Test
  void healthShowsDetailsToAnAdminToken() {
    assertThat(anonymous().get("/actuator/health").json().has("components")).isFalse();
    Response admin = as(token("hank", List.of("admin"))).get("/actuator/health");
    assertThat(admin.json().has("components")).isTrue();
    String expired = token("hank", List.of("admin"), c -> c.issueTime(Date.from(Instant.now().minus(Duration.ofHours(2)))).expirationTime(Date.from(Instant.now().minus(Duration.ofHours(1)))));
    Response anonymousAgain = as(expired).get("/actuator/health");
    assertThat(anonymousAgain.status()).isEqualTo(200);
    assertThat(anonymousAgain.json().has("components")).isFalse();
  }
}
