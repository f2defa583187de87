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
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Console sign-in through an OIDC provider's login page, against a fake provider (a JDK HttpServer serving
 * discovery, the JWK set, an authorization endpoint that "logs in" at once and redirects back with a code,
 * and a token endpoint that checks the code, its redirect URI and the PKCE verifier and answers with
 * tokens signed here).
 */
@ExtendWith(OutputCaptureExtension.class)
class OidcSignInApiTest extends ServiceTestSupport {
  static final String CLIENT = "weft-console";
  static final String AUDIENCE = "weft-api";
  static final RSAKey KEY = rsa("k1");
  static final RSAKey OTHER = rsa("k2");
  static final Map<String, Grant> GRANTS = new ConcurrentHashMap<>();
  static final HttpServer PROVIDER = provider();
  static final String ISSUER = "http://127.0.0.1:" + PROVIDER.getAddress().getPort() + "/realms/weft";

  /** What the token endpoint issues next: changes to the access token and the ID token, and the ID token's key. */
  static volatile Consumer<JWTClaimsSet.Builder> accessChange = c -> { };
  static volatile Consumer<JWTClaimsSet.Builder> idChange = c -> { };
  static volatile RSAKey idKey = KEY;
  static volatile String lastAccessToken;
  static volatile String lastIdToken;

  /** One authorization request as the provider saw it; {@code used} once its code was redeemed. */
  record Grant(Map<String, String> request, boolean used) {}

  @Autowired JdbcClient jdbc;

  @DynamicPropertySource
  static void oidc(DynamicPropertyRegistry r) {
    r.add("weft.security.jwt.issuer-uri", () -> ISSUER);
    r.add("weft.security.jwt.audiences", () -> AUDIENCE);
    r.add("weft.console.oidc.client-id", () -> CLIENT);
    r.add("weft.console.oidc.display-name", () -> "Example IdP");
  }

  @AfterAll
  static void stop() {
    PROVIDER.stop(0);
  }

  @BeforeEach
  void reset() {
    accessChange = c -> { };
    idChange = c -> { };
    idKey = KEY;
  }

  // ---- the fake provider ----------------------------------------------------------------------------------

