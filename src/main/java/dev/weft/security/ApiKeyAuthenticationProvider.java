package dev.weft.security;

import org.springframework.dao.DataAccessException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * Resolves a presented API key against the store. A key that is unknown, revoked or expired is one
 * failure ({@link BadCredentialsException}); a store that cannot be read is another
 * ({@link AuthenticationServiceException}), answered 503 rather than 401.
 */
public class ApiKeyAuthenticationProvider implements AuthenticationProvider {
  static final String INVALID = "the API key is unknown, revoked or expired";

  private final ApiKeyService keys;

  public ApiKeyAuthenticationProvider(ApiKeyService keys) {
    this.keys = keys;
  }

  @Override
  public Authentication authenticate(Authentication authentication) throws AuthenticationException {
    String key = ((ApiKeyAuthentication) authentication).getCredentials();
    try {
      return keys.authenticate(key == null ? "" : key).map(ApiKeyAuthentication::resolved)
          .orElseThrow(() -> new BadCredentialsException(INVALID));
    } catch (DataAccessException e) {
      throw new AuthenticationServiceException("the key store is not reachable", e);
    }
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return ApiKeyAuthentication.class.isAssignableFrom(authentication);
  }
}
