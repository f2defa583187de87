package dev.weft.security;

import dev.weft.domain.Tenants;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/**
 * Who a verified token stands for: the {@link WeftPrincipal} named by its claims. The principal claim must
 * hold a principal id as API keys have them (not one of Weft's own); the roles claim, a list or a
 * space-separated string, grants the Weft roles it names (others are ignored); the groups claim the same
 * for groups (names that are not group names are ignored); the tenant claim must name a tenant id. A token
 * without a principal or a tenant is refused.
 */
public final class JwtPrincipals {
  private final String principalClaim;
  private final String rolesClaim;
  private final String groupsClaim;
  private final String tenantClaim;
  private final java.util.function.Predicate<String> activeTenant;

  /** Claim names as configured; {@code activeTenant} tells whether a tenant exists and is not disabled. */
  public JwtPrincipals(String principalClaim, String rolesClaim, String groupsClaim, String tenantClaim,
      java.util.function.Predicate<String> activeTenant) {
    this.principalClaim = Objects.requireNonNull(principalClaim);
    this.rolesClaim = Objects.requireNonNull(rolesClaim);
    this.groupsClaim = Objects.requireNonNull(groupsClaim);
    this.tenantClaim = Objects.requireNonNull(tenantClaim);
    this.activeTenant = Objects.requireNonNull(activeTenant);
  }

  /** For claim mapping alone: every well-formed tenant id counts as existing. */
  public JwtPrincipals(String principalClaim, String rolesClaim, String groupsClaim, String tenantClaim) {
    this(principalClaim, rolesClaim, groupsClaim, tenantClaim, t -> true);
  }

  /** @throws InvalidBearerTokenException when the token names no valid principal or tenant */
  public WeftPrincipal principal(Jwt jwt) {
    return new WeftPrincipal(id(jwt), roles(jwt), groups(jwt), tenant(jwt));
  }

  /**
   * The tenant the token acts in: its tenant claim, which must name a tenant that exists and is not
   * disabled (as a key of a disabled tenant is refused). The one place a token's tenant is derived.
   *
   * @throws InvalidBearerTokenException when the claim is missing, not a tenant id or no active tenant
   */
  public String tenant(Jwt jwt) {
    if (jwt.getClaims().get(tenantClaim) instanceof String t && Tenants.ID.matcher(t).matches()) {
      if (activeTenant.test(t)) return t;
      throw new InvalidBearerTokenException("the token's tenant does not exist or is disabled");
    }
    throw new InvalidBearerTokenException("the token's '" + tenantClaim + "' claim is missing or not a tenant id");
  }

  String id(Jwt jwt) {
    if (jwt.getClaims().get(principalClaim) instanceof String id && ApiKeyService.PRINCIPAL.matcher(id).matches()
        && !ApiKeyService.RESERVED.contains(id)) {
      return id;
    }
    throw new InvalidBearerTokenException("the token's '" + principalClaim + "' claim is missing or not a valid principal id");
  }

  /** The Weft roles the roles claim names, as wire names, in the claim's order. */
  List<String> roles(Jwt jwt) {
    return values(jwt, rolesClaim, r -> Role.of(r).isPresent());
  }

  List<String> groups(Jwt jwt) {
    return values(jwt, groupsClaim, g -> ApiKeyService.GROUP.matcher(g).matches());
  }

  /** A claim that is a list of strings or a space-separated string: its values that pass {@code keep}, once each. */
  private static List<String> values(Jwt jwt, String claim, Predicate<String> keep) {
    Object value = jwt.getClaims().get(claim);
    Stream<?> items = switch (value) {
      case String s -> Stream.of(s.trim().split("\\s+"));
      case Collection<?> c -> c.stream();
      case null, default -> Stream.empty();
    };
    Set<String> kept = new LinkedHashSet<>();
    items.forEach(i -> {
      if (i instanceof String s && keep.test(s)) kept.add(s);
    });
    return List.copyOf(kept);
  }
}
