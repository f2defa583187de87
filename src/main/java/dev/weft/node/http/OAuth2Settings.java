package dev.weft.node.http;

import java.time.Duration;

/**
 * How {@link OAuth2Tokens} fetches and keeps access tokens of {@code oauth2ClientCredentials} credentials.
 *
 * @param expiryMargin a token is fetched anew this long before its {@code expires_in} runs out
 * @param defaultLifetime how long a token lives when the token endpoint does not say ({@code expires_in} absent)
 * @param timeout the longest a token request may take (a node's own timeout bounds it too)
 * @param maxResponseBytes the largest token response read
 * @param maxCached the most tokens kept in memory (expired ones go first, then those expiring soonest)
 */
public record OAuth2Settings(Duration expiryMargin, Duration defaultLifetime, Duration timeout, int maxResponseBytes,
    int maxCached) {
  public static final OAuth2Settings DEFAULTS = new OAuth2Settings(Duration.ofSeconds(30), Duration.ofMinutes(5),
      Duration.ofSeconds(10), 64 * 1024, 1000);

  public OAuth2Settings {
    if (expiryMargin == null || expiryMargin.isNegative()) throw new IllegalArgumentException("the token expiry margin must be >= 0");
    if (defaultLifetime == null || defaultLifetime.isNegative()) {
      throw new IllegalArgumentException("the default token lifetime must be >= 0");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("the token timeout must be > 0");
    if (maxResponseBytes < 1) throw new IllegalArgumentException("the token response limit must be at least 1 byte");
    if (maxCached < 1) throw new IllegalArgumentException("at least one token must be cacheable");
  }
}
