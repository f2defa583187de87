package dev.weft.validate;

import dev.weft.definition.TriggerDef;
import dev.weft.definition.Violation;
import dev.weft.definition.WebhookVerify;
import dev.weft.node.CredentialResolver;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The save-time rules of a webhook trigger's {@code verify} and {@code maxBodyBytes}
 * ({@code trigger.verify_invalid}, {@code trigger.max_body_invalid}). Whether the named credential exists
 * is checked against the store when the definition is saved ({@code credential.unknown}), not here.
 */
final class WebhookTriggerRules {
  private static final String AT = "/trigger/verify";
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]{1,256}");
  /** A prefix such as {@code sha256=}: printable ASCII without spaces or commas. */
  private static final Pattern PREFIX = Pattern.compile("[!-+\\--~]{1,64}");

  private WebhookTriggerRules() {}

  static void check(TriggerDef t, List<Violation> v) {
    if (t.maxBodyBytes() != null && t.maxBodyBytes() < 1) {
      v.add(Violation.of("/trigger/maxBodyBytes", "trigger.max_body_invalid", "maxBodyBytes must be at least 1"));
    }
    WebhookVerify f = t.verify();
    if (f == null || f.type() == null) return;
    if (f.credential() != null && !CredentialResolver.NAME.matcher(f.credential()).matches()) {
      bad(v, "credential", "credential must name a stored credential: [a-z0-9][a-z0-9_-]{0,62}");
    }
    if (f.header() != null && !HEADER_NAME.matcher(f.header()).matches()) bad(v, "header", "header must be an HTTP header name");
    switch (f.type()) {
      case WebhookVerify.HMAC -> hmac(f, v);
      case WebhookVerify.TOKEN -> {
        if (f.header() == null) bad(v, "header", "a token check needs the header that carries the token");
        for (String field : List.of("format", "algorithm", "encoding", "prefix", "toleranceSeconds")) {
          if (present(f, field)) bad(v, field, field + " belongs to hmac checks, not to token checks");
        }
      }
      default -> bad(v, "type", "unknown verify type '" + f.type() + "'; expected one of " + WebhookVerify.TYPES);
    }
  }

  private static void hmac(WebhookVerify f, List<Violation> v) {
    String format = f.formatOrDefault();
    if (!WebhookVerify.FORMATS.contains(format)) {
      bad(v, "format", "unknown format '" + format + "'; expected one of " + WebhookVerify.FORMATS);
      return;
    }
    if (f.algorithm() != null && !WebhookVerify.ALGORITHMS.contains(f.algorithm())) {
      bad(v, "algorithm", "unknown algorithm '" + f.algorithm() + "'; expected one of " + WebhookVerify.ALGORITHMS);
    }
    if (format.equals(WebhookVerify.STRIPE) && f.algorithm() != null && !f.algorithm().equals("sha256")) {
      bad(v, "algorithm", "Stripe signatures (v1) are HMAC-SHA256: algorithm must be sha256 or absent");
    }
    if (!format.equals(WebhookVerify.GENERIC)) {
      for (String field : List.of("encoding", "prefix")) {
        if (present(f, field)) bad(v, field, field + " belongs to the generic format; " + format + " fixes it");
      }
    } else {
      if (f.header() == null) bad(v, "header", "the generic format needs the header that carries the signature");
      if (f.encoding() != null && !WebhookVerify.ENCODINGS.contains(f.encoding())) {
        bad(v, "encoding", "unknown encoding '" + f.encoding() + "'; expected one of " + WebhookVerify.ENCODINGS);
      }
      if (f.prefix() != null && !PREFIX.matcher(f.prefix()).matches()) {
        bad(v, "prefix", "prefix must be 1-64 printable ASCII characters without spaces or commas");
      }
    }
    if (f.toleranceSeconds() != null) {
      if (!format.equals(WebhookVerify.STRIPE)) {
        bad(v, "toleranceSeconds", "toleranceSeconds belongs to the stripe format (the only one with a signed timestamp)");
      } else if (f.toleranceSeconds() < 1 || f.toleranceSeconds() > WebhookVerify.MAX_TOLERANCE_SECONDS) {
        bad(v, "toleranceSeconds", "toleranceSeconds must be between 1 and " + WebhookVerify.MAX_TOLERANCE_SECONDS);
      }
    }
  }

  private static boolean present(WebhookVerify f, String field) {
    return switch (field) {
      case "format" -> f.format() != null;
      case "algorithm" -> f.algorithm() != null;
      case "encoding" -> f.encoding() != null;
      case "prefix" -> f.prefix() != null;
      default -> f.toleranceSeconds() != null;
    };
  }

  private static void bad(List<Violation> v, String field, String message) {
    v.add(Violation.of(AT + "/" + field, "trigger.verify_invalid", message));
  }
}
