package dev.weft.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoderInitializationException;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/** Telling tokens from keys, the checks after the signature, and how failures are worded. */
class JwtTokensTest {
  private static final String HEADER = b64("{\"alg\":\"RS256\",\"kid\":\"k1\"}");
  private static final String TOKEN = HEADER + "." + b64("{\"sub\":\"alice\"}") + ".c2lnbmF0dXJl";

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aJwtIsThreeBase64UrlSegmentsWithAJsonHeader() {
    assertThat(JwtTokens.looksLikeJwt(TOKEN)).isTrue();
    assertThat(JwtTokens.looksLikeJwt(ApiKeys.generate())).isFalse();
    assertThat(JwtTokens.looksLikeJwt("weft_test-admin-key-0123456789abcdef")).isFalse();
    assertThat(JwtTokens.looksLikeJwt("my.admin.key-that-has-dots")).as("a configured key with dots").isFalse();
    assertThat(JwtTokens.looksLikeJwt(HEADER + "." + b64("{}") + ".")).as("unsigned").isFalse();
    assertThat(JwtTokens.looksLikeJwt(TOKEN + ".x.y")).as("JWE: five segments").isFalse();
    assertThat(JwtTokens.looksLikeJwt("a.b.c")).isFalse();
    assertThat(JwtTokens.looksLikeJwt(HEADER + ".a b.c")).isFalse();
    assertThat(JwtTokens.looksLikeJwt(null)).isFalse();
  }

  @Test
  void theConverterSendsTokensAndKeysEachTheirOwnWay() {
    BearerKeyConverter on = new BearerKeyConverter(true);
    BearerKeyConverter off = new BearerKeyConverter();
    String key = ApiKeys.generate();
    assertThat(on.convert(bearer(TOKEN))).isInstanceOf(JwtAuthentication.class);
    assertThat(on.convert(bearer(key))).isInstanceOf(ApiKeyAuthentication.class);
    assertThat(off.convert(bearer(TOKEN))).isInstanceOf(ApiKeyAuthentication.class);
    Authentication presented = on.convert(bearer(TOKEN));
    assertThat(presented.isAuthenticated()).isFalse();
    assertThat(presented.toString()).doesNotContain(TOKEN).doesNotContain("c2lnbmF0dXJl");
  }

  private static MockHttpServletRequest bearer(String value) {
    MockHttpServletRequest r = new MockHttpServletRequest("GET", "/api/workflows");
    r.addHeader("Authorization", "Bearer " + value);
    return r;
  }

  private static Jwt jwt(Consumer<Map<String, Object>> claims) {
    return Jwt.withTokenValue(TOKEN).header("alg", "RS256").header("typ", "JWT").claims(c -> {
      c.put("iss", "https://idp.example/");
      c.put("aud", List.of("weft"));
      c.put("sub", "alice");
      c.put("tenant", "acme");
      c.put("exp", Instant.now().plusSeconds(300));
      claims.accept(c);
    }).build();
  }

  private static List<String> errors(OAuth2TokenValidator<Jwt> v, Jwt jwt) {
    return v.validate(jwt).getErrors().stream().map(OAuth2Error::getDescription).toList();
  }

  @Test
  void theChecksAfterTheSignatureSpeakOurWords() {
    OAuth2TokenValidator<Jwt> v = JwtTokens.validator("https://idp.example/", List.of("weft", "weft-2"), Duration.ofSeconds(30));
    assertThat(errors(v, jwt(c -> { }))).isEmpty();
    assertThat(errors(v, jwt(c -> c.put("aud", List.of("x", "weft-2"))))).isEmpty();
    assertThat(errors(v, jwt(c -> c.put("exp", Instant.now().minusSeconds(20))))).as("within the skew").isEmpty();
    assertThat(errors(v, jwt(c -> c.put("exp", Instant.now().minusSeconds(40))))).containsExactly(JwtTokens.EXPIRED);
    assertThat(errors(v, jwt(c -> c.put("nbf", Instant.now().plusSeconds(60))))).containsExactly(JwtTokens.EXPIRED);
    assertThat(errors(v, jwt(c -> c.remove("exp")))).containsExactly(JwtTokens.EXPIRED);
    assertThat(errors(v, jwt(c -> c.put("iss", "https://other/")))).containsExactly(JwtTokens.WRONG_ISSUER);
    assertThat(errors(v, jwt(c -> c.remove("iss")))).containsExactly(JwtTokens.WRONG_ISSUER);
    assertThat(errors(v, jwt(c -> c.put("aud", List.of("other"))))).containsExactly(JwtTokens.WRONG_AUDIENCE);
    assertThat(errors(v, jwt(c -> c.remove("aud")))).containsExactly(JwtTokens.WRONG_AUDIENCE);
    assertThat(errors(v, jwt(c -> c.put("cnf", Map.of("x5t#S256", "abc"))))).containsExactly(JwtTokens.BOUND);
    Jwt idToken = Jwt.withTokenValue(TOKEN).header("alg", "RS256").header("typ", "logout+jwt")
        .claims(c -> c.putAll(jwt(x -> { }).getClaims())).build();
    assertThat(errors(v, idToken)).containsExactly(JwtTokens.WRONG_TYPE);
    // No issuer and no audiences configured: neither is checked.
    OAuth2TokenValidator<Jwt> open = JwtTokens.validator(null, List.of(), Duration.ZERO);
    assertThat(errors(open, jwt(c -> { c.remove("iss"); c.remove("aud"); }))).isEmpty();
  }

