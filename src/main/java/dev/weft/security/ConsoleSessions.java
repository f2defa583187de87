package dev.weft.security;

import dev.weft.store.AuditLog;
import dev.weft.store.ConsoleSessionStore;
import dev.weft.store.ConsoleSessionStore.Session;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.springframework.security.core.Authentication;

/**
 * Sessions of the console (the web UI Weft serves at {@code /}). Signing in turns a caller who has just
 * authenticated with an API key or a JWT into a random session token, which the browser keeps in an HttpOnly,
 * SameSite=Strict cookie (scripts cannot read it, other sites cannot send it), plus a CSRF token the
 * console's scripts send back in {@code X-CSRF-Token} on every request that changes something. A session
 * lasts at most {@code max-age}, ends after {@code idle-timeout} without requests, and never outlives
 * what it was made from: a revoked or expired key, an expired JWT or a disabled tenant ends it.
 */
public class ConsoleSessions {
  public static final String COOKIE = "weft_session";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration TOUCH_GRANULARITY = Duration.ofMinutes(1);

  private final ConsoleSessionStore store;
  private final AuditLog audit;
  private final Clock clock;
  private final Duration maxAge;
  private final Duration idleTimeout;

  public ConsoleSessions(ConsoleSessionStore store, AuditLog audit, Clock clock, Duration maxAge, Duration idleTimeout) {
    this.store = store;
    this.audit = audit;
    this.clock = clock;
    this.maxAge = maxAge;
    this.idleTimeout = idleTimeout;
  }

  /** A new session: the token goes into the cookie (only here), the rest describes it. */
  public record Started(String token, Session session) {}

  /** Starts a session for a caller who authenticated with a key or a token in this request. */
  public Started start(Authentication caller) {
    if (!(caller.getPrincipal() instanceof WeftPrincipal p)) throw new IllegalArgumentException("not an authenticated caller");
    Instant now = clock.instant();
    Instant expires = now.plus(maxAge);
    String keyId = null;
    if (caller instanceof ApiKeyAuthentication key) {
      keyId = key.keyId();
    } else if (caller instanceof JwtAuthentication jwt && jwt.expiresAt() != null && jwt.expiresAt().isBefore(expires)) {
      expires = jwt.expiresAt();
    } else if (caller instanceof SessionAuthentication) {
      throw new IllegalArgumentException("a session cannot start another session");
    }
    // Ended sessions are forgotten as new ones start: one indexed delete, no scheduler needed.
    store.deleteEnded(now, idleTimeout);
    String token = random();
    Session s = new Session(hash(token), p.tenant(), p.id(), p.roles(), p.groups(), keyId, random(), now, now, expires);
    store.insert(s);
    audit.record(p.id(), "session.start", "session", s.tokenHash().substring(0, 12), null, null, null);
    return new Started(token, s);
  }

  /** The live session of a cookie's token, recording the activity. */
  public Optional<Session> resolve(String token) {
    if (token == null || token.isEmpty() || token.length() > 100) return Optional.empty();
    Instant now = clock.instant();
    Optional<Session> s = store.findLive(hash(token), now, idleTimeout);
    s.filter(x -> x.lastSeenAt().isBefore(now.minus(TOUCH_GRANULARITY))).ifPresent(x -> store.touch(x.tokenHash(), now,
        TOUCH_GRANULARITY));
    return s;
  }

  /** Ends the session of this token (signing out); true when there was one. */
  public boolean end(String token, WeftPrincipal who) {
    if (token == null || token.isEmpty()) return false;
    String h = hash(token);
    boolean ended = store.delete(h);
    if (ended) audit.record(who.id(), "session.end", "session", h.substring(0, 12), null, null, null);
    return ended;
  }

  public Duration maxAge() {
    return maxAge;
  }

  /** Whether a request's CSRF header matches its session's token, in time independent of where they differ. */
  public static boolean csrfMatches(Session s, String header) {
    return header != null && MessageDigest.isEqual(s.csrfToken().getBytes(StandardCharsets.UTF_8),
        header.getBytes(StandardCharsets.UTF_8));
  }

  /** The stored form of a session token: the same SHA-256 hex as an API key's ({@link ApiKeys#hash}). */
  static String hash(String token) {
    return ApiKeys.hash(token);
  }

  /** 256 random bits, base64url (43 characters): session and CSRF tokens, and the OIDC state, nonce and verifier. */
  static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
