package dev.weft.security;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.web.client.RestTemplate;

/**
 * Bearer JWTs: which bearer values are tokens, and the decoder that verifies them (signature with the
 * provider's published keys, then type, time, issuer and audience). Every check that fails says what in
 * words of ours, never the library's, and never with the token.
 */
public final class JwtTokens {
  /** JWS compact serialisation: three base64url segments; a Weft key never holds a dot. */
  private static final Pattern COMPACT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

  static final String EXPIRED = "the token has expired, is not valid yet, or has no expiry (exp)";
  static final String WRONG_ISSUER = "the token's issuer (iss) is not the one Weft trusts";
  static final String WRONG_AUDIENCE = "the token is not meant for Weft: its audience (aud) names none of weft.security.jwt.audiences";
  static final String WRONG_TYPE = "the token's type (typ) is not JWT or at+jwt";
  static final String BOUND = "sender-constrained tokens (with a cnf claim) are not supported";

  private JwtTokens() {}

  /**
   * Whether a bearer value has the form of a signed JWT: three base64url segments whose first decodes to
   * a JSON object (the JOSE header). Everything else is taken for an API key.
   */
  public static boolean looksLikeJwt(String bearer) {
    if (bearer == null || !COMPACT.matcher(bearer).matches()) return false;
    try {
      String header = new String(Base64.getUrlDecoder().decode(bearer.substring(0, bearer.indexOf('.'))), StandardCharsets.UTF_8);
      return header.strip().startsWith("{");
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The decoder for tokens of {@code issuerUri} (found by OIDC discovery) or signed with the keys at
   * {@code jwkSetUri}. Built on the first token, not at start, so Weft starts while the provider is away;
   * until it is reachable tokens are answered 503. Algorithms are those of the provider's keys.
   */
  public static JwtDecoder decoder(URI issuerUri, URI jwkSetUri, String issuer, List<String> audiences, Duration clockSkew,
      Duration fetchTimeout) {
    SimpleClientHttpRequestFactory http = new SimpleClientHttpRequestFactory();
    http.setConnectTimeout(fetchTimeout);
    http.setReadTimeout(fetchTimeout);
    RestTemplate rest = new RestTemplate(http);
    String expectedIssuer = issuerUri != null ? issuerUri.toString() : issuer;
    OAuth2TokenValidator<Jwt> validator = validator(expectedIssuer, audiences, clockSkew);
    return new SupplierJwtDecoder(() -> {
      NimbusJwtDecoder d = (issuerUri != null ? NimbusJwtDecoder.withIssuerLocation(issuerUri.toString())
          : NimbusJwtDecoder.withJwkSetUri(jwkSetUri.toString()).discoverJwsAlgorithms()).restOperations(rest).build();
      d.setJwtValidator(validator);
      return d;
    });
  }

  /**
   * The checks after the signature: {@code typ} (absent, JWT or at+jwt), {@code exp} (required) and
   * {@code nbf} with {@code clockSkew}, {@code iss} when {@code issuer} is set, {@code aud} when
   * {@code audiences} are, and no {@code cnf} (Weft cannot check a token's binding to a client).
   */
  static OAuth2TokenValidator<Jwt> validator(String issuer, List<String> audiences, Duration clockSkew) {
    JwtTypeValidator type = new JwtTypeValidator("JWT", "at+jwt", "application/at+jwt");
    type.setAllowEmpty(true);
    JwtTimestampValidator time = new JwtTimestampValidator(clockSkew);
    time.setAllowEmptyExpiryClaim(false);
    List<OAuth2TokenValidator<Jwt>> checks = new java.util.ArrayList<>(List.of(
        saying(WRONG_TYPE, type),
        saying(EXPIRED, time),
        saying(BOUND, jwt -> jwt.hasClaim("cnf") ? OAuth2TokenValidatorResult.failure(error(BOUND)) : OAuth2TokenValidatorResult.success())));
    if (issuer != null) checks.add(saying(WRONG_ISSUER, new JwtIssuerValidator(issuer)));
    if (!audiences.isEmpty()) {
      List<String> allowed = List.copyOf(audiences);
      checks.add(saying(WRONG_AUDIENCE, new JwtClaimValidator<Collection<String>>(JwtClaimNames.AUD,
          aud -> aud != null && aud.stream().anyMatch(allowed::contains))));
    }
    return new DelegatingOAuth2TokenValidator<>(checks);
  }

  /** {@code check}, failing with {@code message} alone (the library's descriptions name values of the token). */
  private static OAuth2TokenValidator<Jwt> saying(String message, OAuth2TokenValidator<Jwt> check) {
    return jwt -> check.validate(jwt).hasErrors() ? OAuth2TokenValidatorResult.failure(error(message)) : OAuth2TokenValidatorResult.success();
  }

  private static OAuth2Error error(String message) {
    return new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, message, null);
  }
}
