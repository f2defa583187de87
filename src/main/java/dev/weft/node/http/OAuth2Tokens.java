package dev.weft.node.http;

import dev.weft.definition.Json;
import dev.weft.node.CredentialResolver;
import dev.weft.node.NodeFailure;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Access tokens of {@code oauth2ClientCredentials} credentials (RFC 6749 §4.4): fetched from the token
 * endpoint with a form-encoded POST through the {@link OutboundGuard}, kept in memory per (tenant,
 * credential, credential version) until {@code expires_in} minus a margin, fetched once however many
 * callers need one at the same moment. Failures are {@code credential.token_failed} (retryable for 5xx,
 * 429 and network errors) or {@code http.blocked_address}; no message carries the client secret or a token.
 */
public final class OAuth2Tokens implements CredentialResolver.Cache {
  /** The credential type. */
  public static final String TYPE = "oauth2ClientCredentials";
  /** An OAuth2 error code (RFC 6749 §5.2) as shown in a failure; anything else from the body is not shown. */
  private static final Pattern ERROR_CODE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final int MIN_REDACTED = 4;

  private record Key(String tenant, String name, String version) {}

  private record Token(String value, Instant expiresAt) {}

  private final OAuth2Settings settings;
  private final OutboundGuard guard;
  private final HttpClient client;
  private final Clock clock;
  private final Map<Key, CompletableFuture<Token>> cache = new ConcurrentHashMap<>();

