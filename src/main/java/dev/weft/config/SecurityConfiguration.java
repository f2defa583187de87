package dev.weft.config;

import static org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher.pathPattern;

import dev.weft.api.AuthProblems;
import dev.weft.security.AdminKeyBootstrap;
import dev.weft.security.ApiKeyAuthenticationProvider;
import dev.weft.security.ApiKeyService;
import dev.weft.security.BearerKeyConverter;
import dev.weft.security.JwtPrincipals;
import dev.weft.security.JwtTokenProvider;
import dev.weft.security.JwtTokens;
import dev.weft.security.OidcSignIn;
import dev.weft.security.OptionalKeyFilter;
import dev.weft.security.Role;
import dev.weft.security.TenantContextFilter;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import dev.weft.store.ApiKeyStore;
import dev.weft.store.AuditLog;
import dev.weft.api.RejectedRequests;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import dev.weft.security.ConsoleSessionFilter;
import dev.weft.security.ConsoleSessions;
import dev.weft.store.AuditLog;
import dev.weft.store.ConsoleSessionStore;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.header.writers.ContentSecurityPolicyHeaderWriter;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may call what. Callers authenticate with an API key ({@code Authorization: Bearer <key>}) or, when
 * {@code weft.security.jwt.*} names an identity provider, with a JWT it issued in the same header; roles
 * nest ({@code admin > editor > operator > viewer}). Stateless: no session, no CSRF token (no cookie
 * authenticates anything), no login form, no HTTP basic. Webhooks and health need no key. The rules
 * are the table in docs/api.md; what no rule names needs admin under {@code /api}, any key elsewhere.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {
  private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);
  /** Paths that never look at a key: a webhook's own Authorization header is the workflow's business. */
  static final RequestMatcher PUBLIC = new OrRequestMatcher(pathPattern("/hooks/**"), pathPattern("/tenants/*/hooks/**"),
      pathPattern("/actuator/health/**"));
  /**
   * Health is public but reads a key when one is sent ({@link OptionalKeyFilter}): an admin's key shows
   * the components' details (management.endpoint.health.show-details: when-authorized, roles ADMIN).
   */
  static final RequestMatcher HEALTH = pathPattern("/actuator/health/**");
  /** Swagger UI is a page with scripts and styles of its own; every other answer is data. */
  static final RequestMatcher SWAGGER_UI = new OrRequestMatcher(pathPattern("/swagger-ui.html"), pathPattern("/swagger-ui/**"));
  /** API answers are never a document to render: nothing may load, frame or be framed. */
  static final String API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  static final String SWAGGER_UI_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
      + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  /** The console's page, scripts, styles and browser libraries: no data, so no caller needed. */
  static final RequestMatcher CONSOLE_ASSETS = new OrRequestMatcher(pathPattern(HttpMethod.GET, "/"),
      pathPattern(HttpMethod.GET, "/index.html"), pathPattern(HttpMethod.GET, "/console/**"),
      pathPattern(HttpMethod.GET, "/webjars/**"), pathPattern(HttpMethod.GET, "/favicon.ico"));
  /** Console sign-in through the OIDC provider: the browser arrives without a key, from the provider's page. */
  static final RequestMatcher OIDC_SIGN_IN = new OrRequestMatcher(pathPattern(HttpMethod.GET, "/api/session/oidc"),
      pathPattern(HttpMethod.GET, "/api/session/oidc/start"), pathPattern(HttpMethod.GET, "/api/session/oidc/callback"));
  /** The console runs its own scripts and styles only, and talks to its own origin only. */
  static final String CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

  /** The firewall's rejections (an encoded ';' in the path, odd bytes) as problem+json 400, not Boot's error page. */
  @Bean
  RequestRejectedHandler requestRejectedHandler() {
    return new RejectedRequests();
  }

  /**
   * CORS for the origins of {@code weft.api.cors.allowed-origins}; none by default, and then no CORS
   * headers at all (a browser page from another origin cannot read the API's answers).
   */
  static CorsConfigurationSource cors(WeftProperties.Cors settings) {
    CorsConfiguration c = new CorsConfiguration();
    c.setAllowedOrigins(settings.allowedOrigins());
    c.setAllowedMethods(List.of("GET", "POST", "PUT", "DELETE", "OPTIONS"));
    c.setAllowedHeaders(List.of("Authorization", "Content-Type", "Accept", "Idempotency-Key", "Last-Event-ID"));
    c.setExposedHeaders(List.of("Location", "Retry-After", "ETag"));
    c.setAllowCredentials(false);
    c.setMaxAge(settings.maxAge());
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    source.registerCorsConfiguration("/api/**", c);
    source.registerCorsConfiguration("/v3/api-docs/**", c);
    source.registerCorsConfiguration("/v3/api-docs", c);
    return source;
  }

  @Bean
  ApiKeyService apiKeyService(ApiKeyStore store, AuditLog audit, WeftProperties props) {
    return new ApiKeyService(store, audit, Clock.systemUTC(), props.security().lastUsedGranularity());
  }

  /** A bean, so Boot does not set up its default user with a generated password. */
  @Bean
  ApiKeyAuthenticationProvider apiKeyAuthenticationProvider(ApiKeyService keys) {
    return new ApiKeyAuthenticationProvider(keys);
  }

  @Bean
  RoleHierarchy roleHierarchy() {
    return RoleHierarchyImpl.fromHierarchy(Role.HIERARCHY);
  }

  @Bean
  ConsoleSessions consoleSessions(ConsoleSessionStore store, AuditLog audit, ConsoleProperties console) {
    return new ConsoleSessions(store, audit, Clock.systemUTC(), console.session().maxAge(), console.session().idleTimeout());
  }

  @Bean
  SecurityFilterChain apiSecurity(HttpSecurity http, ApiKeyAuthenticationProvider provider, WeftProperties props,
      dev.weft.store.TenantStore tenants, ConsoleSessions sessions, ConsoleProperties console) throws Exception {
    AuthProblems problems = new AuthProblems();
    WeftProperties.Jwt jwt = props.security().jwt();
    List<AuthenticationProvider> providers = new ArrayList<>(List.of(provider));
    if (jwt.enabled()) providers.add(jwtTokenProvider(jwt, tenants::active));
    ProviderManager authenticator = new ProviderManager(providers);
    BearerKeyConverter bearer = new BearerKeyConverter(jwt.enabled());
    AuthenticationFilter keys = new AuthenticationFilter(authenticator, bearer);
    keys.setRequestMatcher(new NegatedRequestMatcher(PUBLIC));
    keys.setFailureHandler(problems);
    // Go on with the request (the default would redirect, as after a login form).
    keys.setSuccessHandler((request, response, authentication) -> { });
    String admin = Role.ADMIN.name();
    String editor = Role.EDITOR.name();
    String operator = Role.OPERATOR.name();
    String viewer = Role.VIEWER.name();
    String[] apiDocs = {"/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**"};
    http
        .csrf(AbstractHttpConfigurer::disable)
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .httpBasic(AbstractHttpConfigurer::disable)
        .formLogin(AbstractHttpConfigurer::disable)
        .logout(AbstractHttpConfigurer::disable)
        .requestCache(AbstractHttpConfigurer::disable)
        // Spring Security's defaults (nosniff, X-Frame-Options, no-cache, HSTS over TLS) plus a referrer
        // policy and a Content-Security-Policy: strict for API answers, Swagger UI's own for its page.
        .headers(h -> h
            .frameOptions(f -> f.deny())
            .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER))
            .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(
                new NegatedRequestMatcher(new OrRequestMatcher(SWAGGER_UI, CONSOLE_ASSETS)),
                new ContentSecurityPolicyHeaderWriter(API_CSP)))
            .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(CONSOLE_ASSETS,
                new ContentSecurityPolicyHeaderWriter(CONSOLE_CSP)))
            .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(SWAGGER_UI,
                new ContentSecurityPolicyHeaderWriter(SWAGGER_UI_CSP))))
        .addFilterBefore(keys, AnonymousAuthenticationFilter.class)
        .addFilterBefore(new OptionalKeyFilter(HEALTH, authenticator, bearer), AnonymousAuthenticationFilter.class)
        // No key or token sent: the console's session cookie, when there is one (a change needs its CSRF token).
        .addFilterBefore(new ConsoleSessionFilter(sessions, new OrRequestMatcher(PUBLIC, CONSOLE_ASSETS, OIDC_SIGN_IN), problems),
            AnonymousAuthenticationFilter.class)
        // Whoever authenticated (key or token), the rest of the request works in the caller's tenant.
        .addFilterBefore(new TenantContextFilter(), AuthorizationFilter.class)
        .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .cors(c -> {
          if (props.api().cors().allowedOrigins().isEmpty()) c.disable();
          else c.configurationSource(cors(props.api().cors()));
        })
        .authorizeHttpRequests(a -> {
          // The request itself was authorised; its async (SSE) and error dispatches go through.
          a.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll();
          a.requestMatchers(PUBLIC).permitAll();
          // A CORS preflight carries no key; the CORS filter answers it before this point when CORS is on.
          if (!props.api().cors().allowedOrigins().isEmpty()) a.requestMatchers(HttpMethod.OPTIONS, "/**").permitAll();
          if (props.security().publicApiDocs()) a.requestMatchers(HttpMethod.GET, apiDocs).permitAll();
          if (console.enabled()) a.requestMatchers(CONSOLE_ASSETS).permitAll();
          // Signing in through the OIDC provider: nobody has authenticated yet.
          if (console.enabled()) a.requestMatchers(OIDC_SIGN_IN).permitAll();
          // Signing in to the console and out: whoever authenticated.
          a.requestMatchers("/api/session").authenticated();
          a.requestMatchers("/api/keys", "/api/keys/**", "/api/audit", "/api/audit/**").hasRole(admin);
          // Tenants: admins; the service answers 404 unless the admin is one of the default tenant's (the install's).
          a.requestMatchers("/api/tenants", "/api/tenants/**").hasRole(admin);
          // Credentials: admins rotate the master key, editors manage, operators read metadata (never a secret).
          a.requestMatchers(HttpMethod.POST, "/api/credentials/rotate-master-key").hasRole(admin);
          a.requestMatchers(HttpMethod.GET, "/api/credentials", "/api/credentials/**").hasRole(operator);
          a.requestMatchers("/api/credentials", "/api/credentials/**").hasRole(editor);
          // Human tasks: any principal; the workflow decides whether this one is an assigned approver.
          a.requestMatchers(HttpMethod.GET, "/api/approvals", "/api/approvals/**").authenticated();
          a.requestMatchers(HttpMethod.POST, "/api/runs/*/nodes/*/decision", "/api/runs/*/nodes/*/submit").authenticated();
          // Generation saves nothing, but costs model calls: editors only, like writing a definition.
          a.requestMatchers(HttpMethod.POST, "/api/workflows/generate").hasRole(editor);
          // The editor asks which ports a config offers: nothing runs, nothing is saved.
          a.requestMatchers(HttpMethod.POST, "/api/node-types/*/ports").hasRole(viewer);
          // Testing a node really runs it (an http node calls its URL): editors only, like generation.
          a.requestMatchers(HttpMethod.POST, "/api/workflows/test-node", "/api/workflows/*/nodes/*/test").hasRole(editor);
          a.requestMatchers(HttpMethod.POST, "/api/workflows/*/runs", "/api/runs/*/cancel", "/api/runs/*/pause",
              "/api/runs/*/resume", "/api/workflows/*/schedule/pause", "/api/workflows/*/schedule/unpause").hasRole(operator);
          a.requestMatchers(HttpMethod.POST, "/api/workflows", "/api/workflows/**").hasRole(editor);
          a.requestMatchers(HttpMethod.PUT, "/api/workflows/**").hasRole(editor);
          a.requestMatchers(HttpMethod.DELETE, "/api/workflows/**").hasRole(editor);
          // Knowledge bases: editors add and delete bases and documents, viewers read and search them.
          a.requestMatchers(HttpMethod.POST, "/api/knowledge-bases/*/search").hasRole(viewer);
          a.requestMatchers(HttpMethod.POST, "/api/knowledge-bases", "/api/knowledge-bases/**").hasRole(editor);
          a.requestMatchers(HttpMethod.DELETE, "/api/knowledge-bases/**").hasRole(editor);
          // Any role may talk to the agent: its tools check the caller's role for each action.
          a.requestMatchers("/api/agent/**").hasRole(viewer);
          a.requestMatchers(HttpMethod.GET, "/api/**").hasRole(viewer);
          a.requestMatchers(HttpMethod.GET, apiDocs).hasRole(viewer);
          a.requestMatchers(HttpMethod.GET, "/actuator", "/actuator/**").hasRole(viewer);
          a.requestMatchers("/api/**").hasRole(admin);
          a.anyRequest().authenticated();
        });
    return http.build();
  }

  /**
   * Bearer JWTs besides API keys ({@code weft.security.jwt.*}): verified with the provider's published keys,
   * their claims mapped to a {@link dev.weft.security.WeftPrincipal}. Not a bean: Boot's own resource-server
   * set-up stays out of the way, and the API-key provider stays the only provider bean.
   */
  static JwtTokenProvider jwtTokenProvider(WeftProperties.Jwt jwt, java.util.function.Predicate<String> activeTenant) {
    URI source = jwt.issuerUri() != null ? jwt.issuerUri() : jwt.jwkSetUri();
    log.info("JWTs are accepted besides API keys: keys of {} ({}), issuer {}, audiences {}",
        source, jwt.issuerUri() != null ? "OIDC discovery" : "JWK set",
        jwt.issuerUri() != null ? jwt.issuerUri() : jwt.issuer() == null ? "not checked" : jwt.issuer(),
        jwt.audiences().isEmpty() ? "not checked" : jwt.audiences());
    if (jwt.audiences().isEmpty()) {
      log.warn("weft.security.jwt.audiences is empty: any token of the provider, whichever client it was issued to, is accepted");
    }
    return new JwtTokenProvider(
        JwtTokens.decoder(jwt.issuerUri(), jwt.jwkSetUri(), jwt.issuer(), jwt.audiences(), jwt.clockSkew(), jwt.fetchTimeout()),
        new JwtPrincipals(jwt.principalClaim(), jwt.rolesClaim(), jwt.groupsClaim(), jwt.tenantClaim(), activeTenant));
  }

  /**
   * Console sign-in through the provider of {@code weft.security.jwt.issuer-uri}, when
   * {@code weft.console.oidc.client-id} is set. The client secret, for a confidential client, is read from
   * the environment variable {@code weft.console.oidc.client-secret-env} names; a missing one stops start-up.
   */
  @Bean
  @ConditionalOnExpression("'${weft.console.oidc.client-id:}'.trim().length() > 0 and '${weft.console.enabled:true}' == 'true'")
  OidcSignIn oidcSignIn(WeftProperties props, ConsoleProperties console, dev.weft.store.TenantStore tenants) {
    return oidcSignIn(props.security().jwt(), console.oidc(), tenants::active, System::getenv);
  }

  static OidcSignIn oidcSignIn(WeftProperties.Jwt jwt, ConsoleProperties.Oidc oidc, java.util.function.Predicate<String> activeTenant,
      java.util.function.UnaryOperator<String> env) {
    if (jwt.issuerUri() == null) {
      throw new IllegalStateException("weft.console.oidc.client-id needs weft.security.jwt.issuer-uri (the provider, found by OIDC discovery)");
    }
    String secret = null;
    if (oidc.clientSecretEnv() != null) {
      secret = env.apply(oidc.clientSecretEnv());
      if (secret == null || secret.isBlank()) {
        throw new IllegalStateException("weft.console.oidc.client-secret-env names the environment variable " + oidc.clientSecretEnv()
            + ", which is not set");
      }
    }
    JwtPrincipals principals = new JwtPrincipals(jwt.principalClaim(), jwt.rolesClaim(), jwt.groupsClaim(), jwt.tenantClaim(), activeTenant);
    JwtTokenProvider accessTokens = new JwtTokenProvider(
        JwtTokens.decoder(jwt.issuerUri(), null, null, jwt.audiences(), jwt.clockSkew(), jwt.fetchTimeout()), principals);
    // ID tokens: the same keys, issuer and time rules; their audience is the console's client.
    org.springframework.security.oauth2.jwt.JwtDecoder idTokens =
        JwtTokens.decoder(jwt.issuerUri(), null, null, List.of(oidc.clientId()), jwt.clockSkew(), jwt.fetchTimeout());
    log.info("Console sign-in through {} as client {} ({} client), scopes '{}'", jwt.issuerUri(), oidc.clientId(),
        secret == null ? "public" : "confidential", oidc.scopes());
    return new OidcSignIn(jwt.issuerUri(), oidc.clientId(), secret, oidc.scopes(), oidc.loginTimeout(), idTokens, accessTokens,
        principals, jwt.fetchTimeout(), Clock.systemUTC());
  }

  /**
   * The start-up admin key, in processes that serve the API (as {@link ServesApi}; not in a
   * {@code --weft.run} either). Done while the context starts, before requests are served.
   */
  @Bean
  @ConditionalOnExpression("!'${weft.role:all}'.equalsIgnoreCase('worker') and '${weft.run:}'.isBlank()")
  AdminKeyBootstrap adminKeyBootstrap(ApiKeyService keys, ApiKeyStore store, WeftProperties props) {
    return new AdminKeyBootstrap(keys, store, props.security().adminKey(), AdminKeyBootstrap.logBanner(), Clock.systemUTC());
  }
}
