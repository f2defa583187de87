package dev.weft.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.definition.WebhookVerify;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Parsing and checking webhook signatures and tokens: each form, its edge cases, and what a failure says. */
class WebhookSignaturesTest {
  private static final byte[] SECRET = "It's a Secret to Everybody".getBytes(StandardCharsets.UTF_8);
  private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
  /** GitHub's documented example: this secret and payload give this X-Hub-Signature-256. */
  private static final String GITHUB_EXAMPLE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L);

  private static final WebhookVerify GITHUB = new WebhookVerify("hmac", "github", "gh", null, null, null, null, null);
  private static final WebhookVerify STRIPE = new WebhookVerify("hmac", "stripe", "st", null, null, null, null, null);
  private static final WebhookVerify TOKEN = new WebhookVerify("token", null, "tk", "X-Webhook-Token", null, null, null, null);

  private static Optional<WebhookSignatures.Failure> check(WebhookVerify v, byte[] body, String... headers) {
    Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < headers.length; i += 2) h.put(headers[i], headers[i + 1]);
    return WebhookSignatures.check(v, SECRET, body, h::get, NOW);
  }

  private static String reason(Optional<WebhookSignatures.Failure> f) {
    return f.map(WebhookSignatures.Failure::reason).orElse("ok");
  }

  private static byte[] hmac(String jca, byte[] data) throws Exception {
    Mac mac = Mac.getInstance(jca);
    mac.init(new SecretKeySpec(SECRET, jca));
    return mac.doFinal(data);
  }

  private static String stripeSignature(long t, byte[] body) throws Exception {
    byte[] signed = (t + "." + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    return HexFormat.of().formatHex(hmac("HmacSHA256", signed));
  }

  @Test
  void githubAcceptsItsDocumentedExampleInEitherCaseAndRefusesEverythingElse() {
    assertThat(reason(check(GITHUB, BODY, "X-Hub-Signature-256", GITHUB_EXAMPLE))).isEqualTo("ok");
    assertThat(reason(check(GITHUB, BODY, "x-hub-signature-256", "sha256=" + GITHUB_EXAMPLE.substring(7).toUpperCase(Locale.ROOT))))
        .as("upper-case hex, lower-case header name").isEqualTo("ok");

    assertThat(reason(check(GITHUB, "Hello, World?".getBytes(StandardCharsets.UTF_8), "X-Hub-Signature-256", GITHUB_EXAMPLE)))
        .isEqualTo(WebhookSignatures.SIGNATURE_MISMATCH);
    String flipped = GITHUB_EXAMPLE.substring(0, GITHUB_EXAMPLE.length() - 1) + "6";
    assertThat(reason(check(GITHUB, BODY, "X-Hub-Signature-256", flipped))).isEqualTo(WebhookSignatures.SIGNATURE_MISMATCH);
    assertThat(reason(check(GITHUB, BODY, "X-Hub-Signature-256", GITHUB_EXAMPLE.substring(0, 21))))
        .as("a truncated digest").isEqualTo(WebhookSignatures.SIGNATURE_MISMATCH);
    assertThat(reason(check(GITHUB, BODY, "X-Hub-Signature-256", GITHUB_EXAMPLE.substring(7))))
        .as("prefix missing").isEqualTo(WebhookSignatures.HEADER_MALFORMED);
    assertThat(reason(check(GITHUB, BODY, "X-Hub-Signature-256", "sha1=" + GITHUB_EXAMPLE.substring(7))))
        .isEqualTo(WebhookSignatures.HEADER_MALFORMED);
    assertThat(reason(check(GITHUB, BODY, "X-Hub-Signature-256", "sha256=zz" + GITHUB_EXAMPLE.substring(9))))
        .isEqualTo(WebhookSignatures.HEADER_MALFORMED);
    assertThat(reason(check(GITHUB, BODY, "X-Hub-Signature-256", "sha256=abc"))).as("odd length").isEqualTo(WebhookSignatures.HEADER_MALFORMED);
    assertThat(reason(check(GITHUB, BODY))).isEqualTo(WebhookSignatures.HEADER_MISSING);
    assertThat(reason(check(GITHUB, BODY, "X-Hub-Signature", GITHUB_EXAMPLE))).as("the sha1 header is not the sha256 one")
        .isEqualTo(WebhookSignatures.HEADER_MISSING);
  }

  @Test
  void githubSha1UsesTheOlderHeader() throws Exception {
    WebhookVerify sha1 = new WebhookVerify("hmac", "github", "gh", null, "sha1", null, null, null);
    assertThat(sha1.headerOrDefault()).isEqualTo("X-Hub-Signature");
    String sig = "sha1=" + HexFormat.of().formatHex(hmac("HmacSHA1", BODY));
    assertThat(reason(check(sha1, BODY, "X-Hub-Signature", sig))).isEqualTo("ok");
  }

  @Test
  void stripeChecksAnyV1SignatureOverTimestampAndBodyThenTheTolerance() throws Exception {
    long t = NOW.getEpochSecond() - 100;
    String good = stripeSignature(t, BODY);
    String other = stripeSignature(t, "other".getBytes(StandardCharsets.UTF_8));
    assertThat(reason(check(STRIPE, BODY, "Stripe-Signature", "t=" + t + ",v1=" + good))).isEqualTo("ok");
    assertThat(reason(check(STRIPE, BODY, "Stripe-Signature", "t=" + t + ",v1=" + other + ",v1=" + good + ",v0=" + other)))
        .as("several v1 signatures while a secret rolls: one matching is enough").isEqualTo("ok");
    assertThat(reason(check(STRIPE, BODY, "Stripe-Signature", " t=" + t + " , v1=" + good.toUpperCase(Locale.ROOT))))
        .as("spaces and upper-case hex").isEqualTo("ok");
    assertThat(reason(check(STRIPE, BODY, "Stripe-Signature", "t=" + t + ",v1=" + other + ",v0=" + good)))
        .as("v0 does not count").isEqualTo(WebhookSignatures.SIGNATURE_MISMATCH);
    assertThat(reason(check(STRIPE, BODY, "Stripe-Signature", "t=" + (t + 1) + ",v1=" + good)))
        .as("the timestamp is signed").isEqualTo(WebhookSignatures.SIGNATURE_MISMATCH);
    assertThat(reason(check(STRIPE, BODY, "Stripe-Signature", "t=" + t + ",v1=not-hex,v1=" + good)))
        .as("an unreadable v1 among others is skipped").isEqualTo("ok");

    long old = NOW.getEpochSecond() - 301;
    assertThat(reason(check(STRIPE, BODY, "Stripe-Signature", "t=" + old + ",v1=" + stripeSignature(old, BODY))))
        .isEqualTo(WebhookSignatures.TIMESTAMP_OUTSIDE_TOLERANCE);
    long edge = NOW.getEpochSecond() - 300;
    assertThat(reason(check(STRIPE, BODY, "Stripe-Signature", "t=" + edge + ",v1=" + stripeSignature(edge, BODY)))).isEqualTo("ok");
    long future = NOW.getEpochSecond() + 301;
    assertThat(reason(check(STRIPE, BODY, "Stripe-Signature", "t=" + future + ",v1=" + stripeSignature(future, BODY))))
        .as("from the future, too").isEqualTo(WebhookSignatures.TIMESTAMP_OUTSIDE_TOLERANCE);
    WebhookVerify wide = new WebhookVerify("hmac", "stripe", "st", null, null, null, null, 3600);
    assertThat(reason(check(wide, BODY, "Stripe-Signature", "t=" + old + ",v1=" + stripeSignature(old, BODY)))).isEqualTo("ok");
    assertThat(reason(check(STRIPE, BODY, "Stripe-Signature", "t=" + old + ",v1=" + other)))
        .as("an unsigned request learns nothing about the clock").isEqualTo(WebhookSignatures.SIGNATURE_MISMATCH);

    assertThat(reason(check(STRIPE, BODY, "Stripe-Signature", "v1=" + good))).isEqualTo(WebhookSignatures.HEADER_MALFORMED);
    assertThat(reason(check(STRIPE, BODY, "Stripe-Signature", "t=" + t))).isEqualTo(WebhookSignatures.HEADER_MALFORMED);
    assertThat(reason(check(STRIPE, BODY, "Stripe-Signature", "t=soon,v1=" + good))).isEqualTo(WebhookSignatures.HEADER_MALFORMED);
    assertThat(reason(check(STRIPE, BODY, "Stripe-Signature", "t=" + t + ",t=" + t + ",v1=" + good)))
        .isEqualTo(WebhookSignatures.HEADER_MALFORMED);
    assertThat(reason(check(STRIPE, BODY, "Stripe-Signature", "t=" + t + ",v1=xyz"))).isEqualTo(WebhookSignatures.HEADER_MALFORMED);
    assertThat(reason(check(STRIPE, BODY, "Stripe-Signature", "garbage"))).isEqualTo(WebhookSignatures.HEADER_MALFORMED);
  }

  @Test
  void genericTakesHexOrBase64AfterAnOptionalPrefix() throws Exception {
    byte[] mac = hmac("HmacSHA512", BODY);
    WebhookVerify b64 = new WebhookVerify("hmac", null, "g", "X-Sig", "sha512", "base64", "v1:", null);
    assertThat(reason(check(b64, BODY, "X-Sig", "v1:" + Base64.getEncoder().encodeToString(mac)))).isEqualTo("ok");
    assertThat(reason(check(b64, BODY, "X-Sig", "v1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(mac))))
        .as("URL-safe, unpadded").isEqualTo("ok");
    assertThat(reason(check(b64, BODY, "X-Sig", Base64.getEncoder().encodeToString(mac)))).as("prefix missing")
        .isEqualTo(WebhookSignatures.HEADER_MALFORMED);
    assertThat(reason(check(b64, BODY, "X-Sig", "v1:***"))).isEqualTo(WebhookSignatures.HEADER_MALFORMED);
    assertThat(reason(check(b64, BODY, "X-Sig", "v1:" + Base64.getEncoder().encodeToString(hmac("HmacSHA256", BODY)))))
        .as("another algorithm's digest").isEqualTo(WebhookSignatures.SIGNATURE_MISMATCH);

    WebhookVerify hex = new WebhookVerify("hmac", "generic", "g", "X-Sig", null, null, null, null);
    String sha256 = HexFormat.of().formatHex(hmac("HmacSHA256", BODY));
    assertThat(reason(check(hex, BODY, "X-Sig", sha256))).isEqualTo("ok");
    assertThat(reason(check(hex, BODY, "X-Sig", sha256.toUpperCase(Locale.ROOT)))).isEqualTo("ok");
    assertThat(reason(check(hex, BODY, "X-Sig", "sha256=" + sha256))).as("a prefix nobody configured")
        .isEqualTo(WebhookSignatures.HEADER_MALFORMED);
    assertThat(reason(check(hex, new byte[0], "X-Sig", sha256))).isEqualTo(WebhookSignatures.SIGNATURE_MISMATCH);
    assertThat(reason(check(hex, new byte[0], "X-Sig", HexFormat.of().formatHex(hmac("HmacSHA256", new byte[0])))))
        .as("an empty body is signed too").isEqualTo("ok");
  }

  @Test
  void theTokenMustEqualTheSecretExactly() {
    String secret = new String(SECRET, StandardCharsets.UTF_8);
    assertThat(reason(check(TOKEN, BODY, "X-Webhook-Token", secret))).isEqualTo("ok");
    assertThat(reason(check(TOKEN, BODY, "x-webhook-token", secret))).isEqualTo("ok");
    assertThat(reason(check(TOKEN, BODY, "X-Webhook-Token", secret + "x"))).isEqualTo(WebhookSignatures.TOKEN_MISMATCH);
    assertThat(reason(check(TOKEN, BODY, "X-Webhook-Token", secret.substring(1)))).isEqualTo(WebhookSignatures.TOKEN_MISMATCH);
    assertThat(reason(check(TOKEN, BODY, "X-Webhook-Token", secret.toUpperCase(Locale.ROOT)))).isEqualTo(WebhookSignatures.TOKEN_MISMATCH);
    assertThat(reason(check(TOKEN, BODY, "X-Webhook-Token", ""))).isEqualTo(WebhookSignatures.HEADER_MISSING);
    assertThat(reason(check(TOKEN, BODY, "Authorization", secret))).isEqualTo(WebhookSignatures.HEADER_MISSING);
  }

  @Test
  void aFailureNamesTheCheckNeverTheExpectedValueOrTheSecret() throws Exception {
    String expectedHex = GITHUB_EXAMPLE.substring(7);
    String secret = new String(SECRET, StandardCharsets.UTF_8);
    long t = NOW.getEpochSecond() - 10_000;
    for (Optional<WebhookSignatures.Failure> f : java.util.List.of(
        check(GITHUB, BODY, "X-Hub-Signature-256", "sha256=" + "00".repeat(32)),
        check(GITHUB, BODY, "X-Hub-Signature-256", expectedHex),
        check(STRIPE, BODY, "Stripe-Signature", "t=" + t + ",v1=" + stripeSignature(t, BODY)),
        check(TOKEN, BODY, "X-Webhook-Token", "wrong"))) {
      assertThat(f).isPresent();
      assertThat(f.get().message()).doesNotContain(expectedHex).doesNotContain(expectedHex.toUpperCase(Locale.ROOT))
          .doesNotContain(secret).doesNotContain(stripeSignature(t, BODY)).isNotBlank();
    }
  }
}
