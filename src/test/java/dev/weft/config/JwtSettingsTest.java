package dev.weft.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** weft.security.jwt.*: off by default, one key source, claims and limits checked at start. */
class JwtSettingsTest {
  private static WeftProperties.Jwt bind(java.util.Map<String, String> props) {
    return new Binder(new MapConfigurationPropertySource(props)).bindOrCreate("weft", WeftProperties.class).security().jwt();
  }

  @Test
  void offByDefaultWithTheDocumentedClaimNames() {
    WeftProperties.Jwt jwt = bind(java.util.Map.of());
    assertThat(jwt.enabled()).isFalse();
    assertThat(jwt.principalClaim()).isEqualTo("sub");
    assertThat(jwt.rolesClaim()).isEqualTo("roles");
    assertThat(jwt.groupsClaim()).isEqualTo("groups");
    assertThat(jwt.tenantClaim()).isEqualTo("tenant");
    assertThat(jwt.clockSkew()).isEqualTo(Duration.ofSeconds(60));
    assertThat(jwt.audiences()).isEmpty();
  }

  @Test
  void aJwkSetWithIssuerAndAudiences() {
    WeftProperties.Jwt jwt = bind(java.util.Map.of("weft.security.jwt.jwk-set-uri", "https://idp.example/keys",
        "weft.security.jwt.issuer", "https://idp.example/", "weft.security.jwt.audiences", "weft, other ,",
        "weft.security.jwt.clock-skew", "5s"));
    assertThat(jwt.enabled()).isTrue();
    assertThat(jwt.jwkSetUri()).isEqualTo(URI.create("https://idp.example/keys"));
    assertThat(jwt.audiences()).containsExactly("weft", "other");
    assertThat(jwt.clockSkew()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void contradictoryOrIncompleteSettingsAreRefused() {
    URI a = URI.create("https://idp.example/");
    Duration s = Duration.ofSeconds(60);
    assertThatThrownBy(() -> new WeftProperties.Jwt(a, URI.create("https://idp.example/keys"), null, List.of(), "sub", "roles", "groups", "tenant", s, s))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> new WeftProperties.Jwt(a, null, "https://else/", List.of(), "sub", "roles", "groups", "tenant", s, s))
        .hasMessageContaining("issuer goes with jwk-set-uri");
    assertThatThrownBy(() -> new WeftProperties.Jwt(null, null, null, List.of("weft"), "sub", "roles", "groups", "tenant", s, s))
        .hasMessageContaining("need");
    assertThatThrownBy(() -> new WeftProperties.Jwt(URI.create("file:///etc/keys"), null, null, List.of(), "sub", "roles", "groups", "tenant", s, s))
        .hasMessageContaining("http(s)");
    assertThatThrownBy(() -> new WeftProperties.Jwt(a, null, null, List.of(), " ", "roles", "groups", "tenant", s, s))
        .hasMessageContaining("blank");
    assertThatThrownBy(() -> new WeftProperties.Jwt(a, null, null, List.of(), "sub", "roles", "groups", "tenant", Duration.ofHours(1), s))
        .hasMessageContaining("clock-skew");
    assertThat(new WeftProperties.Jwt(a, null, a.toString(), List.of(), "sub", "roles", "groups", "tenant", s, s).issuer())
        .isEqualTo(a.toString());
  }
}
