package dev.weft.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The key format: {@code weft_} + 32 random bytes in base64url, 48 characters in all. Only the SHA-256
 * of a key is stored. A slow password hash (bcrypt, argon2) defends guessable secrets against offline
 * guessing; a 256-bit random token cannot be guessed, so one fast hash per request is as safe and keeps
 * the lookup a single indexed read.
 */
public final class ApiKeys {
  public static final String PREFIX = "weft_";
  /** Longest Authorization value looked up at all; anything longer is refused without a query. */
  static final int MAX_LENGTH = 512;
  private static final int DISPLAY_LENGTH = 12;
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {}

  public static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The lower-case hex SHA-256 of the key's UTF-8 bytes: what the store keeps and looks up. */
  public static String hash(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The non-secret start of a key, to tell keys apart in lists: 12 characters of a generated key
   * ({@code weft_} + 42 of its 256 random bits), at most a quarter of any other (a configured admin key).
   */
  public static String displayPrefix(String key) {
    return key.substring(0, Math.min(DISPLAY_LENGTH, key.length() / 4));
  }

  /** Random ids for keys: not derived from the key, so an id reveals nothing of it. */
  static String newId() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return "key_" + HexFormat.of().formatHex(bytes);
  }
}
