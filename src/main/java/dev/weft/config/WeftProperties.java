package dev.weft.config;

import dev.weft.definition.DefinitionLimits;
import dev.weft.engine.EngineSettings;
import dev.weft.expression.ExpressionLimits;
import dev.weft.limits.LimitSettings;
import dev.weft.node.http.HttpNodeSettings;
import dev.weft.node.http.OutboundGuard;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Weft's settings, under {@code weft.*}. Every limit is explicit here. */
@ConfigurationProperties(prefix = WeftProperties.PREFIX)
public record WeftProperties(
    @DefaultValue("all") WeftRole role,
    @DefaultValue Engine engine,
    @DefaultValue Limits limits,
    @DefaultValue Http http,
    @DefaultValue Outbound outbound,
    @DefaultValue Api api,
    @DefaultValue Embedded embedded,
    @DefaultValue Security security,
    @DefaultValue CredentialUse credentialUse) {
  public static final String PREFIX = "weft";

  /**
   * What is kept in memory of credentials in use ({@code weft.credential-use.*}): OAuth2 access tokens
   * ({@code oauth2ClientCredentials}; see {@link dev.weft.node.http.OAuth2Settings}) and the model clients of
   * profiles that name a credential ({@code maxModelClients}, least recently used dropped first).
   */
  public record CredentialUse(
      @DefaultValue("30s") Duration tokenExpiryMargin,
      @DefaultValue("5m") Duration tokenDefaultLifetime,
      @DefaultValue("10s") Duration tokenTimeout,
      @DefaultValue("65536") int maxTokenResponseBytes,
      @DefaultValue("1000") int maxCachedTokens,
      @DefaultValue("64") int maxModelClients) {
    public CredentialUse {
      if (maxModelClients < 1) throw new IllegalArgumentException("weft.credential-use.max-model-clients must be at least 1");
    }

    public dev.weft.node.http.OAuth2Settings oauth2() {
      return new dev.weft.node.http.OAuth2Settings(tokenExpiryMargin, tokenDefaultLifetime, tokenTimeout, maxTokenResponseBytes,
          maxCachedTokens);
    }
  }

  /** The REST API. */
  public record Api(
      @DefaultValue("2097152") long maxRequestBytes,
      @DefaultValue("60s") Duration maxWait,
      @DefaultValue("50") int defaultPageSize,
      @DefaultValue("500") int maxPageSize,
      @DefaultValue("30m") Duration streamTimeout,
      @DefaultValue("5s") Duration streamPollInterval,
      @DefaultValue({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-auth-token"})
      List<String> redactedHeaders,
      @DefaultValue Cors cors) {}

  /**
   * Cross-origin access from browser pages: the origins ({@code https://app.example.com}) allowed to call
   * the API; none by default, and then no CORS headers are sent. {@code maxAge}: how long a browser may
   * cache a preflight answer.
   */
  public record Cors(List<String> allowedOrigins, @DefaultValue("30m") Duration maxAge) {
    public Cors {
      allowedOrigins = allowedOrigins == null ? List.of()
          : allowedOrigins.stream().map(String::trim).filter(o -> !o.isEmpty()).toList();
      if (allowedOrigins.contains("*")) {
        throw new IllegalArgumentException("weft.api.cors.allowed-origins names origins; '*' is not allowed");
      }
    }
  }

  /**
   * API keys. {@code adminKey} ({@code WEFT_ADMIN_KEY}) is the admin key stored at start when no active
   * admin key exists; unset, one is generated and shown once in the log. {@code lastUsedGranularity}:
   * a key's {@code lastUsedAt} is written at most this often. {@code publicApiDocs} opens the OpenAPI
   * document and Swagger UI to callers without a key (a browser cannot send one when it loads them).
   */
  public record Security(
      String adminKey,
      @DefaultValue("60s") Duration lastUsedGranularity,
      @DefaultValue("false") boolean publicApiDocs,
      @DefaultValue Jwt jwt) {
    public static final int MIN_ADMIN_KEY_LENGTH = 24;

    public Security {
      if (adminKey != null && adminKey.isBlank()) adminKey = null;
      if (adminKey != null && (adminKey.strip().length() != adminKey.length() || adminKey.length() < MIN_ADMIN_KEY_LENGTH)) {
        // Never the key itself in the message: it ends up in the start-up failure report.
        throw new IllegalArgumentException("WEFT_ADMIN_KEY (weft.security.admin-key) must be at least " + MIN_ADMIN_KEY_LENGTH
            + " characters without surrounding spaces (it has " + adminKey.length() + "); use a random value such as "
            + "the output of 'openssl rand -base64 32'");
      }
    }

    /** Never the admin key: this record may be printed. */
    @Override
    public String toString() {
      return "Security[adminKey=" + (adminKey == null ? "unset" : "set") + ", lastUsedGranularity=" + lastUsedGranularity
          + ", publicApiDocs=" + publicApiDocs + ", jwt=" + jwt + "]";
    }
  }

  /**
   * JWT bearer tokens from an OIDC provider, besides API keys; off unless {@code issuerUri} (OIDC discovery;
   * the token's {@code iss} must equal it) or {@code jwkSetUri} (the provider's keys; {@code issuer}, when
   * set, is the {@code iss} tokens must have) is set, not both. {@code audiences}: when set, a token's
   * {@code aud} must hold one of them. The claims name the principal, its Weft roles, groups and tenant.
   * {@code clockSkew}: leeway on {@code exp} and {@code nbf}; {@code fetchTimeout}: connect and read
   * timeout of the discovery and JWK set requests.
   */
  public record Jwt(
      java.net.URI issuerUri,
      java.net.URI jwkSetUri,
      String issuer,
      List<String> audiences,
      @DefaultValue("sub") String principalClaim,
      @DefaultValue("roles") String rolesClaim,
      @DefaultValue("groups") String groupsClaim,
      @DefaultValue("tenant") String tenantClaim,
      @DefaultValue("60s") Duration clockSkew,
      @DefaultValue("5s") Duration fetchTimeout) {
    public Jwt {
      issuer = issuer == null || issuer.isBlank() ? null : issuer.strip();
      audiences = audiences == null ? List.of() : audiences.stream().map(String::strip).filter(a -> !a.isEmpty()).toList();
      if (issuerUri != null && jwkSetUri != null) {
        throw new IllegalArgumentException("set weft.security.jwt.issuer-uri (OIDC discovery) or weft.security.jwt.jwk-set-uri, not both");
      }
      if (issuerUri != null && issuer != null && !issuer.equals(issuerUri.toString())) {
        throw new IllegalArgumentException("weft.security.jwt.issuer goes with jwk-set-uri; with issuer-uri, tokens' iss must be issuer-uri itself");
      }
      if (issuerUri == null && jwkSetUri == null && (issuer != null || !audiences.isEmpty())) {
        throw new IllegalArgumentException("weft.security.jwt.issuer and audiences need weft.security.jwt.issuer-uri or jwk-set-uri");
      }
      for (var u : java.util.Arrays.asList(issuerUri, jwkSetUri)) {
        if (u != null && (!u.isAbsolute() || !List.of("https", "http").contains(u.getScheme()) || u.getHost() == null)) {
          throw new IllegalArgumentException("weft.security.jwt.issuer-uri and jwk-set-uri are http(s) URLs; got '" + u + "'");
        }
      }
      for (String claim : java.util.Arrays.asList(principalClaim, rolesClaim, groupsClaim, tenantClaim)) {
        if (claim == null || claim.isBlank()) throw new IllegalArgumentException("weft.security.jwt.*-claim names a claim; it cannot be blank");
      }
      if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("weft.security.jwt.clock-skew must be between 0s and 10m");
      }
      if (fetchTimeout.isNegative() || fetchTimeout.isZero()) {
        throw new IllegalArgumentException("weft.security.jwt.fetch-timeout must be positive");
      }
    }

    /** Whether bearer tokens are accepted at all. */
    public boolean enabled() {
      return issuerUri != null || jwkSetUri != null;
    }
  }

  /** The embedded run mode: PostgreSQL's data directory and port (0 = any free port). */
  public record Embedded(
      @DefaultValue("./data") String dataDir,
      @DefaultValue("0") int postgresPort,
      @DefaultValue("false") boolean cleanOnStart) {}

  /** The interpreter. */
  public record Engine(
      @DefaultValue("weft") String taskQueue,
      @DefaultValue("131072") int claimCheckBytes,
      @DefaultValue("16384") int statePreviewBytes,
      @DefaultValue("4096") int eventInputBytes,
      /** A run continues-as-new once its history holds this many events (Temporal warns at 10,240). */
      @DefaultValue("4000") int historyBudget) {

    public EngineSettings settings() {
      return new EngineSettings(claimCheckBytes, statePreviewBytes, eventInputBytes, historyBudget);
    }
  }

  /**
   * Limits on definitions and expressions; and the rate limits and LLM budgets ({@link LimitSettings}):
   * {@code enabled}, the {@code defaultTier} of tenants, each tier's numbers over the built-in ones
   * ({@code tiers.<tier>.<limit>.principal|tenant}, {@code tiers.<tier>.open-streams},
   * {@code tiers.<tier>.llm-tokens-per-day}; 0 = unlimited) and how often expired buckets are swept.
   */
  public record Limits(
      @DefaultValue("1048576") int maxDefinitionBytes,
      @DefaultValue("2500") int maxNodes,
      @DefaultValue("5000") int maxEdges,
      @DefaultValue("200") int maxNameLength,
      @DefaultValue("4096") int maxExpressionLength,
      @DefaultValue("10000") int maxExpressionIterations,
      @DefaultValue("1048576") int maxTemplateChars,
      @DefaultValue("262144") int maxInputBytes,
      @DefaultValue("true") boolean enabled,
      @DefaultValue("enterprise") String defaultTier,
      Map<String, LimitSettings.TierSettings> tiers,
      @DefaultValue("10m") Duration sweepInterval) {

    /** The rate limits and budgets: the built-in tiers with {@code tiers} over them. */
    public LimitSettings rates() {
      return LimitSettings.of(enabled, defaultTier, tiers, sweepInterval);
    }

    public DefinitionLimits definition() {
      return new DefinitionLimits(maxDefinitionBytes, maxNodes, maxEdges, maxNameLength);
    }

    public ExpressionLimits expression() {
      return new ExpressionLimits(maxExpressionLength, maxExpressionIterations, maxTemplateChars);
    }
  }

  /**
   * The outbound guard of the {@code http} node ({@link OutboundGuard}): {@code allow} lists CIDRs and host
   * names it may reach although they are private, loopback or link-local; {@code blockPrivate} {@code false}
   * turns the range check off (cloud-metadata endpoints stay refused unless allowed by exact name or address).
   */
  public record Outbound(List<String> allow, @DefaultValue("true") boolean blockPrivate) {
    public Outbound {
      allow = allow == null ? List.of() : List.copyOf(allow);
    }

    /** @throws IllegalArgumentException when an allow entry is neither a CIDR nor a host name */
    public OutboundGuard guard() {
      return new OutboundGuard(allow, blockPrivate);
    }
  }

  /** The {@code http} node. */
  public record Http(@DefaultValue("10485760") int maxResponseBytes, @DefaultValue("10s") Duration connectTimeout) {
    public HttpNodeSettings settings(Outbound outbound) {
      return new HttpNodeSettings(maxResponseBytes, connectTimeout, outbound.guard());
    }
  }
}
