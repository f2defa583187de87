package dev.weft.logging;

import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * Masks secrets in log text: bearer tokens ({@code Bearer <token>}), Weft API keys ({@code weft_...}),
 * provider keys ({@code sk-...}) and password values ({@code password=...}, {@code "password": "..."},
 * in any case, also {@code passwd}/{@code pwd} and names ending in {@code password} such as
 * {@code dbPassword}). What stays shows which kind of secret it was: {@code weft_[REDACTED]}.
 */
public final class Redaction {
  /**
   * A log event with this marker is written as it is: only the start-up banner that shows a generated
   * admin key once, which is its whole point.
   */
  public static final Marker UNREDACTED = MarkerFactory.getMarker("WEFT_UNREDACTED");
  static final String MASK = "[REDACTED]";

  private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer\\s+)[A-Za-z0-9._~+/=-]+");
  private static final Pattern WEFT_KEY = Pattern.compile("(?<![A-Za-z0-9])weft_[A-Za-z0-9_-]{6,}");
  private static final Pattern SK_KEY = Pattern.compile("(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{6,}");
  /** {@code "password": "value"} (JSON, also with escaped quotes inside a JSON string). */
  private static final Pattern JSON_PASSWORD =
      Pattern.compile("(?i)(\\\\?\"[A-Za-z_-]*(?:password|passwd|pwd)\\\\?\"\\s*:\\s*\\\\?\")((?:[^\"\\\\]|\\\\(?!\"))*)");
  /** {@code password=value}, {@code password: value} (properties, URLs, form bodies, toString()s). */
  private static final Pattern KV_PASSWORD =
      Pattern.compile("(?i)(\\b[A-Za-z_.-]*(?:password|passwd|pwd)\\s*[=:]\\s*)(?![\\s\"\\\\])[^\\s,;&)}\\]\"']+");

  private Redaction() {}

  /** The text with every secret masked; the same string when there is nothing to mask. */
  public static String redact(String text) {
    if (text == null || text.isEmpty() || !mayHoldSecret(text)) return text;
    String s = BEARER.matcher(text).replaceAll("$1" + MASK);
    s = WEFT_KEY.matcher(s).replaceAll("weft_" + MASK);
    s = SK_KEY.matcher(s).replaceAll("sk-" + MASK);
    s = JSON_PASSWORD.matcher(s).replaceAll("$1" + MASK);
    s = KV_PASSWORD.matcher(s).replaceAll("$1" + MASK);
    return s;
  }

  private static boolean mayHoldSecret(String text) {
    String t = text.toLowerCase(Locale.ROOT);
    return t.contains("bearer") || t.contains("weft_") || t.contains("sk-") || t.contains("passw") || t.contains("pwd");
  }
}
