package dev.weft.security;

import java.time.Duration;

/** The console's session cookie: HttpOnly, SameSite=Strict, for the whole origin, Secure over TLS. */
public final class SessionCookies {
  private SessionCookies() {}

  public static String of(String token, Duration maxAge, boolean secure) {
    return ConsoleSessions.COOKIE + "=" + token + "; Path=/; Max-Age=" + maxAge.toSeconds() + "; HttpOnly; SameSite=Strict"
        + (secure ? "; Secure" : "");
  }

  public static String cleared(boolean secure) {
    return ConsoleSessions.COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
  }
}
