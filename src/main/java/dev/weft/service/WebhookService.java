package dev.weft.service;

import dev.weft.domain.DomainException;
import dev.weft.definition.Durations;
import dev.weft.definition.Json;
import dev.weft.definition.TriggerDef;
import dev.weft.definition.WebhookVerify;
import dev.weft.node.CredentialResolver.Secret;
import dev.weft.security.WebhookSignatures;
import dev.weft.security.WeftPrincipal;
import dev.weft.domain.Tenants;
import dev.weft.store.VersionRecord;
import dev.weft.store.WorkflowRecord;
import dev.weft.store.WorkflowStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Webhook triggers: a request to {@code /hooks/<path>} starts the workflow whose current version has a
 * webhook trigger with that path. Before the body is parsed or a run starts, the raw body is held to the
 * trigger's {@code maxBodyBytes} (413 {@code request.too_large}) and its {@code verify} check (401
 * {@code webhook.unauthorized}; docs/security.md, "Webhooks"). The run's input is {@code {body, query,
 * headers}}; credentials in headers, and a token check's header, are dropped before anything reaches
 * Temporal history.
 */
public class WebhookService {
  private static final Logger log = LoggerFactory.getLogger(WebhookService.class);
  public static final String UNAUTHORIZED = "webhook.unauthorized";

  private final WorkflowStore workflows;
  private final RunService runs;
  private final CredentialService credentials;
  private final Set<String> redacted;
  private final Duration maxWait;
  private final Clock clock;

  public WebhookService(WorkflowStore workflows, RunService runs, CredentialService credentials, Set<String> redactedHeaders,
      Duration maxWait, Clock clock) {
    this.workflows = workflows;
    this.runs = runs;
    this.credentials = credentials;
    this.redacted = redactedHeaders.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
    this.maxWait = maxWait;
    this.clock = clock;
  }

  /** A started (or replayed) run and how long its caller should wait for the answer. */
  public record Triggered(RunService.Started run, Duration responseWait) {}

  /**
   * Starts the run of the workflow listening on {@code path}, if the request passes its trigger's checks.
   *
   * @param body the body exactly as received; empty when there is none
   * @param parse turns the raw body into the run's {@code input.body}; called only once the checks passed
   * @param headers the request's headers (the first value of each)
   */
  public Triggered trigger(String path, byte[] body, Function<byte[], JsonNode> parse, Map<String, ?> query,
      Map<String, String> headers, String idempotencyKey) {
    String workflowId = workflows.workflowForPath(path)
        .orElseThrow(() -> DomainException.notFound("path.path", "webhook.not_found", "no active workflow listens on /hooks/" + path));
    WorkflowRecord w = workflows.find(workflowId).orElseThrow();
    VersionRecord v = workflows.version(workflowId, w.latestVersion()).orElseThrow();
    TriggerDef t = v.definition().trigger();
    if (t != null && t.maxBodyBytes() != null && body.length > t.maxBodyBytes()) {
      String message = "the request body is larger than " + t.maxBodyBytes() + " bytes (the webhook trigger's maxBodyBytes)";
      throw DomainException.of(DomainException.Kind.TOO_LARGE, "", "request.too_large", message);
    }
    WebhookVerify verify = t == null ? null : t.verify();
    String secretType = verify == null ? null : verified(path, workflowId, verify, body, headers);
    Duration wait = t == null || t.responseWait() == null ? Duration.ZERO : Durations.parse(t.responseWait());
    if (wait.compareTo(maxWait) > 0) wait = maxWait;
    ObjectNode input = Json.object();
    input.set("body", parse.apply(body));
    input.set("query", Json.MAPPER.valueToTree(query));
    // A token check's header holds the secret itself: it never reaches the run.
    String token = verify != null && WebhookVerify.TOKEN.equals(verify.type()) ? verify.header().toLowerCase(Locale.ROOT) : null;
    ObjectNode hs = Json.object();
    headers.forEach((k, val) -> {
      String name = k.toLowerCase(Locale.ROOT);
      if (!redacted.contains(name) && !name.equals("idempotency-key") && !name.equals(token)) hs.put(name, val);
    });
    input.set("headers", hs);
    RunService.Started started = runs.start(workflowId, w.latestVersion(), input, "", idempotencyKey, "webhook", WeftPrincipal.WEBHOOK.id());
    if (verify != null) credentials.recordWebhookUse(verify.credential(), secretType, path, started.runId());
    return new Triggered(started, wait);
  }

  /**
   * Checks the request against {@code verify}; answers the credential's type when it passes.
   *
   * @throws DomainException 401 {@code webhook.unauthorized} when it does not, or when the secret cannot be had
   */
  private String verified(String path, String workflowId, WebhookVerify verify, byte[] body, Map<String, String> headers) {
    Secret secret;
    try {
      secret = credentials.openForWebhook(verify.credential()).orElse(null);
    } catch (GeneralSecurityException e) {
      log.warn("webhook /hooks/{} (workflow {}, tenant {}) refused: credential '{}' cannot be decrypted with the configured"
          + " master key(s)", path, workflowId, Tenants.current(), verify.credential());
      throw unavailable();
    }
    if (secret == null) {
      log.warn("webhook /hooks/{} (workflow {}, tenant {}) refused: no credential '{}'", path, workflowId, Tenants.current(),
          verify.credential());
      throw unavailable();
    }
    Optional<byte[]> key = secretOf(secret);
    if (key.isEmpty()) {
      log.warn("webhook /hooks/{} (workflow {}, tenant {}) refused: credential '{}' of type {} has no secret a webhook can use"
          + " (bearer token, apiKey value or custom secret)", path, workflowId, Tenants.current(), verify.credential(), secret.type());
      throw unavailable();
    }
    Optional<WebhookSignatures.Failure> failure;
    try {
      failure = WebhookSignatures.check(verify, key.get(), body, name -> header(headers, name), clock.instant());
    } finally {
      Arrays.fill(key.get(), (byte) 0);
    }
    if (failure.isPresent()) {
      log.info("webhook /hooks/{} (workflow {}, tenant {}) refused: {}", path, workflowId, Tenants.current(), failure.get().reason());
      throw DomainException.of(DomainException.Kind.UNAUTHENTICATED, "header." + verify.headerOrDefault(), UNAUTHORIZED,
          "the request could not be verified: " + failure.get().message());
    }
    return secret.type();
  }

  /**
   * The secret a webhook check uses: a {@code bearer} credential's {@code token}, an {@code apiKey}'s
   * {@code value}, a {@code custom} one's {@code secret} field; none for other types.
   */
  static Optional<byte[]> secretOf(Secret s) {
    String field = switch (s.type()) {
      case "bearer" -> "token";
      case "apiKey" -> "value";
      case "custom" -> "secret";
      default -> null;
    };
    JsonNode v = field == null ? null : s.data().get(field);
    if (v == null || !v.isString() || v.stringValue().isEmpty()) return Optional.empty();
    return Optional.of(v.stringValue().getBytes(StandardCharsets.UTF_8));
  }

  private static DomainException unavailable() {
    return DomainException.of(DomainException.Kind.UNAUTHENTICATED, "", UNAUTHORIZED,
        "the request could not be verified: the webhook's secret is not available");
  }

  private static String header(Map<String, String> headers, String name) {
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) return e.getValue();
    }
    return null;
  }
}
