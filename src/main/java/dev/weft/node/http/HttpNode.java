package dev.weft.node.http;

import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.expression.Templates;
import dev.weft.node.ActivityNodeType;
import dev.weft.node.GraphContext;
import dev.weft.node.CredentialResolver;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeResult;
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
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls an HTTP endpoint. Output {@code {status, headers, body}}. A non-2xx status fails the node
 * (unless {@code failOnStatus: false}): 5xx and 429 as retryable, other statuses as non-retryable.
 */
public class HttpNode implements ActivityNodeType<HttpNodeConfig> {
  private static final int ERROR_PREVIEW = 2_048;
  private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
  private static final int MAX_HEADER_NAME = 256;
  /** An HTTP field name: an RFC 9110 token. */
  private static final java.util.regex.Pattern HEADER_NAME =
      java.util.regex.Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]{1," + MAX_HEADER_NAME + "}");
  /** The headers {@link HttpClient} refuses to take from the caller. */
  private static final java.util.Set<String> RESTRICTED_HEADERS = java.util.Set.of("connection", "content-length",
      "expect", "host", "upgrade");

  /** Dropped when a redirect leads to another origin. */
  private static final java.util.Set<String> CREDENTIAL_HEADERS = java.util.Set.of("authorization", "cookie",
      "proxy-authorization");
  /** As {@link HttpClient}'s own default ({@code jdk.httpclient.redirects.retrylimit}). */
  private static final int MAX_REDIRECTS = 5;

  private final HttpNodeSettings settings;
  private final HttpClient client;
  private final CredentialResolver credentials;
  private final OAuth2Tokens tokens;

  /** Without a credentials store: a node with {@code auth} fails with {@code credential.unknown}. */
  public HttpNode(HttpNodeSettings settings) {
    this(settings, CredentialResolver.NONE);
  }

  public HttpNode(HttpNodeSettings settings, CredentialResolver credentials) {
    this(settings, credentials, new OAuth2Tokens(settings, OAuth2Settings.DEFAULTS, java.time.Clock.systemUTC()));
  }

  /** @param tokens the access tokens of {@code oauth2ClientCredentials} credentials (shared, so they are cached) */
  public HttpNode(HttpNodeSettings settings, CredentialResolver credentials, OAuth2Tokens tokens) {
    this.settings = settings;
    this.credentials = credentials;
    this.tokens = tokens;
    this.client = HttpClient.newBuilder()
        .connectTimeout(settings.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** A {@code GET} or {@code HEAD} (the method is never a template): reads, harmless to repeat. */
  @Override
  public boolean localByDefault(JsonNode config) {
    JsonNode method = config == null ? null : config.get("method");
    return method == null || method.isNull() || "GET".equalsIgnoreCase(method.asString())
        || "HEAD".equalsIgnoreCase(method.asString());
  }

  @Override
  public String id() {
    return "http";
  }

  @Override
  public Class<HttpNodeConfig> configClass() {
    return HttpNodeConfig.class;
  }

  @Override
  public String description() {
    return "Calls an HTTP endpoint; output {status, headers, body}; non-2xx fails (5xx/429 retryable).";
  }

  @Override
  public List<Violation> validate(HttpNodeConfig config, GraphContext graph) {
    List<Violation> out = new ArrayList<>();
    urlViolation(config.url()).ifPresent(out::add);
    try {
      idempotencyHeader(config.idempotencyHeader());
    } catch (IllegalArgumentException e) {
      out.add(Violation.of("/idempotencyHeader", "http.idempotency_header_invalid", e.getMessage()));
    }
    if (config.auth() != null && config.auth().credential() != null
        && !CredentialResolver.NAME.matcher(config.auth().credential()).matches()) {
      out.add(Violation.of("/auth/credential", "http.auth_invalid",
          "auth.credential must name a credential: [a-z0-9][a-z0-9_-]{0,62}, no templates"));
    }
    return out;
  }

  private static Optional<Violation> urlViolation(String url) {
    if (Templates.hasTemplate(url) && !url.matches("(?i)https?://[^{]+.*")) return Optional.empty();
    try {
      URI u = URI.create(Templates.hasTemplate(url) ? url.replaceAll("\\{\\{.*?}}", "x") : url);
      if (u.getScheme() == null || !u.getScheme().matches("(?i)https?") || u.getHost() == null) {
        return Optional.of(Violation.of("/url", "http.url_invalid", "url must be an absolute http(s) URL"));
      }
    } catch (IllegalArgumentException e) {
      return Optional.of(Violation.of("/url", "http.url_invalid", "url is not a valid URL: " + e.getMessage()));
    }
    return Optional.empty();
  }

  /**
   * The name of the header that carries the idempotency key, or empty when turned off: absent, {@code null}
   * or {@code true} mean {@value HttpNodeConfig#DEFAULT_IDEMPOTENCY_HEADER}, {@code false} none, a string
   * names the header.
   *
   * @throws IllegalArgumentException when the value is none of these, or not a header name the request may carry
   */
  static Optional<String> idempotencyHeader(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) return Optional.of(HttpNodeConfig.DEFAULT_IDEMPOTENCY_HEADER);
    if (value.isBoolean()) return value.booleanValue() ? Optional.of(HttpNodeConfig.DEFAULT_IDEMPOTENCY_HEADER) : Optional.empty();
    if (!value.isString()) {
      throw new IllegalArgumentException("idempotencyHeader must be true, false or a header name, not "
          + value.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    String name = value.stringValue();
    if (!HEADER_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("idempotencyHeader '" + abbreviate(name) + "' is not a header name"
          + " (letters, digits and !#$%&'*+-.^_`|~, at most " + MAX_HEADER_NAME + " characters, no templates)");
    }
    if (RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("idempotencyHeader '" + name + "' is a header the HTTP client sets itself");
    }
    return Optional.of(name);
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }

  @Override
  public NodeResult execute(HttpNodeConfig config, NodeContext ctx) {
    if (config.auth() == null) return call(config, ctx, null);
    String name = config.auth().credential();
    CredentialResolver.Secret secret = credentials.resolve(name, ctx).orElseThrow(() ->
        new NodeFailure("credential.unknown", "no credential '" + name + "'", false));
    Instant deadline = Instant.now().plus(ctx.timeout());
    if (OAuth2Tokens.TYPE.equals(secret.type())) return withToken(config, ctx, secret, deadline);
    return authenticated(config, ctx, CredentialAuth.of(secret), deadline);
  }

  private NodeResult authenticated(HttpNodeConfig config, NodeContext ctx, CredentialAuth auth, Instant deadline) {
    try {
      NodeResult r = call(config, ctx, auth, deadline);
      return NodeResult.of(auth.redact(r.output()));
    } catch (NodeFailure f) {
      throw auth.redact(f);
    } catch (RuntimeException e) {
      // Nothing unredacted leaves: not even an unexpected exception's message.
      throw new NodeFailure("http.failed", auth.redact(e.getClass().getSimpleName() + ": " + e.getMessage()), false);
    }
  }

  /**
   * With an OAuth2 access token. A 401 from the upstream means the token is no longer good (revoked, or
   * expired early): it is dropped, a new one fetched, and the request sent once more; a second 401 stands.
   */
  private NodeResult withToken(HttpNodeConfig config, NodeContext ctx, CredentialResolver.Secret secret, Instant deadline) {
    String token = tokens.token(secret, Duration.between(Instant.now(), deadline));
    CredentialAuth auth = CredentialAuth.oauth2(secret, token);
    try {
      NodeResult r = call(config, ctx, auth, deadline);
      if (r.output().path("status").asInt() != 401) return NodeResult.of(auth.redact(r.output()));
    } catch (NodeFailure f) {
      boolean unauthorized = f.code().equals("http.status") && f.details() != null && f.details().path("status").asInt() == 401;
      if (!unauthorized) throw auth.redact(f);
    } catch (RuntimeException e) {
      throw new NodeFailure("http.failed", auth.redact(e.getClass().getSimpleName() + ": " + e.getMessage()), false);
    }
    tokens.invalidate(secret, token);
    String fresh = tokens.token(secret, Duration.between(Instant.now(), deadline));
    return authenticated(config, ctx, CredentialAuth.oauth2(secret, token, fresh), deadline);
  }

  private NodeResult call(HttpNodeConfig config, NodeContext ctx, CredentialAuth auth) {
    return call(config, ctx, auth, Instant.now().plus(ctx.timeout()));
  }

  private NodeResult call(HttpNodeConfig config, NodeContext ctx, CredentialAuth auth, Instant deadline) {
    URI uri = uri(config, auth);
    String method = config.method().name();
    HttpRequest request = request(config, ctx, uri, method, true, true, auth);
    HttpResponse<InputStream> resp;
    String target;
    // Redirects are followed here, not by the client, so that every hop's address passes the outbound guard.
    for (int hop = 0; ; hop++) {
      target = method + " " + uri.getScheme() + "://" + uri.getAuthority() + uri.getPath();
      guard(uri, hop > 0);
      resp = send(request, deadline, target, ctx);
      Optional<URI> next = hop < MAX_REDIRECTS ? redirect(uri, resp) : Optional.empty();
      if (next.isEmpty()) break;
      preview(resp.body());
      int code = resp.statusCode();
      String nextMethod = code == 303 || ((code == 301 || code == 302) && method.equals("POST")) ? "GET" : method;
      boolean sameOrigin = origin(next.get()).equals(origin(uri));
      request = request(config, ctx, next.get(), nextMethod, nextMethod.equals(method), sameOrigin, auth);
      uri = next.get();
      method = nextMethod;
    }
    int status = resp.statusCode();
    if (config.failOnStatus() && (status < 200 || status > 299)) {
      // Only a preview is kept: a large error page must not turn a retryable status into too_large.
      ObjectNode details = Json.object();
      details.put("status", status);
      details.put("body", new String(preview(resp.body()), StandardCharsets.UTF_8));
      boolean retryable = status >= 500 || status == 429;
      throw new NodeFailure("http.status", target + " answered " + status, retryable, details,
          retryable ? retryAfter(resp.headers().firstValue("retry-after").orElse(null)).orElse(null) : null);
    }
    int limit = config.maxResponseBytes() == null ? settings.maxResponseBytes()
        : Math.min(config.maxResponseBytes(), settings.maxResponseBytes());
    byte[] bytes = read(resp.body(), limit, target);
    ObjectNode out = Json.object();
    out.put("status", status);
    ObjectNode headers = out.putObject("headers");
    new TreeMap<>(resp.headers().map()).forEach((k, v) -> {
      if (!v.isEmpty()) headers.put(k.toLowerCase(Locale.ROOT), String.join(", ", v));
    });
    out.set("body", parse(bytes, config.responseType(), resp.headers().firstValue("content-type").orElse(""), target));
    return NodeResult.of(out);
  }

  @Override
  public NodeResult sample(HttpNodeConfig config, NodeContext ctx) {
    uri(config, null);
    ObjectNode out = Json.object();
    out.put("status", 200);
    out.putObject("headers").put("content-type", "application/json");
    out.putObject("body");
    return NodeResult.of(out);
  }

  /**
   * Resolves the host of {@code uri} and refuses it when the outbound guard does: before anything is sent.
   * The client then connects to the name just resolved, which the JVM's address cache answers with the
   * addresses checked here (its TTL, {@code networkaddress.cache.ttl}, 30 s by default, ignores the DNS record's).
   */
  private void guard(URI uri, boolean redirected) {
    String host = uri.getHost();
    try {
      settings.outbound().resolve(host);
    } catch (OutboundGuard.BlockedAddressException e) {
      throw new NodeFailure("http.blocked_address", (redirected ? "redirect refused: " : "") + e.getMessage(), false);
    } catch (UnknownHostException e) {
      throw new NodeFailure("http.connect", "cannot resolve host '" + host + "'", true);
    }
  }

  private HttpResponse<InputStream> send(HttpRequest request, Instant deadline, String target, NodeContext ctx) {
    Duration left = Duration.between(Instant.now(), deadline);
    if (left.isNegative() || left.isZero()) {
      throw new NodeFailure("http.timeout", target + ": no answer within " + ctx.timeout(), true);
    }
    try {
      return client.send(HttpRequest.newBuilder(request, (n, v) -> true).timeout(left).build(),
          HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpConnectTimeoutException e) {
      throw new NodeFailure("http.connect", target + ": connect timed out", true);
    } catch (HttpTimeoutException e) {
      throw new NodeFailure("http.timeout", target + ": no answer within " + ctx.timeout(), true);
    } catch (IOException e) {
      throw new NodeFailure("http.connect", target + ": " + e.getClass().getSimpleName() + " " + e.getMessage(), true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeFailure("http.interrupted", target + ": interrupted", true);
    }
  }

  /**
   * Where a redirect leads, as {@link HttpClient.Redirect#NORMAL} would follow it: 301, 302, 303, 307 and 308
   * with a {@code Location} to an http(s) URL, never from https to http.
   */
  private static Optional<URI> redirect(URI from, HttpResponse<?> resp) {
    int code = resp.statusCode();
    if (code != 301 && code != 302 && code != 303 && code != 307 && code != 308) return Optional.empty();
    Optional<String> location = resp.headers().firstValue("location");
    if (location.isEmpty()) return Optional.empty();
    URI to;
    try {
      to = from.resolve(URI.create(location.get().trim()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (to.getScheme() == null || !to.getScheme().matches("(?i)https?") || to.getHost() == null) return Optional.empty();
    if (from.getScheme().equalsIgnoreCase("https") && to.getScheme().equalsIgnoreCase("http")) return Optional.empty();
    return Optional.of(to);
  }

  private static String origin(URI uri) {
    int port = uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
  }

  /**
   * One hop's request. A redirect to another origin drops the credential headers (Authorization, Cookie,
   * Proxy-Authorization) and every header of the node's credential; one that changes the method to GET
   * drops the body.
   */
  private static HttpRequest request(HttpNodeConfig config, NodeContext ctx, URI uri, String method, boolean withBody,
      boolean withCredentials, CredentialAuth auth) {
    HttpRequest.Builder req = HttpRequest.newBuilder(uri);
    headers(config, req, withCredentials);
    if (auth != null && withCredentials) {
      for (Map.Entry<String, String> h : auth.headers.entrySet()) {
        try {
          req.setHeader(h.getKey(), h.getValue());
        } catch (IllegalArgumentException e) {
          // The message would hold the value.
          throw new NodeFailure("credential.invalid", "credential '" + config.auth().credential() + "' has a header the"
              + " request cannot carry: '" + h.getKey() + "'", false);
        }
      }
    }
    idempotencyKey(config, ctx, req);
    req.method(method, withBody ? body(config, req) : HttpRequest.BodyPublishers.noBody());
    return req.build();
  }

  private static URI uri(HttpNodeConfig config, CredentialAuth auth) {
    StringBuilder url = new StringBuilder(config.url());
    if (auth != null && auth.queryName != null) {
      url.append(config.url().contains("?") ? '&' : '?').append(URLEncoder.encode(auth.queryName, StandardCharsets.UTF_8))
          .append('=').append(URLEncoder.encode(auth.queryValue, StandardCharsets.UTF_8));
    }
    if (!config.query().isEmpty()) {
      url.append(url.indexOf("?") >= 0 ? '&' : '?');
      boolean first = true;
      for (Map.Entry<String, JsonNode> q : new TreeMap<>(config.query()).entrySet()) {
        if (!first) url.append('&');
        first = false;
        JsonNode v = q.getValue();
        String text = v == null || v.isNull() ? "" : v.isString() ? v.stringValue() : v.toString();
        url.append(URLEncoder.encode(q.getKey(), StandardCharsets.UTF_8)).append('=')
            .append(URLEncoder.encode(text, StandardCharsets.UTF_8));
      }
    }
    try {
      URI u = URI.create(url.toString());
      if (u.getScheme() == null || !u.getScheme().matches("(?i)https?") || u.getHost() == null) {
        throw new NodeFailure("http.url_invalid", "url must be an absolute http(s) URL", false);
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new NodeFailure("http.url_invalid", "url is not a valid URL: " + e.getMessage(), false);
    }
  }

  private static void headers(HttpNodeConfig config, HttpRequest.Builder req, boolean withCredentials) {
    for (Map.Entry<String, String> h : config.headers().entrySet()) {
      if (!withCredentials && CREDENTIAL_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT))) continue;
      if (h.getValue() == null) {
        throw new NodeFailure("http.header_invalid", "header '" + h.getKey() + "' has no value", false);
      }
      try {
        req.header(h.getKey(), h.getValue());
      } catch (IllegalArgumentException e) {
        throw new NodeFailure("http.header_invalid", "header '" + h.getKey() + "': " + e.getMessage(), false);
      }
    }
  }

  /**
   * Sends the node's idempotency key ({@link NodeContext#idempotencyKey}) under the configured header, unless
   * that is turned off or {@code headers} already sets a header of that name (compared ignoring case): the
   * user's value wins.
   */
  private static void idempotencyKey(HttpNodeConfig config, NodeContext ctx, HttpRequest.Builder req) {
    Optional<String> name;
    try {
      name = idempotencyHeader(config.idempotencyHeader());
    } catch (IllegalArgumentException e) {
      throw new NodeFailure("http.header_invalid", e.getMessage(), false);
    }
    if (name.isEmpty() || config.headers().keySet().stream().anyMatch(h -> h.equalsIgnoreCase(name.get()))) return;
    try {
      req.header(name.get(), ctx.idempotencyKey());
    } catch (IllegalArgumentException e) {
      throw new NodeFailure("http.header_invalid", "header '" + name.get() + "': " + e.getMessage(), false);
    }
  }

  private static HttpRequest.BodyPublisher body(HttpNodeConfig config, HttpRequest.Builder req) {
    JsonNode body = config.body();
    if (body == null || body.isNull() || config.method() == HttpNodeConfig.Method.GET
        || config.method() == HttpNodeConfig.Method.HEAD) {
      return HttpRequest.BodyPublishers.noBody();
    }
    boolean hasType = config.headers().keySet().stream().anyMatch(h -> h.equalsIgnoreCase("content-type"));
    if (body.isString()) {
      if (!hasType) req.header("Content-Type", "text/plain; charset=utf-8");
      return HttpRequest.BodyPublishers.ofString(body.stringValue());
    }
    if (!hasType) req.header("Content-Type", "application/json");
    return HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body));
  }

  private static byte[] read(InputStream in, int limit, String target) {
    try (in) {
      byte[] bytes = in.readNBytes(limit + 1);
      if (bytes.length > limit) {
        throw new NodeFailure("http.response_too_large", target + ": response body exceeds " + limit + " bytes", false);
      }
      return bytes;
    } catch (IOException e) {
      throw new NodeFailure("http.connect", target + ": reading the response failed: " + e.getMessage(), true);
    }
  }

  /** {@code Retry-After} as seconds or an HTTP date; capped, since a server may ask for anything. */
  static Optional<Duration> retryAfter(String header) {
    if (header == null || header.isBlank()) return Optional.empty();
    Duration d;
    try {
      d = Duration.ofSeconds(Long.parseLong(header.trim()));
    } catch (NumberFormatException e) {
      try {
        d = Duration.between(Instant.now(), ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      } catch (DateTimeParseException ex) {
        return Optional.empty();
      }
    }
    if (d.isNegative() || d.isZero()) return Optional.empty();
    return Optional.of(d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d);
  }

  private static byte[] preview(InputStream in) {
    try (in) {
      return in.readNBytes(ERROR_PREVIEW);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static JsonNode parse(byte[] bytes, HttpNodeConfig.ResponseType type, String contentType, String target) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    boolean json = switch (type) {
      case JSON -> true;
      case TEXT -> false;
      case AUTO -> contentType.toLowerCase(Locale.ROOT).contains("json");
    };
    if (!json) return JsonNodeFactory.instance.stringNode(text);
    if (text.isBlank()) return JsonNodeFactory.instance.nullNode();
    try {
      return Json.parse(text);
    } catch (JacksonException e) {
      throw new NodeFailure("http.invalid_json", target + ": response is not JSON: " + e.getOriginalMessage(), false);
    }
  }
}
