package dev.weft.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** weft.console.oidc.*: off by default; the client secret comes from an environment variable it names. */
class OidcSettingsTest {
  private static final Duration S = Duration.ofSeconds(5);
  private static final WeftProperties.Jwt ISSUER = new WeftProperties.Jwt(URI.create("https://idp.example/realms/weft"), null, null,
      List.of("weft-api"), "sub", "roles", "groups", "tenant", S, S);

  private static ConsoleProperties.Oidc bind(Map<String, String> props) {
    return new Binder(new MapConfigurationPropertySource(props)).bindOrCreate("weft.console", ConsoleProperties.class).oidc();
  }

  @Test
  void offByDefaultWithTheDocumentedDefaults() {
    ConsoleProperties.Oidc oidc = bind(Map.of());
    assertThat(oidc.enabled()).isFalse();
    assertThat(oidc.scopes()).isEqualTo("openid profile email");
    assertThat(oidc.loginTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(oidc.redirectUri()).isNull();
    ConsoleProperties.Oidc on = bind(Map.of("weft.console.oidc.client-id", " weft-console ", "weft.console.oidc.client-secret-env", " "));
    assertThat(on.enabled()).isTrue();
    assertThat(on.clientId()).isEqualTo("weft-console");
    assertThat(on.clientSecretEnv()).as("blank is a public client").isNull();
  }

  @Test
  void badSettingsAreRefused() {
    assertThatThrownBy(() -> new ConsoleProperties.Oidc("c", null, "profile email", "IdP", null, Duration.ofMinutes(10)))
        .hasMessageContaining("openid");
    assertThatThrownBy(() -> new ConsoleProperties.Oidc("c", null, "openid", "IdP", URI.create("/callback"), Duration.ofMinutes(10)))
        .hasMessageContaining("redirect-uri");
    assertThatThrownBy(() -> new ConsoleProperties.Oidc("c", null, "openid", "IdP", null, Duration.ofHours(2)))
        .hasMessageContaining("login-timeout");
  }

  @Test
  void theSecretIsReadFromTheNamedEnvironmentVariableAndAMissingOneStopsStartUp() {
    ConsoleProperties.Oidc confidential = new ConsoleProperties.Oidc("c", "WEFT_OIDC_SECRET", "openid", "IdP", null, Duration.ofMinutes(10));
    assertThatThrownBy(() -> SecurityConfiguration.oidcSignIn(ISSUER, confidential, t -> true, name -> null))
        .hasMessageContaining("WEFT_OIDC_SECRET").hasMessageContaining("not set");
    assertThat(SecurityConfiguration.oidcSignIn(ISSUER, confidential, t -> true,
        name -> "WEFT_OIDC_SECRET".equals(name) ? "s3cret" : null)).isNotNull();
    ConsoleProperties.Oidc noIssuer = new ConsoleProperties.Oidc("c", null, "openid", "IdP", null, Duration.ofMinutes(10));
    WeftProperties.Jwt jwkSetOnly = new WeftProperties.Jwt(null, URI.create("https://idp.example/keys"), null, List.of(), "sub", "roles",
        "groups", "tenant", S, S);
    assertThatThrownBy(() -> SecurityConfiguration.oidcSignIn(jwkSetOnly, noIssuer, t -> true, name -> null))
        .hasMessageContaining("weft.security.jwt.issuer-uri");
  }
}
