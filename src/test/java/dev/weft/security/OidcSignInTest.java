package dev.weft.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** {@link OidcSignIn} on its own against a {@link FakeOidcProvider}: what the API test cannot set up per case. */
class OidcSignInTest {
  private static final Duration S = Duration.ofSeconds(5);
  private static final URI CALLBACK = URI.create("http://127.0.0.1:1/api/session/oidc/callback");
  private static final FakeOidcProvider PROVIDER = new FakeOidcProvider("weft-console", "right-secret", "weft-api");

  @AfterAll
  static void stop() {
    PROVIDER.close();
  }

  private static OidcSignIn signIn(String issuer, String secret, Clock clock) {
    URI iss = URI.create(issuer);
    JwtPrincipals principals = new JwtPrincipals("sub", "roles", "groups", "tenant");
    return new OidcSignIn(iss, "weft-console", secret, "openid", Duration.ofMinutes(10),
        JwtTokens.decoder(iss, null, null, List.of("weft-console"), Duration.ofSeconds(60), S),
        new JwtTokenProvider(JwtTokens.decoder(iss, null, null, List.of("weft-api"), Duration.ofSeconds(60), S), principals),
        principals, S, clock);
  }

  /** Begins a sign-in and goes through the fake provider's login: the pending cookie's value and the callback's parameters. */
  private static String[] begin(OidcSignIn s) {
    OidcSignIn.Begun b = s.begin(CALLBACK);
    Map<String, String> q = FakeOidcProvider.params(b.authorizationUrl().getRawQuery());
    String code = "code-test-" + q.get("state").substring(0, 8);
    PROVIDER.grants.put(code, new FakeOidcProvider.Grant(q, false));
    return new String[] {b.cookieValue(), code, q.get("state")};
  }

  @Test
  void aConfidentialClientSignsInWithItsSecretAndNotWithAnother() {
    OidcSignIn right = signIn(PROVIDER.issuer(), "right-secret", Clock.systemUTC());
    String[] p = begin(right);
    JwtAuthentication a = right.finish(p[0], p[1], p[2], null, CALLBACK);
    assertThat(a.getPrincipal().id()).isEqualTo("alice");
    assertThat(a.expiresAt()).isBefore(Instant.now().plus(Duration.ofMinutes(6)));

    OidcSignIn wrong = signIn(PROVIDER.issuer(), "wrong-secret", Clock.systemUTC());
    String[] q = begin(wrong);
    assertThatThrownBy(() -> wrong.finish(q[0], q[1], q[2], null, CALLBACK))
        .isInstanceOfSatisfying(OidcSignIn.Failure.class, f -> assertThat(f.code()).isEqualTo("oidc.exchange"))
        .hasMessageContaining("HTTP 401").hasMessageNotContaining("wrong-secret");
  }

  @Test
  void aSignInOlderThanTheLoginTimeoutIsRefused() {
    OidcSignIn now = signIn(PROVIDER.issuer(), "right-secret", Clock.systemUTC());
    String[] p = begin(now);
    OidcSignIn later = signIn(PROVIDER.issuer(), "right-secret", Clock.offset(Clock.systemUTC(), Duration.ofMinutes(11)));
    assertThatThrownBy(() -> later.finish(p[0], p[1], p[2], null, CALLBACK))
        .isInstanceOfSatisfying(OidcSignIn.Failure.class, f -> assertThat(f.code()).isEqualTo("oidc.state"))
        .hasMessageContaining("login-timeout");
    assertThat(PROVIDER.grants.get(p[1]).used()).as("the code was not exchanged").isFalse();
  }

  @Test
  void anUnreachableProviderOrAnotherIssuerIsUnavailable() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      closed = s.getLocalPort();
    }
    OidcSignIn away = signIn("http://127.0.0.1:" + closed + "/realms/weft", null, Clock.fixed(Instant.now(), ZoneOffset.UTC));
    assertThatThrownBy(() -> away.begin(CALLBACK))
        .isInstanceOfSatisfying(OidcSignIn.Failure.class, f -> assertThat(f.code()).isEqualTo("oidc.unavailable"));
    // Discovery answers with an issuer other than the configured one (here: a trailing slash more).
    OidcSignIn other = signIn(PROVIDER.issuer() + "/", null, Clock.systemUTC());
    assertThatThrownBy(() -> other.begin(CALLBACK))
        .isInstanceOfSatisfying(OidcSignIn.Failure.class, f -> assertThat(f.code()).isEqualTo("oidc.unavailable"))
        .hasMessageContaining("issuer");
  }

  @Test
  void theAuthorizationRequestCarriesAnS256ChallengeOfAVerifierItDoesNotShow() {
    OidcSignIn s = signIn(PROVIDER.issuer(), "right-secret", Clock.systemUTC());
    OidcSignIn.Begun b = s.begin(CALLBACK);
    String verifier = b.cookieValue().split("\\.")[2];
    Map<String, String> q = FakeOidcProvider.params(b.authorizationUrl().getRawQuery());
    assertThat(q.get("code_challenge")).isEqualTo(FakeOidcProvider.s256(verifier)).isEqualTo(OidcSignIn.challenge(verifier));
    assertThat(b.authorizationUrl().toString()).doesNotContain(verifier);
    assertThat(b.cookieMaxAge()).isEqualTo(Duration.ofMinutes(10));
  }
}
