package dev.weft.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/** How a token's claims become a {@link WeftPrincipal}. */
class JwtPrincipalsTest {
  private final JwtPrincipals defaults = new JwtPrincipals("sub", "roles", "groups", "tenant");

  private static Jwt jwt(Consumer<Map<String, Object>> claims) {
    return Jwt.withTokenValue("t").header("alg", "RS256").claims(c -> {
      c.put("sub", "alice");
      c.put("tenant", "acme");
      c.put("exp", Instant.now().plusSeconds(60));
      claims.accept(c);
    }).build();
  }

  @Test
  void rolesAreAListOrASpaceSeparatedStringAndOnlyWeftRolesCount() {
    assertThat(defaults.principal(jwt(c -> c.put("roles", List.of("editor", "viewer", "editor")))).roles())
        .containsExactly("editor", "viewer");
    assertThat(defaults.principal(jwt(c -> c.put("roles", "  operator offline_access  viewer "))).roles())
        .containsExactly("operator", "viewer");
    assertThat(defaults.principal(jwt(c -> c.put("roles", List.of("ADMIN", "Admin", "superuser", "role:admin", 7, List.of("admin"))))).roles())
        .as("role names are the lower-case wire names; anything else is ignored").isEmpty();
    assertThat(defaults.principal(jwt(c -> c.put("roles", 42))).roles()).isEmpty();
    assertThat(defaults.principal(jwt(c -> { })).roles()).isEmpty();
  }

  @Test
  void authoritiesAreTheRolesAsForAKey() {
    WeftPrincipal p = defaults.principal(jwt(c -> c.put("roles", List.of("operator", "nope"))));
    JwtAuthentication token = JwtAuthentication.verified(p, "https://idp", null);
    var key = ApiKeyAuthentication.resolved(new ApiKeyService.Authenticated("key_1", p));
    assertThat(token.getAuthorities()).containsExactlyElementsOf(key.getAuthorities());
    assertThat(token.getAuthorities()).extracting(Object::toString).containsExactly("ROLE_OPERATOR");
    assertThat(token.isAuthenticated()).isTrue();
    assertThat(token.getPrincipal()).isEqualTo(p);
    assertThat(token.getName()).isEqualTo("alice");
  }

  @Test
  void groupsKeepTheValidNames() {
    assertThat(defaults.principal(jwt(c -> c.put("groups", List.of("finance", "/realm/ops", "ops", "finance")))).groups())
        .containsExactly("finance", "ops");
    assertThat(defaults.principal(jwt(c -> c.put("groups", "finance ops"))).groups()).containsExactly("finance", "ops");
  }

  @Test
  void theTenantIsATenantIdOrTheTokenIsRefused() {
    assertThat(defaults.tenant(jwt(c -> { }))).isEqualTo("acme");
    assertThat(defaults.principal(jwt(c -> c.put("tenant", "default"))).tenant()).isEqualTo("default");
    for (Object bad : new Object[] {null, "", "Acme", "a", "acme~x", List.of("acme"), 12}) {
      Jwt j = jwt(c -> {
        if (bad == null) c.remove("tenant"); else c.put("tenant", bad);
      });
      assertThatThrownBy(() -> defaults.principal(j)).as(String.valueOf(bad)).isInstanceOf(InvalidBearerTokenException.class)
          .hasMessageContaining("'tenant' claim");
    }
  }

  @Test
  void thePrincipalIsAValidIdAndNotOneOfWeftsOwn() {
    for (Object bad : new Object[] {null, "", "role:admin", "auth0|123", "system", "webhook", "anonymous", 42}) {
      Jwt j = jwt(c -> {
        if (bad == null) c.remove("sub"); else c.put("sub", bad);
      });
      assertThatThrownBy(() -> defaults.principal(j)).as(String.valueOf(bad)).isInstanceOf(InvalidBearerTokenException.class)
          .hasMessageContaining("'sub' claim");
    }
  }

  @Test
  void claimNamesAreSettings() {
    JwtPrincipals custom = new JwtPrincipals("preferred_username", "weft_roles", "teams", "org");
    WeftPrincipal p = custom.principal(jwt(c -> {
      c.put("preferred_username", "bob.smith");
      c.put("weft_roles", "admin");
      c.put("roles", List.of("viewer"));
      c.put("teams", List.of("blue"));
      c.put("org", "globex");
    }));
    assertThat(p).isEqualTo(new WeftPrincipal("bob.smith", List.of("admin"), List.of("blue"), "globex"));
  }
}
