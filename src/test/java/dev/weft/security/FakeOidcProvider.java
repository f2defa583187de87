package dev.weft.security;

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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A fake OIDC provider for tests, in a JDK HttpServer on 127.0.0.1: discovery, the JWK set, an
 * authorization endpoint that "logs the user in" at once and redirects back with a code and the state, and
 * a token endpoint that checks the code (once only), its redirect URI, the PKCE verifier against the
 * S256 challenge and, for a confidential client, the HTTP Basic client secret, then answers with an access
 * token (audience {@code audience}) and an ID token (audience the client, with the request's nonce), both
 * signed here. Tests change the next tokens with {@link #accessChange}, {@link #idChange} and {@link #idKey}.
 */
public final class FakeOidcProvider implements AutoCloseable {
  public static final RSAKey KEY = rsa("k1");
  /** Another key with the same kid: its signatures do not verify with the published key. */
  public static final RSAKey OTHER = rsa("k1");

  /** One authorization request as the provider saw it; {@code used} once its code was redeemed. */
  public record Grant(Map<String, String> request, boolean used) {}

  public final Map<String, Grant> grants = new ConcurrentHashMap<>();
  public volatile Consumer<JWTClaimsSet.Builder> accessChange = c -> { };
  public volatile Consumer<JWTClaimsSet.Builder> idChange = c -> { };
  public volatile RSAKey idKey = KEY;
  public volatile String lastAccessToken;
  public volatile String lastIdToken;

  private final String clientId;
  private final String clientSecret;
  private final String audience;
  private final HttpServer server;

  /** @param clientSecret the confidential client's secret, or null for a public client */
  public FakeOidcProvider(String clientId, String clientSecret, String audience) {
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.audience = audience;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/realms/weft/.well-known/openid-configuration", ex -> reply(ex, 200, "{\"issuer\":\"" + issuer()
        + "\",\"authorization_endpoint\":\"" + issuer() + "/auth\",\"token_endpoint\":\"" + issuer() + "/token\",\"jwks_uri\":\""
        + issuer() + "/jwks\",\"response_types_supported\":[\"code\"],\"subject_types_supported\":[\"public\"],"
        + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}"));
    server.createContext("/realms/weft/jwks", ex -> reply(ex, 200, new JWKSet(KEY.toPublicJWK()).toString()));
    server.createContext("/realms/weft/auth", this::authorize);
    server.createContext("/realms/weft/token", this::token);
    server.start();
  }

  public String issuer() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/weft";
  }

  /** Resets what the next tokens look like. */
  public void reset() {
    accessChange = c -> { };
    idChange = c -> { };
    idKey = KEY;
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void authorize(HttpExchange ex) throws IOException {
    Map<String, String> q = params(ex.getRequestURI().getRawQuery());
    if (!clientId.equals(q.get("client_id")) || !"code".equals(q.get("response_type")) || q.get("redirect_uri") == null) {
      reply(ex, 400, "{\"error\":\"invalid_request\"}");
      return;
    }
    String code = "code-" + UUID.randomUUID();
    grants.put(code, new Grant(q, false));
    ex.getResponseHeaders().add("Location", q.get("redirect_uri") + "?code=" + code + "&state=" + q.get("state"));
    ex.sendResponseHeaders(302, -1);
    ex.close();
  }

  private void token(HttpExchange ex) throws IOException {
    Map<String, String> f = params(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    if (clientSecret != null) {
      String expected = "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
      if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        reply(ex, 401, "{\"error\":\"invalid_client\"}");
        return;
      }
    }
    Grant g = f.get("code") == null ? null : grants.get(f.get("code"));
    if (!"authorization_code".equals(f.get("grant_type")) || g == null || g.used() || !clientId.equals(f.get("client_id"))
        || !g.request().get("redirect_uri").equals(f.get("redirect_uri"))
        || !s256(f.get("code_verifier")).equals(g.request().get("code_challenge"))) {
      reply(ex, 400, "{\"error\":\"invalid_grant\"}");
      return;
    }
    grants.put(f.get("code"), new Grant(g.request(), true));
    String access = sign(KEY, claims(audience, Duration.ofMinutes(5), accessChange));
    String nonce = g.request().get("nonce");
    Consumer<JWTClaimsSet.Builder> id = idChange;
    String idToken = sign(idKey, claims(clientId, Duration.ofMinutes(10), c -> id.accept(c.claim("nonce", nonce))));
    lastAccessToken = access;
    lastIdToken = idToken;
    reply(ex, 200, "{\"access_token\":\"" + access + "\",\"id_token\":\"" + idToken + "\",\"token_type\":\"Bearer\",\"expires_in\":300}");
  }

  private JWTClaimsSet.Builder claims(String aud, Duration life, Consumer<JWTClaimsSet.Builder> change) {
    Instant now = Instant.now();
    JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().issuer(issuer()).audience(aud).subject("alice")
        .claim("roles", List.of("editor")).claim("tenant", "default").issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(life)));
    change.accept(c);
    return c;
  }

  private static RSAKey rsa(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sign(RSAKey key, JWTClaimsSet.Builder claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
          claims.build());
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The PKCE S256 challenge of a verifier ("" for none). */
  public static String s256(String verifier) {
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

  /** A query string or form body as decoded name/value pairs. */
  public static Map<String, String> params(String raw) {
    Map<String, String> m = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) return m;
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        m.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return m;
  }
}
