package dev.weft.security;

import dev.weft.definition.WebhookVerify;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a webhook request against its trigger's {@link WebhookVerify}: an HMAC of the raw body (GitHub,
 * Stripe or generic form) or a header that must hold the secret. Every comparison of secret-derived bytes
 * is constant-time ({@link MessageDigest#isEqual}); a failure says which check failed, never the expected
 * value or the secret.
 */
public final class WebhookSignatures {
  /** One failed check: a stable {@code reason} and a message fit for the caller and the log. */
  public record Failure(String reason, String message) {}

  public static final String HEADER_MISSING = "header_missing";
  public static final String HEADER_MALFORMED = "header_malformed";
  public static final String SIGNATURE_MISMATCH = "signature_mismatch";
  public static final String TOKEN_MISMATCH = "token_mismatch";
  public static final String TIMESTAMP_OUTSIDE_TOLERANCE = "timestamp_outside_tolerance";

  private WebhookSignatures() {}

  /**
   * Whether the request passes {@code verify}.
   *
   * @param secret the credential's secret (never empty)
   * @param body the request body exactly as received (empty when there is none)
   * @param header a request header by name, case-insensitive; null when absent
   * @param now the time a Stripe timestamp is compared with
   * @return the failure, or empty when the request passes
   */
  public static Optional<Failure> check(WebhookVerify verify, byte[] secret, byte[] body, Function<String, String> header,
      Instant now) {
    String name = verify.headerOrDefault();
    String value = header.apply(name);
    if (value == null || value.isEmpty()) return fail(HEADER_MISSING, "the " + name + " header is missing");
    if (WebhookVerify.TOKEN.equals(verify.type())) {
      // Digests of both: equal lengths, so the comparison does not even reveal the secret's length.
      return MessageDigest.isEqual(sha256(value.getBytes(StandardCharsets.UTF_8)), sha256(secret)) ? Optional.empty()
          : fail(TOKEN_MISMATCH, "the " + name + " header does not hold the webhook's token");
    }
    return switch (verify.formatOrDefault()) {
      case WebhookVerify.GITHUB -> github(verify, name, value, secret, body);
      case WebhookVerify.STRIPE -> stripe(verify, name, value, secret, body, now);
      default -> generic(verify, name, value, secret, body);
    };
  }

  private static Optional<Failure> github(WebhookVerify verify, String name, String value, byte[] secret, byte[] body) {
    String prefix = verify.algorithmOrDefault() + "=";
    if (!value.startsWith(prefix)) return fail(HEADER_MALFORMED, "the " + name + " header does not start with '" + prefix + "'");
    byte[] given = hex(value.substring(prefix.length()));
    if (given == null) return fail(HEADER_MALFORMED, "the " + name + " header does not hold a hex digest after '" + prefix + "'");
    return matches(hmac(verify.algorithmOrDefault(), secret, body), given) ? Optional.empty() : mismatch(name);
  }

  private static Optional<Failure> generic(WebhookVerify verify, String name, String value, byte[] secret, byte[] body) {
    String digest = value.strip();
    if (verify.prefix() != null) {
      if (!digest.startsWith(verify.prefix())) {
        return fail(HEADER_MALFORMED, "the " + name + " header does not start with '" + verify.prefix() + "'");
      }
      digest = digest.substring(verify.prefix().length());
    }
    boolean base64 = "base64".equals(verify.encoding());
    byte[] given = base64 ? base64(digest) : hex(digest);
    if (given == null) {
      return fail(HEADER_MALFORMED, "the " + name + " header does not hold a " + (base64 ? "base64" : "hex") + " digest");
    }
    return matches(hmac(verify.algorithmOrDefault(), secret, body), given) ? Optional.empty() : mismatch(name);
  }

  /**
   * {@code t=<unix seconds>,v1=<hex>[,v1=<hex>...][,v0=...]}: the HMAC-SHA256 of {@code <t>.<body>} must equal
   * one of the {@code v1} signatures (several while a secret is being rolled), and {@code t} must be within
   * the tolerance of {@code now}, in either direction. The timestamp is judged only once a signature matched,
   * so an unsigned request learns nothing about the clock.
   */
  private static Optional<Failure> stripe(WebhookVerify verify, String name, String value, byte[] secret, byte[] body,
      Instant now) {
    String timestamp = null;
    List<byte[]> signatures = new ArrayList<>();
    for (String item : value.split(",", -1)) {
      int eq = item.indexOf('=');
      if (eq < 0) continue;
      String key = item.substring(0, eq).strip();
      String v = item.substring(eq + 1).strip();
      if (key.equals("t")) {
        if (timestamp != null) return fail(HEADER_MALFORMED, "the " + name + " header has more than one timestamp t");
        timestamp = v;
      } else if (key.equals("v1")) {
        byte[] sig = hex(v);
        if (sig != null) signatures.add(sig);
      }
    }
    if (timestamp == null || !timestamp.matches("[0-9]{1,18}")) {
      return fail(HEADER_MALFORMED, "the " + name + " header has no timestamp t=<unix seconds>");
    }
    if (signatures.isEmpty()) return fail(HEADER_MALFORMED, "the " + name + " header has no v1 signature");
    byte[] signed = new byte[timestamp.length() + 1 + body.length];
    byte[] t = timestamp.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(t, 0, signed, 0, t.length);
    signed[t.length] = '.';
    System.arraycopy(body, 0, signed, t.length + 1, body.length);
    byte[] expected = hmac("sha256", secret, signed);
    boolean any = false;
    for (byte[] s : signatures) any |= matches(expected, s);
    if (!any) return mismatch(name);
    long age = Math.abs(now.getEpochSecond() - Long.parseLong(timestamp));
    if (age > verify.toleranceSecondsOrDefault()) {
      return fail(TIMESTAMP_OUTSIDE_TOLERANCE, "the signed timestamp is more than " + verify.toleranceSecondsOrDefault()
          + " seconds from the server's clock");
    }
    return Optional.empty();
  }

  private static boolean matches(byte[] expected, byte[] given) {
    return MessageDigest.isEqual(expected, given);
  }

  private static Optional<Failure> mismatch(String name) {
    return fail(SIGNATURE_MISMATCH, "the signature in the " + name + " header does not match the body");
  }

  private static Optional<Failure> fail(String reason, String message) {
    return Optional.of(new Failure(reason, message));
  }

  /** Hex digits in either case; null when it is not an even number of them. */
  static byte[] hex(String s) {
    if (s.isEmpty() || s.length() % 2 != 0) return null;
    try {
      return HexFormat.of().parseHex(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Standard or URL-safe base64, padded or not; null when it is neither. */
  static byte[] base64(String s) {
    if (s.isEmpty()) return null;
    try {
      return Base64.getDecoder().decode(s.replace('-', '+').replace('_', '/'));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The HMAC of {@code data} under {@code key} with {@code sha1}, {@code sha256} or {@code sha512}. */
  public static byte[] hmac(String algorithm, byte[] key, byte[] data) {
    String jca = switch (algorithm) {
      case "sha1" -> "HmacSHA1";
      case "sha256" -> "HmacSHA256";
      case "sha512" -> "HmacSHA512";
      default -> throw new IllegalArgumentException("unknown HMAC algorithm '" + algorithm + "'");
    };
    try {
      Mac mac = Mac.getInstance(jca);
      mac.init(new SecretKeySpec(key, jca));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(jca + " is not available", e);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
