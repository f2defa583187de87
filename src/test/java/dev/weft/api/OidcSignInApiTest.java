package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.security.FakeOidcProvider;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
 * Console sign-in through an OIDC provider's login page, against a {@link FakeOidcProvider} (discovery, JWK
 * set, an authorization endpoint that redirects back with a code at once, a token endpoint that checks the
 * code, its redirect URI and the PKCE verifier).
 */
@ExtendWith(OutputCaptureExtension.class)
class OidcSignInApiTest extends ServiceTestSupport {
  static final String CLIENT = "weft-console";
  static final String AUDIENCE = "weft-api";
  static final FakeOidcProvider PROVIDER = new FakeOidcProvider(CLIENT, null, AUDIENCE);
  static final String ISSUER = PROVIDER.issuer();

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
    PROVIDER.close();
  }

  @BeforeEach
  void reset() {
    PROVIDER.reset();
  }

  private static Map<String, String> params(String raw) {
    return FakeOidcProvider.params(raw);
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
    assertThat(output.getAll()).contains("OIDC sign-in of alice").doesNotContain(PROVIDER.lastAccessToken).doesNotContain(PROVIDER.lastIdToken)
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
    assertThat(PROVIDER.grants.get(code).used()).as("no code was exchanged").isFalse();
  }

  @Test
  void aCodeCannotBeUsedTwice() {
    Begun b = begin();
    assertThat(callback(b.callback(), b.pendingCookie()).header("Location")).isEqualTo("/#/workflows");
    assertRefused(callback(b.callback(), b.pendingCookie()), "oidc.exchange");
  }

  @Test
  void anIdTokenSignedWithAnotherKeyIsRefused(CapturedOutput output) {
    PROVIDER.idKey = FakeOidcProvider.OTHER;
    Begun b = begin();
    assertRefused(callback(b.callback(), b.pendingCookie()), "oidc.token");
    assertThat(output.getAll()).contains("the ID token is refused: the token is malformed, or its signature does not verify");
  }

  @Test
  void anIdTokenWithAnotherNonceIsRefused() {
    PROVIDER.idChange = c -> c.claim("nonce", "not-this-sign-ins-nonce");
    Begun b = begin();
    assertRefused(callback(b.callback(), b.pendingCookie()), "oidc.token");
  }

  @Test
  void anAccessTokenForAnotherAudienceIsRefused(CapturedOutput output) {
    PROVIDER.accessChange = c -> c.audience("another-api");
    Begun b = begin();
    assertRefused(callback(b.callback(), b.pendingCookie()), "oidc.token");
    assertThat(output.getAll()).contains("OIDC sign-in refused (oidc.token): the access token is refused: the token is not meant for Weft")
        .doesNotContain(PROVIDER.lastAccessToken);
  }

  @Test
  void anAccessTokenWithoutATenantIsRefusedLikeABearerToken() {
    PROVIDER.accessChange = c -> c.claim("tenant", null);
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
