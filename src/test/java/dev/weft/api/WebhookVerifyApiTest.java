package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.definition.Json;
import io.temporal.client.WorkflowClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Webhook triggers that verify their requests, over HTTP: a signed or token-carrying request starts its run;
 * any failed check is 401 {@code webhook.unauthorized} and starts none; a body over the trigger's
 * {@code maxBodyBytes} is 413; saving checks the configuration; and the secret's bytes appear in no answer,
 * event, audit entry, Temporal history or log line.
 */
@ExtendWith(OutputCaptureExtension.class)
class WebhookVerifyApiTest extends ServiceTestSupport {
  @Autowired WorkflowClient client;

  /** Every answer a test got, for the leak scan. */
  private final List<String> answers = new ArrayList<>();

  private static String name(String prefix) {
    return uniqueId(prefix).toLowerCase();
  }

  private void credential(String name, String type, String data) {
    Response r = post("/api/credentials", "{\"name\": \"" + name + "\", \"type\": \"" + type + "\", \"data\": " + data + "}");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
  }

  /** Saves the echo workflow listening on {@code path} with {@code trigger} fields added; returns its id. */
  private String hook(String path, String triggerFields) {
    String id = uniqueId("vhook");
    ObjectNode def = (ObjectNode) Json.parse(definition("webhook-echo.json", id).replace("PATH", path));
    ObjectNode extra = (ObjectNode) Json.parse("{" + triggerFields + "}");
    ((ObjectNode) def.get("trigger")).setAll(extra);
    Response r = post("/api/workflows", def.toString());
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return id;
  }

