package dev.weft.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * {@code Authorization: Bearer <key>} → a presented key. No header: no authentication (the request is
 * anonymous, and refused where a key is needed). Another scheme, or an empty key: a bad key.
 */
public class BearerKeyConverter implements AuthenticationConverter {
  private static final String BEARER = "bearer ";

  @Override
  public Authentication convert(HttpServletRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null) return null;
    if (header.length() < BEARER.length() || !header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      throw new BadCredentialsException("the Authorization header is not 'Bearer <API key>'");
    }
    String key = header.substring(BEARER.length()).strip();
    if (key.isEmpty()) throw new BadCredentialsException("the Authorization header has no API key after 'Bearer'");
    return ApiKeyAuthentication.presented(key);
  }
}
