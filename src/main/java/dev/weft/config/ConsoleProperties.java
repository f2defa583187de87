package dev.weft.config;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The console (the web UI at {@code /}): whether it is served, how long a sign-in lasts at most
 * ({@code session.max-age}) and without requests ({@code session.idle-timeout}), the Temporal UI a run
 * page links to ({@code temporal-ui-url}, none by default), and sign-in through the OIDC provider of
 * {@code weft.security.jwt.issuer-uri} ({@code oidc.*}, off unless {@code oidc.client-id} is set).
 */
@ConfigurationProperties("weft.console")
public record ConsoleProperties(@DefaultValue("true") boolean enabled, @DefaultValue Session session, String temporalUiUrl,
    @DefaultValue Oidc oidc) {
  public record Session(@DefaultValue("12h") Duration maxAge, @DefaultValue("2h") Duration idleTimeout) {}

  /**
   * "Sign in with ..." through the provider's login page (authorization-code flow with PKCE, done by the
   * server). {@code clientId}: the console's client at the provider (unset: no such button);
   * {@code clientSecretEnv}: the NAME of the environment variable that holds the client secret, for a
   * confidential client (unset: a public client; the secret itself is never configuration text);
   * {@code scopes}: what the authorization request asks for; {@code displayName}: the provider's name on
   * the button; {@code redirectUri}: the callback URL registered at the provider (unset: this server's
   * {@code /api/session/oidc/callback} as the browser reached it); {@code loginTimeout}: how long a user may
   * take at the provider's page.
   */
  public record Oidc(String clientId, String clientSecretEnv, @DefaultValue("openid profile email") String scopes,
      @DefaultValue("your identity provider") String displayName, URI redirectUri, @DefaultValue("10m") Duration loginTimeout) {
    public Oidc {
      clientId = clientId == null || clientId.isBlank() ? null : clientId.strip();
      clientSecretEnv = clientSecretEnv == null || clientSecretEnv.isBlank() ? null : clientSecretEnv.strip();
      if (clientId != null && !(" " + scopes + " ").contains(" openid ")) {
        throw new IllegalArgumentException("weft.console.oidc.scopes must include 'openid' (sign-in needs an ID token)");
      }
      if (redirectUri != null && (!redirectUri.isAbsolute() || !java.util.List.of("https", "http").contains(redirectUri.getScheme()))) {
        throw new IllegalArgumentException("weft.console.oidc.redirect-uri is an http(s) URL; got '" + redirectUri + "'");
      }
      if (loginTimeout.isNegative() || loginTimeout.isZero() || loginTimeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("weft.console.oidc.login-timeout must be between 1s and 1h");
      }
    }

    /** Whether the console offers sign-in through the provider. */
    public boolean enabled() {
      return clientId != null;
    }
  }
}
