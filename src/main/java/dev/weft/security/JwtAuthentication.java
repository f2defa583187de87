package dev.weft.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A bearer JWT: first as presented (unauthenticated, holding the token), then as verified (authenticated,
 * holding the {@link WeftPrincipal} its claims name, never the token). Its authorities are the roles' as
 * for an API key ({@link Role#authorities}), so every role rule treats keys and tokens alike.
 */
public final class JwtAuthentication extends AbstractAuthenticationToken {
  private final WeftPrincipal principal;
  private final String issuer;
  private final java.time.Instant expiresAt;
  private String token;

  private JwtAuthentication(String token, WeftPrincipal principal, String issuer, java.time.Instant expiresAt) {
    super(principal == null ? List.of() : Role.authorities(principal.roles()));
    this.token = token;
    this.principal = principal;
    this.issuer = issuer;
    this.expiresAt = expiresAt;
    setAuthenticated(principal != null);
  }

  static JwtAuthentication presented(String token) {
    return new JwtAuthentication(token, null, null, null);
  }

  static JwtAuthentication verified(WeftPrincipal principal, String issuer, java.time.Instant expiresAt) {
    return new JwtAuthentication(null, principal, issuer, expiresAt);
  }

  /** The {@link WeftPrincipal} once verified; null before. */
  @Override
  public WeftPrincipal getPrincipal() {
    return principal;
  }

  /** The token while presented; null once verified. */
  @Override
  public String getCredentials() {
    return token;
  }

  @Override
  public String getName() {
    return principal == null ? "" : principal.id();
  }

  /** The token's {@code exp}, when it has one: a console session made from it ends then at the latest. */
  public java.time.Instant expiresAt() {
    return expiresAt;
  }

  /** The token's {@code iss}, when it has one. */
  public String issuer() {
    return issuer;
  }

  @Override
  public void eraseCredentials() {
    token = null;
    super.eraseCredentials();
  }

  /** Never the token: this may end up in a log line. */
  @Override
  public String toString() {
    return "JwtAuthentication[principal=" + getName() + ", tenant=" + (principal == null ? "" : principal.tenant())
        + ", issuer=" + issuer + ", authorities=" + getAuthorities() + "]";
  }
}
