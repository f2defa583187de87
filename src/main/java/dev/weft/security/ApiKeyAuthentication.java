package dev.weft.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A bearer API key: first as presented (unauthenticated, holding the key), then as resolved
 * (authenticated, holding the {@link WeftPrincipal} and the key's id, never the key).
 */
public final class ApiKeyAuthentication extends AbstractAuthenticationToken {
  private final WeftPrincipal principal;
  private final String keyId;
  private String key;

  private ApiKeyAuthentication(String key, WeftPrincipal principal, String keyId) {
    super(principal == null ? List.of() : Role.authorities(principal.roles()));
    this.key = key;
    this.principal = principal;
    this.keyId = keyId;
    setAuthenticated(principal != null);
  }

  static ApiKeyAuthentication presented(String key) {
    return new ApiKeyAuthentication(key, null, null);
  }

  static ApiKeyAuthentication resolved(ApiKeyService.Authenticated a) {
    return new ApiKeyAuthentication(null, a.principal(), a.keyId());
  }

  /** The {@link WeftPrincipal} once resolved; null before. */
  @Override
  public WeftPrincipal getPrincipal() {
    return principal;
  }

  @Override
  public String getCredentials() {
    return key;
  }

  @Override
  public String getName() {
    return principal == null ? "" : principal.id();
  }

  public String keyId() {
    return keyId;
  }

  @Override
  public void eraseCredentials() {
    key = null;
    super.eraseCredentials();
  }

  /** Never the key: this may end up in a log line. */
  @Override
  public String toString() {
    return "ApiKeyAuthentication[principal=" + getName() + ", keyId=" + keyId + ", authorities=" + getAuthorities() + "]";
  }
}