  private static RSAKey rsa(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpServer provider() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/realms/weft/.well-known/openid-configuration", ex -> {
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/weft";
        reply(ex, 200, "{\"issuer\":\"" + base + "\",\"authorization_endpoint\":\"" + base + "/auth\",\"token_endpoint\":\"" + base
            + "/token\",\"jwks_uri\":\"" + base + "/jwks\",\"response_types_supported\":[\"code\"],\"subject_types_supported\":[\"public\"],"
            + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}");
      });
      server.createContext("/realms/weft/jwks", ex -> reply(ex, 200, new JWKSet(KEY.toPublicJWK()).toString()));
      server.createContext("/realms/weft/auth", ex -> {
        Map<String, String> q = params(ex.getRequestURI().getRawQuery());
        if (!CLIENT.equals(q.get("client_id")) || !"code".equals(q.get("response_type"))) {
          reply(ex, 400, "{\"error\":\"invalid_request\"}");
          return;
        }
        String code = "code-" + java.util.UUID.randomUUID();
        GRANTS.put(code, new Grant(q, false));
        ex.getResponseHeaders().add("Location", q.get("redirect_uri") + "?code=" + code + "&state=" + q.get("state"));
        ex.sendResponseHeaders(302, -1);
        ex.close();
      });
      server.createContext("/realms/weft/token", ex -> {
        Map<String, String> f = params(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Grant g = f.get("code") == null ? null : GRANTS.get(f.get("code"));
        if (!"authorization_code".equals(f.get("grant_type")) || g == null || g.used() || !CLIENT.equals(f.get("client_id"))
            || !g.request().get("redirect_uri").equals(f.get("redirect_uri"))
            || !g.request().get("code_challenge").equals(s256(f.get("code_verifier")))) {
          reply(ex, 400, "{\"error\":\"invalid_grant\"}");
          return;
        }
        GRANTS.put(f.get("code"), new Grant(g.request(), true));
        String access = sign(KEY, claims(AUDIENCE, Duration.ofMinutes(5), accessChange));
        String nonce = g.request().get("nonce");
        String id = sign(idKey, claims(CLIENT, Duration.ofMinutes(10), c -> idChange.accept(c.claim("nonce", nonce))));
        lastAccessToken = access;
        lastIdToken = id;
        reply(ex, 200, "{\"access_token\":\"" + access + "\",\"id_token\":\"" + id + "\",\"token_type\":\"Bearer\",\"expires_in\":300}");
      });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JWTClaimsSet.Builder claims(String audience, Duration life, Consumer<JWTClaimsSet.Builder> change) {
    Instant now = Instant.now();
    JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().issuer(ISSUER).audience(audience).subject("alice")
        .claim("roles", List.of("editor")).claim("tenant", "default").issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(life)));
    change.accept(c);
    return c;
  }

  private static String sign(RSAKey key, JWTClaimsSet.Builder claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").type(JOSEObjectType.JWT).build(), claims.build());
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String s256(String verifier) {
    if (verifier == null) return "";
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  private static Map<String, String> params(String raw) {
    Map<String, String> m = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) return m;
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) m.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return m;
  }

  // ---- the browser's side -----------------------------------------------------------------------------------

  /** The sign-in up to the provider's redirect back: the pending cookie, the authorization request and the callback URL. */
  private record Begun(String pendingCookie, URI authorize, URI callback) {}

  private Begun begin() {
    Response start = anonymous().get("/api/session/oidc/start");
    assertThat(start.status()).as(start.text()).isEqualTo(302);
    URI authorize = URI.create(start.header("Location"));
    assertThat(authorize.toString()).startsWith(ISSUER + "/auth?");
    String setCookie = start.header("Set-Cookie");
    assertThat(setCookie).startsWith("weft_oidc=").contains("HttpOnly").contains("SameSite=Lax").contains("Path=/api/session/oidc")
        .contains("Max-Age=600");
    Response atProvider = send(HttpRequest.newBuilder(authorize).GET(), null);
    assertThat(atProvider.status()).as(atProvider.text()).isEqualTo(302);
    return new Begun(setCookie.substring(0, setCookie.indexOf(';')), authorize, URI.create(atProvider.header("Location")));
  }

  private Response callback(URI url, String cookie) {
    HttpRequest.Builder b = HttpRequest.newBuilder(url).GET();
    if (cookie != null) b.header("Cookie", cookie);
    return send(b, null);
  }

  private static List<String> setCookies(Response r) {
    return r.headers().allValues("Set-Cookie");
  }

  private static void assertRefused(Response r, String code) {
    assertThat(r.status()).as(r.text()).isEqualTo(302);
    assertThat(r.header("Location")).isEqualTo("/#/signin?error=" + code);
    assertThat(setCookies(r)).noneMatch(c -> c.startsWith("weft_session=") && !c.startsWith("weft_session=;"));
    assertThat(r.text()).isEmpty();
  }

  private static URI withQuery(URI callback, String query) {
    String s = callback.toString();
    return URI.create(s.substring(0, s.indexOf('?') + 1) + query);
  }

  // ---- tests ------------------------------------------------------------------------------------------------

  @Test
  void theSignInPageLearnsTheProvidersNameWithoutAKey() {
    Response info = anonymous().get("/api/session/oidc");
    assertThat(info.status()).as(info.text()).isEqualTo(200);
    assertThat(info.json().get("displayName").stringValue()).isEqualTo("Example IdP");
  }

  @Test
  void signingInThroughTheProviderStartsASessionThatWorks(CapturedOutput output) {
    Begun b = begin();
    Map<String, String> request = params(b.authorize().getRawQuery());
    assertThat(request).containsEntry("client_id", CLIENT).containsEntry("response_type", "code")
        .containsEntry("scope", "openid profile email").containsEntry("code_challenge_method", "S256")
        .containsEntry("redirect_uri", "http://127.0.0.1:" + port + "/api/session/oidc/callback");
    assertThat(request.get("state")).hasSize(43);
    assertThat(request.get("nonce")).hasSize(43).isNotEqualTo(request.get("state"));
    assertThat(request.get("code_challenge")).hasSize(43);
    // The verifier stays with the browser's HttpOnly cookie, never in the URL the provider sees.
    assertThat(b.authorize().toString()).doesNotContain(b.pendingCookie().split("\\.")[2]);

    Response cb = callback(b.callback(), b.pendingCookie());
    assertThat(cb.status()).as(cb.text()).isEqualTo(302);
    assertThat(cb.header("Location")).isEqualTo("/#/workflows");
    String session = setCookies(cb).stream().filter(c -> c.startsWith("weft_session=")).findFirst().orElseThrow();
    assertThat(session).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
    long maxAge = Long.parseLong(session.replaceAll(".*Max-Age=(\\d+).*", "$1"));
    assertThat(maxAge).as("no longer than the access token (5 min)").isBetween(200L, 300L);
    assertThat(setCookies(cb)).anyMatch(c -> c.startsWith("weft_oidc=;") && c.contains("Max-Age=0"));
    String cookie = session.substring(0, session.indexOf(';'));

    Response me = send(HttpRequest.newBuilder(uri("/api/session")).header("Cookie", cookie).GET(), null);
    assertThat(me.status()).as(me.text()).isEqualTo(200);
    assertThat(me.json().get("principal").stringValue()).isEqualTo("alice");
    assertThat(me.json().get("roles").get(0).stringValue()).isEqualTo("editor");
    assertThat(me.json().get("tenant").stringValue()).isEqualTo("default");
    assertThat(Instant.parse(me.json().get("expiresAt").stringValue()))
        .isBeforeOrEqualTo(Instant.now().plus(Duration.ofMinutes(5)).plusSeconds(2));
    assertThat(send(HttpRequest.newBuilder(uri("/api/workflows")).header("Cookie", cookie).GET(), null).status()).isEqualTo(200);
    // Changes still need the session's CSRF token.
    Response noCsrf = send(HttpRequest.newBuilder(uri("/api/session")).header("Cookie", cookie).DELETE(), null);
    assertThat(noCsrf.status()).isEqualTo(403);
    assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE principal = 'alice' AND action = 'session.start'").query(Integer.class).single())
        .isPositive();
    String code = params(b.callback().getRawQuery()).get("code");
    assertThat(output.getAll()).contains("OIDC sign-in of alice").doesNotContain(lastAccessToken).doesNotContain(lastIdToken)
        .doesNotContain(code).doesNotContain(b.pendingCookie().substring("weft_oidc=".length()));
  }

  @Test
  void aStateOfAnotherSignInOrNoPendingCookieIsRefused() {
    Begun mine = begin();
    Begun other = begin();
    // The callback of another sign-in (e.g. an attacker's, pushed to this browser) does not match this browser's cookie.
    assertRefused(callback(other.callback(), mine.pendingCookie()), "oidc.state");
    assertRefused(callback(mine.callback(), null), "oidc.state");
    String code = params(mine.callback().getRawQuery()).get("code");
    assertRefused(callback(withQuery(mine.callback(), "code=" + code + "&state=forged"), mine.pendingCookie()), "oidc.state");
    assertThat(GRANTS.get(code).used()).as("no code was exchanged").isFalse();
  }

  @Test
  void aCodeCannotBeUsedTwice() {
    Begun b = begin();
    assertThat(callback(b.callback(), b.pendingCookie()).header("Location")).isEqualTo("/#/workflows");
    assertRefused(callback(b.callback(), b.pendingCookie()), "oidc.exchange");
  }

  @Test
  void anIdTokenSignedWithAnotherKeyIsRefused(CapturedOutput output) {
    idKey = OTHER;
    Begun b = begin();
    assertRefused(callback(b.callback(), b.pendingCookie()), "oidc.token");
    assertThat(output.getAll()).contains("the ID token is refused: the token is malformed, or its signature does not verify");
  }

  @Test
  void anIdTokenWithAnotherNonceIsRefused() {
    idChange = c -> c.claim("nonce", "not-this-sign-ins-nonce");
    Begun b = begin();
    assertRefused(callback(b.callback(), b.pendingCookie()), "oidc.token");
  }

  @Test
  void anAccessTokenForAnotherAudienceIsRefused(CapturedOutput output) {
    accessChange = c -> c.audience("another-api");
    Begun b = begin();
    assertRefused(callback(b.callback(), b.pendingCookie()), "oidc.token");
    assertThat(output.getAll()).contains("OIDC sign-in refused (oidc.token): the access token is refused: the token is not meant for Weft")
        .doesNotContain(lastAccessToken);
  }

  @Test
  void anAccessTokenWithoutATenantIsRefusedLikeABearerToken() {
    accessChange = c -> c.claim("tenant", null);
    Begun b = begin();
    assertRefused(callback(b.callback(), b.pendingCookie()), "oidc.token");
  }

  @Test
  void theProvidersErrorGoesToTheSignInPage() {
    Begun b = begin();
    String state = params(b.callback().getRawQuery()).get("state");
    assertRefused(callback(withQuery(b.callback(), "error=access_denied&error_description=no&state=" + state), b.pendingCookie()),
        "oidc.provider_error");
  }
}
