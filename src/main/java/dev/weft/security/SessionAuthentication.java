package dev.weft.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A caller signed in to the console: the principal the session was started for, with the same role
 * authorities as a key or a token ({@link Role#authorities}). Holds no credential.
 */
public final class SessionAuthentication extends AbstractAuthenticationToken {
  private final WeftPrincipal principal;

  SessionAuthentication(WeftPrincipal principal) {
    super(Role.authorities(principal.roles()));
    this.principal = principal;
    setAuthenticated(true);
  }

  @Override
  public WeftPrincipal getPrincipal() {
    return principal;
  }

  @Override
  public Object getCredentials() {
    return null;
  }

  @Override
  public String getName() {
    return principal.id();
  }

  @Override
  public String toString() {
    return "SessionAuthentication[" + principal.id() + "]";
  }
}
