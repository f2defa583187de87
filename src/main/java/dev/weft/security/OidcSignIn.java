package dev.weft.security;

import dev.weft.definition.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderInitializationException;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Console sign-in through the OIDC provider's login page: the authorization-code flow with PKCE (S256),
 * {@code state} and {@code nonce}, done by the server. {@link #begin} makes the provider's authorization URL
 * and the value of a short-lived HttpOnly cookie that holds state, nonce and code verifier (nothing is kept
 * in this process, so any replica can take the callback); {@link #finish} checks the callback against that
 * cookie, exchanges the code at the token endpoint and verifies the tokens: the ID token with the provider's
 * keys, issuer and expiry, for this client ({@code aud}) and with the nonce; the access token, when it is a
 * JWT, by exactly the rules of bearer JWTs ({@link JwtTokenProvider}: issuer, audiences, keys, claims to a
 * principal). The principal is the access token's (or, when that is opaque, the ID token's claims mapped
 * the same way); the result ends no later than either token. Failures are {@link Failure}s with a stable
 * code; tokens, codes and secrets are never logged.
 */
public class OidcSignIn {
  private static final Logger log = LoggerFactory.getLogger(OidcSignIn.class);
  public static final String COOKIE = "weft_oidc";
  /** Where the pending sign-in cookie is sent: the callback only. */
  public static final String COOKIE_PATH = "/api/session/oidc";
  private static final Pattern TOKEN_CHARS = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final int MAX_ANSWER_BYTES = 256 * 1024;
  private static final int MAX_PARAM_CHARS = 4096;

  /** A sign-in that did not succeed: {@code code} goes to the sign-in page; {@code message} to the log only. */
  public static final class Failure extends RuntimeException {
    private final String code;

    Failure(String code, String message) {
      super(message, null, false, false);
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  /** Where to send the browser, and the pending cookie's value. */
  public record Begun(URI authorizationUrl, String cookieValue, Duration cookieMaxAge) {}

  private record Endpoints(URI authorization, URI token) {}

  private final URI issuer;
  private final String clientId;
  private final String clientSecret;
  private final String scopes;
  private final Duration loginTimeout;
  private final JwtDecoder idTokens;
  private final JwtTokenProvider accessTokens;
  private final JwtPrincipals principals;
  private final HttpClient http;
  private final Duration timeout;
  private final Clock clock;
  private volatile Endpoints endpoints;

  /**
   * @param clientSecret the confidential client's secret (sent with HTTP Basic at the token endpoint), or null for a public client
   * @param idTokens verifies ID tokens: the provider's keys, issuer, expiry, audience = {@code clientId}
   * @param accessTokens the bearer JWT rules
   */
  public OidcSignIn(URI issuer, String clientId, String clientSecret, String scopes, Duration loginTimeout, JwtDecoder idTokens,
      JwtTokenProvider accessTokens, JwtPrincipals principals, Duration timeout, Clock clock) {
    this.issuer = Objects.requireNonNull(issuer);
    this.clientId = Objects.requireNonNull(clientId);
    this.clientSecret = clientSecret;
    this.scopes = scopes;
    this.loginTimeout = loginTimeout;
    this.idTokens = idTokens;
    this.accessTokens = accessTokens;
    this.principals = principals;
    this.timeout = timeout;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** Starts a sign-in: the provider's authorization URL with state, nonce and the S256 code challenge. */
  public Begun begin(URI redirectUri) {
    Endpoints e = endpoints();
    // 43 base64url characters each: a valid PKCE verifier too.
    String state = ConsoleSessions.random();
    String nonce = ConsoleSessions.random();
    String verifier = ConsoleSessions.random();
    Map<String, String> q = new LinkedHashMap<>();
    q.put("response_type", "code");
    q.put("client_id", clientId);
    q.put("redirect_uri", redirectUri.toString());
    q.put("scope", scopes);
    q.put("state", state);
    q.put("nonce", nonce);
    q.put("code_challenge", challenge(verifier));
    q.put("code_challenge_method", "S256");
    String base = e.authorization().toString();
    URI url = URI.create(base + (base.contains("?") ? "&" : "?") + form(q));
    long expires = clock.instant().plus(loginTimeout).getEpochSecond();
    return new Begun(url, state + "." + nonce + "." + verifier + "." + expires, loginTimeout);
  }

  /**
   * Finishes a sign-in from the provider's callback parameters and the pending cookie's value.
   *
   * @throws Failure with code {@code oidc.provider_error}, {@code oidc.state}, {@code oidc.exchange},
   *     {@code oidc.token} or {@code oidc.unavailable}
   */
  public JwtAuthentication finish(String cookieValue, String code, String state, String error, URI redirectUri) {
    if (error != null) {
      String safe = error.length() <= 64 && error.matches("[A-Za-z0-9_.-]+") ? error : "(not shown)";
      throw new Failure("oidc.provider_error", "the provider answered the sign-in with error " + safe);
    }
    String[] pending = cookieValue == null ? new String[0] : cookieValue.split("\\.", -1);
    if (pending.length != 4 || !TOKEN_CHARS.matcher(pending[0]).matches() || !TOKEN_CHARS.matcher(pending[1]).matches()
        || !TOKEN_CHARS.matcher(pending[2]).matches()) {
      throw new Failure("oidc.state", "no pending sign-in in this browser (the cookie is missing or malformed)");
    }
    if (state == null || !MessageDigest.isEqual(pending[0].getBytes(StandardCharsets.UTF_8), state.getBytes(StandardCharsets.UTF_8))) {
      throw new Failure("oidc.state", "the callback's state is not the one this browser's sign-in started with");
    }
    long expires;
    try {
      expires = Long.parseLong(pending[3]);
    } catch (NumberFormatException e) {
      throw new Failure("oidc.state", "the pending sign-in cookie is malformed");
    }
    if (clock.instant().getEpochSecond() > expires) throw new Failure("oidc.state", "the sign-in took longer than login-timeout");
    if (code == null || code.isEmpty() || code.length() > MAX_PARAM_CHARS) {
      throw new Failure("oidc.exchange", "the callback carries no usable authorization code");
    }
    JsonNode tokens = exchange(code, pending[2], redirectUri);
    String idToken = text(tokens, "id_token");
    String accessToken = text(tokens, "access_token");
    if (idToken == null) throw new Failure("oidc.exchange", "the token endpoint answered without an id_token");
    Jwt id = decodeIdToken(idToken);
    if (!(id.getClaims().get("nonce") instanceof String n)
        || !MessageDigest.isEqual(n.getBytes(StandardCharsets.UTF_8), pending[1].getBytes(StandardCharsets.UTF_8))) {
      throw new Failure("oidc.token", "the ID token's nonce is not this sign-in's");
    }
    WeftPrincipal principal;
    Instant expiresAt = id.getExpiresAt();
    String iss = id.getClaimAsString("iss");
    try {
      if (accessToken != null && JwtTokens.looksLikeJwt(accessToken)) {
        JwtAuthentication verified = (JwtAuthentication) accessTokens.authenticate(JwtAuthentication.presented(accessToken));
        principal = verified.getPrincipal();
        if (verified.expiresAt() != null && (expiresAt == null || verified.expiresAt().isBefore(expiresAt))) expiresAt = verified.expiresAt();
      } else {
        principal = principals.principal(id);
      }
    } catch (IssuerUnavailableException e) {
      throw new Failure("oidc.unavailable", "the provider's keys cannot be fetched");
    } catch (AuthenticationException e) {
      // Our own messages (JwtTokenProvider, JwtPrincipals): they never quote the token.
      throw new Failure("oidc.token", "the access token is refused: " + e.getMessage());
    }
    return JwtAuthentication.verified(principal, iss, expiresAt);
  }

  private Jwt decodeIdToken(String idToken) {
    try {
      return idTokens.decode(idToken);
    } catch (JwtValidationException e) {
      String why = e.getErrors().stream().map(x -> x.getDescription()).filter(Objects::nonNull).findFirst().orElse(JwtTokenProvider.MALFORMED);
      throw new Failure("oidc.token", "the ID token is refused: " + why);
    } catch (BadJwtException e) {
      throw new Failure("oidc.token", "the ID token is refused: " + JwtTokenProvider.MALFORMED);
    } catch (JwtException | JwtDecoderInitializationException e) {
      throw new Failure("oidc.unavailable", "the provider's keys cannot be fetched");
    }
  }

  private JsonNode exchange(String code, String verifier, URI redirectUri) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("grant_type", "authorization_code");
    f.put("code", code);
    f.put("redirect_uri", redirectUri.toString());
    f.put("code_verifier", verifier);
    f.put("client_id", clientId);
    HttpRequest.Builder b = HttpRequest.newBuilder(endpoints().token()).timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(form(f)));
    if (clientSecret != null) {
      String basic = URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<byte[]> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new Failure("oidc.exchange", "the token endpoint cannot be reached: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("oidc.exchange", "interrupted while calling the token endpoint");
    }
    JsonNode body = parse(r.body());
    if (r.statusCode() != 200) {
      String err = body == null ? null : text(body, "error");
      String safe = err != null && err.length() <= 64 && err.matches("[A-Za-z0-9_.-]+") ? err : "(none)";
      throw new Failure("oidc.exchange", "the token endpoint refused the code: HTTP " + r.statusCode() + ", error " + safe);
    }
    if (body == null || !body.isObject()) throw new Failure("oidc.exchange", "the token endpoint's answer is not a JSON object");
    return body;
  }

  /** The provider's endpoints, by OIDC discovery; fetched once, again after a failure. */
  private Endpoints endpoints() {
    Endpoints e = endpoints;
    if (e != null) return e;
    URI doc = URI.create(issuer.toString().replaceAll("/+$", "") + "/.well-known/openid-configuration");
    JsonNode d;
    try {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(doc).timeout(timeout).header("Accept", "application/json").GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      d = r.statusCode() == 200 ? parse(r.body()) : null;
      if (d == null) throw new Failure("oidc.unavailable", "OIDC discovery at " + doc + " answered HTTP " + r.statusCode());
    } catch (IOException ex) {
      throw new Failure("oidc.unavailable", "OIDC discovery at " + doc + " failed: " + ex.getClass().getSimpleName());
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new Failure("oidc.unavailable", "interrupted during OIDC discovery");
    }
    if (!issuer.toString().equals(text(d, "issuer"))) {
      throw new Failure("oidc.unavailable", "the discovery document's issuer is not weft.security.jwt.issuer-uri");
    }
    URI authorization = endpoint(d, "authorization_endpoint");
    URI token = endpoint(d, "token_endpoint");
    e = new Endpoints(authorization, token);
    endpoints = e;
    log.info("OIDC sign-in: authorization endpoint {}, token endpoint {}", authorization, token);
    return e;
  }

  private static URI endpoint(JsonNode d, String field) {
    String v = text(d, field);
    try {
      URI u = v == null ? null : URI.create(v);
      if (u != null && u.isAbsolute() && ("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null) return u;
    } catch (IllegalArgumentException ignored) {
      // Reported below.
    }
    throw new Failure("oidc.unavailable", "the discovery document has no usable " + field);
  }

  private static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0 || body.length > MAX_ANSWER_BYTES) return null;
    try {
      return Json.MAPPER.readTree(body);
    } catch (JacksonException e) {
      return null;
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isString() && !v.stringValue().isEmpty() ? v.stringValue() : null;
  }

  private static String form(Map<String, String> values) {
    return values.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  static String challenge(String verifier) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