  public OAuth2Tokens(HttpNodeSettings http, OAuth2Settings settings, Clock clock) {
    this.settings = settings;
    this.guard = http.outbound();
    this.clock = clock;
    this.client = HttpClient.newBuilder().connectTimeout(http.connectTimeout()).followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1).build();
  }

  /**
   * A current access token of {@code credential}: the cached one, or one fetched now (by this caller, or by
   * the caller already fetching it, whose result every waiting caller shares).
   *
   * @param budget how long the node may still wait (null: the token timeout alone bounds the request)
   */
  public String token(CredentialResolver.Secret credential, Duration budget) {
    Key key = key(credential);
    CompletableFuture<Token> mine = new CompletableFuture<>();
    CompletableFuture<Token> current = cache.compute(key, (k, cur) -> cur != null && (!cur.isDone() || usable(cur)) ? cur : mine);
    if (current != mine) {
      try {
        return current.join().value();
      } catch (CompletionException e) {
        if (e.getCause() instanceof NodeFailure f) throw f;
        throw new NodeFailure("credential.token_failed", "credential '" + credential.name() + "': the token request failed", true);
      }
    }
    Token t;
    try {
      t = fetch(credential, budget);
    } catch (RuntimeException e) {
      cache.remove(key, mine);
      mine.completeExceptionally(e);
      throw e;
    }
    mine.complete(t);
    // A token that lives no longer than the margin serves the callers at hand, and is not kept.
    if (!t.expiresAt().isAfter(clock.instant())) cache.remove(key, mine);
    trim();
    return t.value();
  }

  /** Drops {@code token} of {@code credential} (an upstream refused it), unless a newer one replaced it already. */
  public void invalidate(CredentialResolver.Secret credential, String token) {
    cache.computeIfPresent(key(credential), (k, cur) -> cur.isDone() && !cur.isCompletedExceptionally()
        && cur.join().value().equals(token) ? null : cur);
  }

  /** Drops every token of the credential {@code name} of {@code tenant} (it was replaced or deleted). */
  @Override
  public void forget(String tenant, String name) {
    cache.keySet().removeIf(k -> k.tenant().equals(tenant) && k.name().equals(name));
  }

  /** How many tokens are kept (for tests and metrics). */
  public int size() {
    return cache.size();
  }

  private static Key key(CredentialResolver.Secret s) {
    return new Key(s.tenant(), s.name(), s.version());
  }

  private boolean usable(CompletableFuture<Token> f) {
    return !f.isCompletedExceptionally() && f.join().expiresAt().isAfter(clock.instant());
  }

  /** Keeps at most {@code maxCached} tokens: expired ones go first, then those expiring soonest. */
  private void trim() {
    if (cache.size() <= settings.maxCached()) return;
    cache.entrySet().removeIf(e -> e.getValue().isDone() && !usable(e.getValue()));
    if (cache.size() <= settings.maxCached()) return;
    List<Map.Entry<Key, CompletableFuture<Token>>> done = new ArrayList<>(cache.entrySet().stream()
        .filter(e -> e.getValue().isDone()).toList());
    done.sort(Comparator.comparing(e -> e.getValue().join().expiresAt()));
    for (int i = 0; i < done.size() && cache.size() > settings.maxCached(); i++) {
      cache.remove(done.get(i).getKey(), done.get(i).getValue());
    }
  }

  private Token fetch(CredentialResolver.Secret credential, Duration budget) {
    JsonNode d = credential.data();
    String name = credential.name();
    String clientId = d.path("clientId").asString("");
    String clientSecret = d.path("clientSecret").asString("");
    List<String> secrets = new ArrayList<>();
    secrets.add(clientSecret);
    secrets.add(URLEncoder.encode(clientSecret, StandardCharsets.UTF_8));
    URI uri;
    try {
      uri = URI.create(d.path("tokenUrl").asString(""));
    } catch (IllegalArgumentException e) {
      throw new NodeFailure("credential.invalid", "credential '" + name + "': tokenUrl is not a URL", false);
    }
    if (uri.getScheme() == null || !uri.getScheme().matches("(?i)https?") || uri.getHost() == null) {
      throw new NodeFailure("credential.invalid", "credential '" + name + "': tokenUrl must be an absolute http(s) URL", false);
    }
    String target = "POST " + uri.getScheme() + "://" + uri.getAuthority() + uri.getPath();
    try {
      guard.resolve(uri.getHost());
    } catch (OutboundGuard.BlockedAddressException e) {
      throw new NodeFailure("http.blocked_address", "credential '" + name + "': token endpoint refused: " + e.getMessage(), false);
    } catch (UnknownHostException e) {
      throw new NodeFailure("credential.token_failed", "credential '" + name + "': cannot resolve the token endpoint's host '"
          + uri.getHost() + "'", true);
    }

    StringBuilder form = new StringBuilder("grant_type=client_credentials");
    List<String> scopes = new ArrayList<>();
    d.path("scopes").forEach(s -> scopes.add(s.asString("")));
    if (!scopes.isEmpty()) form.append("&scope=").append(encode(String.join(" ", scopes)));
    String audience = d.path("audience").asString("");
    if (!audience.isEmpty()) form.append("&audience=").append(encode(audience));
    HttpRequest.Builder req = HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json");
    if ("body".equals(d.path("authStyle").asString("basic"))) {
      form.append("&client_id=").append(encode(clientId)).append("&client_secret=").append(encode(clientSecret));
    } else {
      // RFC 6749 §2.3.1: both parts form-encoded, then joined and base64-encoded.
      String basic = Base64.getEncoder().encodeToString((encode(clientId) + ":" + encode(clientSecret))
          .getBytes(StandardCharsets.UTF_8));
      secrets.add(basic);
      req.header("Authorization", "Basic " + basic);
    }
    Duration timeout = budget == null || budget.compareTo(settings.timeout()) > 0 ? settings.timeout() : budget;
    if (timeout.isNegative() || timeout.isZero()) {
      throw new NodeFailure("credential.token_failed", "credential '" + name + "': no time left for the token request", true);
    }
    req.timeout(timeout).POST(HttpRequest.BodyPublishers.ofString(form.toString()));

    Instant sent = clock.instant();
    HttpResponse<InputStream> resp;
    byte[] body;
    try {
      resp = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = resp.body()) {
        body = in.readNBytes(settings.maxResponseBytes() + 1);
      }
    } catch (HttpConnectTimeoutException e) {
      throw failure(name, target + ": connect timed out", true, secrets);
    } catch (HttpTimeoutException e) {
      throw failure(name, target + ": no answer within " + timeout, true, secrets);
    } catch (IOException e) {
      throw failure(name, target + ": " + e.getClass().getSimpleName(), true, secrets);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure(name, target + ": interrupted", true, secrets);
    }
    int status = resp.statusCode();
    JsonNode answer = null;
    if (body.length <= settings.maxResponseBytes()) {
      try {
        answer = Json.parse(new String(body, StandardCharsets.UTF_8));
      } catch (JacksonException | IllegalArgumentException e) {
        answer = null;
      }
    }
    if (status < 200 || status > 299) {
      String error = answer == null ? "" : answer.path("error").asString("");
      boolean retryable = status >= 500 || status == 429 || status == 408;
      throw failure(name, "the token endpoint " + target + " answered " + status
          + (ERROR_CODE.matcher(error).matches() ? " (" + error + ")" : ""), retryable, secrets);
    }
    if (body.length > settings.maxResponseBytes()) {
      throw failure(name, target + ": the token response exceeds " + settings.maxResponseBytes() + " bytes", false, secrets);
    }
    if (answer == null || !answer.isObject()) throw failure(name, target + ": the token response is not a JSON object", false, secrets);
    JsonNode token = answer.get("access_token");
    if (token == null || !token.isString() || token.stringValue().isBlank()) {
      throw failure(name, target + ": the token response has no access_token", false, secrets);
    }
    secrets.add(token.stringValue());
    JsonNode type = answer.get("token_type");
    if (type != null && !(type.isString() && type.stringValue().equalsIgnoreCase("bearer"))) {
      throw failure(name, target + ": the token is not a bearer token (token_type "
          + (type.isString() && ERROR_CODE.matcher(type.stringValue()).matches() ? type.stringValue() : "unsupported") + ")",
          false, secrets);
    }
    Duration lifetime = lifetime(answer.get("expires_in"));
    return new Token(token.stringValue(), sent.plus(lifetime).minus(settings.expiryMargin()));
  }

  /** {@code expires_in}: seconds, as a number or a numeric string; absent or unreadable → the default lifetime. */
  private Duration lifetime(JsonNode expiresIn) {
    if (expiresIn == null) return settings.defaultLifetime();
    long seconds;
    if (expiresIn.isIntegralNumber()) {
      seconds = expiresIn.asLong();
    } else if (expiresIn.isString() && expiresIn.stringValue().matches("[0-9]{1,12}")) {
      seconds = Long.parseLong(expiresIn.stringValue());
    } else {
      return settings.defaultLifetime();
    }
    return Duration.ofSeconds(Math.max(0, seconds));
  }

  private static NodeFailure failure(String name, String message, boolean retryable, List<String> secrets) {
    String text = "credential '" + name + "': " + message;
    for (String s : secrets) {
      if (s != null && s.length() >= MIN_REDACTED) text = text.replace(s, CredentialAuth.REDACTED);
    }
    return new NodeFailure("credential.token_failed", text, retryable);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
