package dev.weft.definition;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * How a webhook trigger checks that a request comes from whoever holds a secret, before its run starts
 * (docs/security.md, "Webhooks"). The secret is a stored credential, named here, never the secret itself.
 *
 * <ul>
 *   <li>{@code type} {@code hmac}: a keyed digest of the raw body in a header. {@code format} {@code github}
 *       ({@code X-Hub-Signature-256: sha256=<hex>}), {@code stripe} ({@code Stripe-Signature: t=<unix>,v1=<hex>}
 *       over {@code <t>.<body>}, within {@code toleranceSeconds}) or {@code generic} (the default: the
 *       {@code encoding} of the digest in {@code header}, after an optional {@code prefix}).</li>
 *   <li>{@code type} {@code token}: {@code header} must hold the secret itself.</li>
 * </ul>
 * Fields a form does not use are refused by the validator rather than ignored, so a typo never weakens a check.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookVerify(
    String type, String format, String credential, String header, String algorithm, String encoding, String prefix,
    Integer toleranceSeconds) {
  public static final String HMAC = "hmac";
  public static final String TOKEN = "token";
  public static final String GITHUB = "github";
  public static final String STRIPE = "stripe";
  public static final String GENERIC = "generic";
  public static final List<String> TYPES = List.of(HMAC, TOKEN);
  public static final List<String> FORMATS = List.of(GITHUB, STRIPE, GENERIC);
  public static final List<String> ALGORITHMS = List.of("sha1", "sha256", "sha512");
  public static final List<String> ENCODINGS = List.of("hex", "base64");
  /** Stripe's own default: a signed timestamp may be at most this far from the server's clock. */
  public static final int DEFAULT_TOLERANCE_SECONDS = 300;
  public static final int MAX_TOLERANCE_SECONDS = 86_400;

  /** The hmac form: {@code generic} when none is given. */
  public String formatOrDefault() {
    return format == null ? GENERIC : format;
  }

  /** The digest algorithm: {@code sha256} when none is given. */
  public String algorithmOrDefault() {
    return algorithm == null ? "sha256" : algorithm;
  }

  /** The header that carries the signature or token: the given one, else the form's usual one (null for generic and token). */
  public String headerOrDefault() {
    if (header != null) return header;
    if (!HMAC.equals(type)) return null;
    return switch (formatOrDefault()) {
      case GITHUB -> "sha1".equals(algorithm) ? "X-Hub-Signature" : "X-Hub-Signature-256";
      case STRIPE -> "Stripe-Signature";
      default -> null;
    };
  }

  public int toleranceSecondsOrDefault() {
    return toleranceSeconds == null ? DEFAULT_TOLERANCE_SECONDS : toleranceSeconds;
  }
}