  private Response hit(String path, byte[] body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri("/hooks/" + path + "?source=test")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) b.headers(headers);
    Response r = anonymous().send(b);
    answers.add(r.status() + " " + r.headers().map() + " " + r.text());
    return r;
  }

  private int runs(String workflowId) {
    return get("/api/runs?workflowId=" + workflowId).json().get("runs").size();
  }

  private static byte[] hmac(String secret, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return mac.doFinal(data);
  }

  private static byte[] body(String email) {
    return ("{\"email\": \"" + email + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  private static void assertUnauthorized(Response r, String path) {
    assertThat(r.status()).as(r.text()).isEqualTo(401);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("code").stringValue()).isEqualTo("webhook.unauthorized");
    assertThat(r.json().at("/errors/0/path").stringValue()).isEqualTo(path);
  }

  /**
   * The secret appears nowhere: not in any answer of the test, the runs' state and events, the audit trail,
   * the runs' Temporal histories (also base64-encoded, at each alignment) or the captured log.
   */
  private void assertNoLeak(String secret, CapturedOutput output, String... runIds) {
    List<String> texts = new ArrayList<>(answers);
    texts.add(get("/api/audit?limit=500").text());
    texts.add(output.getAll());
    for (String runId : runIds) {
      texts.add(get("/api/runs/" + runId).text());
      texts.add(get("/api/runs/" + runId + "/events?limit=500").text());
      texts.add(client.fetchHistory(runId).getHistory().toString());
      String historyJson = client.fetchHistory(runId).toJson(false);
      for (int shift = 0; shift < 3; shift++) {
        String b64 = Base64.getEncoder().encodeToString(("xx" + secret).substring(2 - shift).getBytes(StandardCharsets.UTF_8));
        assertThat(historyJson).doesNotContain(b64.substring(4, b64.length() - 4));
      }
    }
    for (String text : texts) assertThat(text).doesNotContain(secret);
  }

  @Test
  void githubStyleSignatureStartsTheRunAndAnyOtherRequestIsRefusedWithoutOne(CapturedOutput output) throws Exception {
    String secret = "gh-SECRET-" + name("s");
    String cred = name("github");
    credential(cred, "custom", "{\"secret\": \"" + secret + "\", \"note\": \"webhook\"}");
    String path = "gh/" + name("p");
    String id = hook(path, "\"verify\": {\"type\": \"hmac\", \"format\": \"github\", \"credential\": \"" + cred + "\"}");
    byte[] body = body("a@example.com");
    String signature = "sha256=" + HexFormat.of().formatHex(hmac(secret, body));

    Response ok = hit(path, body, "X-Hub-Signature-256", signature);
    assertThat(ok.status()).as(ok.text()).isEqualTo(201);
    assertThat(ok.json().get("email").stringValue()).isEqualTo("a@example.com");
    String runId = ok.header("Weft-Run-Id");
    assertThat(runs(id)).isEqualTo(1);
    JsonNode uses = get("/api/audit?action=credential.use&runId=" + runId).json().get("entries");
    assertThat(uses.size()).isEqualTo(1);
    assertThat(uses.get(0).get("targetId").stringValue()).isEqualTo(cred);
    assertThat(uses.get(0).get("principal").stringValue()).isEqualTo("webhook");
    assertThat(get("/api/credentials/" + cred).json().get("lastUsedAt").isNull()).isFalse();

    // The same signature over another body, a broken one, none at all: 401, and still one run.
    assertUnauthorized(hit(path, body("b@example.com"), "X-Hub-Signature-256", signature), "header.X-Hub-Signature-256");
    String flipped = signature.substring(0, signature.length() - 1) + (signature.endsWith("0") ? "1" : "0");
    assertUnauthorized(hit(path, body, "X-Hub-Signature-256", flipped), "header.X-Hub-Signature-256");
    Response missing = hit(path, body);
    assertUnauthorized(missing, "header.X-Hub-Signature-256");
    assertThat(missing.json().get("detail").stringValue()).contains("missing");
    assertUnauthorized(hit(path, body, "X-Hub-Signature-256", signature.substring(7)), "header.X-Hub-Signature-256");
    // The check comes before the body is read: an unsigned body that is not even JSON is 401, not 400.
    assertUnauthorized(hit(path, "{not json".getBytes(StandardCharsets.UTF_8)), "header.X-Hub-Signature-256");
    assertThat(runs(id)).isEqualTo(1);
    assertThat(get("/api/audit?action=credential.use&limit=500").json().get("entries").valueStream()
        .filter(e -> e.get("targetId").stringValue().equals(cred)).count()).as("a refused request writes no use").isEqualTo(1);
    assertThat(output.getAll()).contains("refused: signature_mismatch", "refused: header_missing");

    // A credential without a secret a webhook can use (basic), or none at all: every request is refused,
    // even a correctly signed one.
    assertThat(put("/api/credentials/" + cred, "{\"type\": \"basic\", \"data\": {\"username\": \"u\", \"password\": \""
        + secret + "\"}}").status()).isEqualTo(200);
    assertUnauthorized(hit(path, body, "X-Hub-Signature-256", signature), "");
    assertThat(output.getAll()).contains("has no secret a webhook can use");
    assertThat(delete("/api/credentials/" + cred).status()).isEqualTo(204);
    Response gone = hit(path, body, "X-Hub-Signature-256", signature);
    assertUnauthorized(gone, "");
    assertThat(gone.json().get("detail").stringValue()).doesNotContain(cred);
    assertThat(runs(id)).isEqualTo(1);

    assertNoLeak(secret, output, runId);
  }

  @Test
  void stripeStyleSignatureMustBeWithinTheTolerance(CapturedOutput output) throws Exception {
    String secret = "whsec_SECRET" + name("s");
    String cred = name("stripe");
    credential(cred, "bearer", "{\"token\": \"" + secret + "\"}");
    String path = "stripe/" + name("p");
    String id = hook(path, "\"verify\": {\"type\": \"hmac\", \"format\": \"stripe\", \"credential\": \"" + cred
        + "\", \"toleranceSeconds\": 120}");
    byte[] body = body("s@example.com");

    long now = Instant.now().getEpochSecond();
    String fresh = "t=" + now + ",v1=" + HexFormat.of().formatHex(hmac(secret, (now + "." + new String(body, StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8)));
    Response ok = hit(path, body, "Stripe-Signature", fresh);
    assertThat(ok.status()).as(ok.text()).isEqualTo(201);
    String runId = ok.header("Weft-Run-Id");
    assertThat(get("/api/runs/" + runId).json().at("/input/headers/stripe-signature").stringValue())
        .as("a signature is no secret: the run sees it").isEqualTo(fresh);

    long old = now - 600;
    String stale = "t=" + old + ",v1=" + HexFormat.of().formatHex(hmac(secret, (old + "." + new String(body, StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8)));
    Response late = hit(path, body, "Stripe-Signature", stale);
    assertUnauthorized(late, "header.Stripe-Signature");
    assertThat(late.json().get("detail").stringValue()).contains("120 seconds");
    assertUnauthorized(hit(path, body, "Stripe-Signature", "t=" + now), "header.Stripe-Signature");
    assertThat(runs(id)).isEqualTo(1);

    assertNoLeak(secret, output, runId);
  }

  @Test
  void aTokenHeaderMustHoldTheSecretAndNeverReachesTheRun(CapturedOutput output) {
    String secret = "tok-SECRET-" + name("s");
    String cred = name("token");
    credential(cred, "apiKey", "{\"name\": \"X-Webhook-Token\", \"in\": \"header\", \"value\": \"" + secret + "\"}");
    String path = "token/" + name("p");
    String id = hook(path, "\"verify\": {\"type\": \"token\", \"header\": \"X-Webhook-Token\", \"credential\": \"" + cred + "\"}");

    Response ok = hit(path, body("t@example.com"), "X-Webhook-Token", secret, "X-Trace", "t-1");
    assertThat(ok.status()).as(ok.text()).isEqualTo(201);
    String runId = ok.header("Weft-Run-Id");
    JsonNode headers = get("/api/runs/" + runId).json().at("/input/headers");
    assertThat(headers.get("x-trace").stringValue()).isEqualTo("t-1");
    assertThat(headers.has("x-webhook-token")).isFalse();

    assertUnauthorized(hit(path, body("t@example.com"), "X-Webhook-Token", secret + "x"), "header.X-Webhook-Token");
    assertUnauthorized(hit(path, body("t@example.com"), "X-Webhook-Token", secret.substring(0, secret.length() - 1)),
        "header.X-Webhook-Token");
    assertUnauthorized(hit(path, body("t@example.com")), "header.X-Webhook-Token");
    assertThat(runs(id)).isEqualTo(1);

    assertNoLeak(secret, output, runId);
  }

  @Test
  void aBodyOverTheTriggersLimitIs413AndStartsNoRun() throws Exception {
    String secret = "lim-SECRET-" + name("s");
    String cred = name("limit");
    credential(cred, "custom", "{\"secret\": \"" + secret + "\"}");
    String path = "limit/" + name("p");
    String id = hook(path, "\"maxBodyBytes\": 40, \"verify\": {\"type\": \"hmac\", \"format\": \"github\", \"credential\": \""
        + cred + "\"}");
    byte[] small = body("x@example.com");
    byte[] big = body("x".repeat(40) + "@example.com");
    assertThat(small.length).isLessThanOrEqualTo(40);

    Response tooBig = hit(path, big, "X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(hmac(secret, big)));
    assertThat(tooBig.status()).as(tooBig.text()).isEqualTo(413);
    assertThat(tooBig.contentType()).startsWith("application/problem+json");
    assertThat(tooBig.json().get("code").stringValue()).isEqualTo("request.too_large");
    assertThat(tooBig.json().get("detail").stringValue()).contains("40 bytes");
    assertThat(runs(id)).isZero();

    Response ok = hit(path, small, "X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(hmac(secret, small)));
    assertThat(ok.status()).as(ok.text()).isEqualTo(201);
    assertThat(runs(id)).isEqualTo(1);
  }

  @Test
  void savingChecksTheCredentialAndTheConfiguration() {
    String path = "save/" + name("p");
    ObjectNode tree = (ObjectNode) Json.parse(definition("webhook-echo.json", uniqueId("save")).replace("PATH", path));
    ((ObjectNode) tree.get("trigger")).setAll((ObjectNode) Json.parse("{\"maxBodyBytes\": 999999999, \"verify\": {\"type\": \"hmac\","
        + " \"format\": \"github\", \"credential\": \"nope-missing\", \"prefix\": \"x=\"}}"));
    String def = tree.toString();
    Response r = post("/api/workflows", def);
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.json().get("code").stringValue()).isEqualTo("definition.invalid");
    assertThat(r.json().get("errors").valueStream().map(e -> e.get("code").stringValue() + " " + e.get("path").stringValue()))
        .containsExactlyInAnyOrder("credential.unknown /trigger/verify/credential", "trigger.verify_invalid /trigger/verify/prefix",
            "trigger.max_body_invalid /trigger/maxBodyBytes");
    assertThat(post("/hooks/" + path, "{}").status()).as("nothing was saved").isEqualTo(404);

    // The same with a credential that exists and a limit within weft.api.max-request-bytes is saved.
    String cred = name("exists");
    credential(cred, "bearer", "{\"token\": \"abcdefgh\"}");
    Response saved = post("/api/workflows", def.replace("nope-missing", cred).replace(",\"prefix\":\"x=\"", "")
        .replace("999999999", "1024"));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);
    assertThat(saved.json().at("/definition/trigger/verify/credential").stringValue()).isEqualTo(cred);
    assertThat(saved.json().at("/definition/trigger/maxBodyBytes").asInt()).isEqualTo(1024);
  }
}
