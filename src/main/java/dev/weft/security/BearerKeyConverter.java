package dev.weft.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * {@code Authorization: Bearer <value>} → a presented API key, or, when tokens are accepted and the value
 * has the form of a JWT ({@link JwtTokens#looksLikeJwt}), a presented token: a token never reaches the key
 * store and a key never the token decoder. No header: no authentication (the request is anonymous, and
 * refused where a key is needed). Another scheme, or an empty value: a bad key.
 */
public class BearerKeyConverter implements AuthenticationConverter {
  private static final String BEARER = "bearer ";
  private final boolean tokens;

  /** API keys only. */
  public BearerKeyConverter() {
    this(false);
  }

  /** API keys, and JWTs when {@code tokens}. */
  public BearerKeyConverter(boolean tokens) {
    this.tokens = tokens;
  }

  @Override
  public Authentication convert(HttpServletRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null) return null;
    if (header.length() < BEARER.length() || !header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      throw new BadCredentialsException("the Authorization header is not 'Bearer <API key>'");
    }
    String value = header.substring(BEARER.length()).strip();
    if (value.isEmpty()) throw new BadCredentialsException("the Authorization header has no API key after 'Bearer'");
    return tokens && JwtTokens.looksLikeJwt(value) ? JwtAuthentication.presented(value) : ApiKeyAuthentication.presented(value);
  }
}