  @Test
  void failuresAre401InOurWordsAndAnUnreachableProviderIsAnotherFailure() {
    JwtPrincipals principals = new JwtPrincipals("sub", "roles", "groups", "tenant");
    JwtAuthentication presented = JwtAuthentication.presented(TOKEN);

    var valid = new JwtTokenProvider(t -> jwt(c -> c.put("roles", "admin")), principals).authenticate(presented);
    assertThat(valid).isInstanceOf(JwtAuthentication.class);
    assertThat(valid.getPrincipal()).isEqualTo(new WeftPrincipal("alice", List.of("admin"), List.of(), "acme"));
    assertThat(valid.getCredentials()).isNull();
    assertThat(valid.toString()).doesNotContain(TOKEN).contains("alice").contains("acme");
    assertThat(((JwtAuthentication) valid).issuer()).isEqualTo("https://idp.example/");

    var validator = JwtTokens.validator("https://idp.example/", List.of(), Duration.ZERO);
    JwtTokenProvider expired = new JwtTokenProvider(t -> {
      Jwt j = jwt(c -> c.put("exp", Instant.now().minusSeconds(10)));
      var r = validator.validate(j);
      throw new org.springframework.security.oauth2.jwt.JwtValidationException("Jwt expired at " + j.getExpiresAt(), r.getErrors());
    }, principals);
    assertThatThrownBy(() -> expired.authenticate(presented)).isInstanceOf(InvalidBearerTokenException.class).hasMessage(JwtTokens.EXPIRED);

    JwtTokenProvider bad = new JwtTokenProvider(t -> {
      throw new BadJwtException("An error occurred while attempting to decode the Jwt: Signed JWT rejected: " + t);
    }, principals);
    assertThatThrownBy(() -> bad.authenticate(presented)).isInstanceOf(InvalidBearerTokenException.class)
        .hasMessage(JwtTokenProvider.MALFORMED);

    JwtTokenProvider unreachable = new JwtTokenProvider(t -> {
      throw new JwtException("Couldn't retrieve remote JWK set");
    }, principals);
    assertThatThrownBy(() -> unreachable.authenticate(presented)).isInstanceOf(IssuerUnavailableException.class)
        .isInstanceOf(AuthenticationServiceException.class);
    JwtTokenProvider notBuilt = new JwtTokenProvider(t -> {
      throw new JwtDecoderInitializationException("Failed to lazily resolve the supplied JwtDecoder instance", new IllegalStateException());
    }, principals);
    assertThatThrownBy(() -> notBuilt.authenticate(presented)).isInstanceOf(IssuerUnavailableException.class);

    JwtTokenProvider noTenant = new JwtTokenProvider(t -> jwt(c -> c.remove("tenant")), principals);
    assertThatThrownBy(() -> noTenant.authenticate(presented)).isInstanceOf(InvalidBearerTokenException.class)
        .hasMessageNotContaining(TOKEN);
  }

  @Test
  void aProviderThatCannotBeReachedIsAFailureToRetryNotABadToken() {
    // Nothing listens on port 9 of this host: discovery fails, the token is not judged.
    var decoder = JwtTokens.decoder(java.net.URI.create("http://127.0.0.1:9/realms/none"), null, null, List.of(), Duration.ZERO,
        Duration.ofSeconds(2));
    JwtTokenProvider provider = new JwtTokenProvider(decoder, new JwtPrincipals("sub", "roles", "groups", "tenant"));
    assertThatThrownBy(() -> provider.authenticate(JwtAuthentication.presented(TOKEN))).isInstanceOf(IssuerUnavailableException.class);
  }
}
