package dev.weft.api;

import dev.weft.config.WeftProperties;

/**
 * Page sizes (a default and an explicit maximum) and keyset cursors: the last row's sort key,
 * opaque to clients.
 */
public class Paging {
  private final int defaultSize;
  private final int maxSize;

  public Paging(WeftProperties.Api api) {
    this.defaultSize = api.defaultPageSize();
    this.maxSize = api.maxPageSize();
  }

  public int limit(Integer requested) {
    if (requested == null) return defaultSize;
    if (requested < 1 || requested > maxSize) {
      throw ApiProblem.badRequest("query.limit", "request.invalid_parameter", "limit must be between 1 and " + maxSize);
    }
    return requested;
  }

  /** A cursor naming the key parts of a page's last row. */
  public static String cursor(Object... parts) {
    String joined = String.join("\n", java.util.Arrays.stream(parts).map(String::valueOf).toList());
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(joined.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** The {@code parts} key parts of a cursor this API returned; 400 for anything else. */
  public static String[] parts(String cursor, int parts) {
    try {
      String[] p = new String(java.util.Base64.getUrlDecoder().decode(cursor), java.nio.charset.StandardCharsets.UTF_8)
          .split("\n", parts);
      if (p.length != parts) throw new IllegalArgumentException("wrong number of parts");
      return p;
    } catch (IllegalArgumentException e) {
      throw ApiProblem.badRequest("query.cursor", "request.invalid_parameter", "not a cursor this API returned");
    }
  }

  /** A cursor part that holds an instant; 400 like any other cursor this API did not return. */
  public static java.time.Instant instant(String part) {
    try {
      return java.time.Instant.parse(part);
    } catch (java.time.format.DateTimeParseException e) {
      throw ApiProblem.badRequest("query.cursor", "request.invalid_parameter", "not a cursor this API returned");
    }
  }
}
