package dev.weft.security;

import org.springframework.security.authentication.AuthenticationServiceException;

/**
 * A token could not be checked because the identity provider's discovery document or keys cannot be
 * fetched: answered 503, not 401, since the token may well be good.
 */
public class IssuerUnavailableException extends AuthenticationServiceException {
  public IssuerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
