package dev.weft.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderInitializationException;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/**
 * Verifies a presented JWT and maps its claims to a {@link WeftPrincipal} ({@link JwtPrincipals}). A token
 * that is malformed, badly signed (or by a key the provider does not publish), expired, not yet valid, of
 * another issuer or audience, or without principal or tenant is one kind of failure
 * ({@link InvalidBearerTokenException}, answered 401 with a message of ours); a provider whose keys cannot
 * be fetched is another ({@link IssuerUnavailableException}, 503).
 */
public class JwtTokenProvider implements AuthenticationProvider {
  private static final Logger log = LoggerFactory.getLogger(JwtTokenProvider.class);
  static final String MALFORMED = "the token is malformed, or its signature does not verify with the provider's keys";

  private final JwtDecoder decoder;
  private final JwtPrincipals principals;

  public JwtTokenProvider(JwtDecoder decoder, JwtPrincipals principals) {
    this.decoder = decoder;
    this.principals = principals;
  }

  @Override
  public Authentication authenticate(Authentication authentication) throws AuthenticationException {
    String credentials = ((JwtAuthentication) authentication).getCredentials();
    String token = credentials == null ? "" : credentials;
    Jwt jwt;
    try {
      jwt = decoder.decode(token);
    } catch (JwtValidationException e) {
      // The validators' descriptions are ours (JwtTokens): safe to show.
      String why = e.getErrors().stream().map(OAuth2Error::getDescription).filter(d -> d != null).findFirst().orElse(MALFORMED);
      log.debug("JWT refused: {}", why);
      throw new InvalidBearerTokenException(why);
    } catch (BadJwtException e) {
      // The library's message names what failed (and might quote the token): logged at debug without the token, never answered.
      if (log.isDebugEnabled()) {
        String why = String.valueOf(e.getMessage());
        log.debug("JWT refused: {}", token.isEmpty() ? why : why.replace(token, "[token]"));
      }
      throw new InvalidBearerTokenException(MALFORMED);
    } catch (JwtException | JwtDecoderInitializationException e) {
      throw new IssuerUnavailableException("the identity provider's keys cannot be fetched", e);
    }
    WeftPrincipal principal = principals.principal(jwt);
    return JwtAuthentication.verified(principal, jwt.getClaimAsString("iss"), jwt.getExpiresAt());
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return JwtAuthentication.class.isAssignableFrom(authentication);
  }
}
