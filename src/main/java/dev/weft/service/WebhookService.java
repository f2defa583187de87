package dev.weft.service;

import dev.weft.domain.DomainException;
import dev.weft.definition.Durations;
import dev.weft.definition.Json;
import dev.weft.definition.TriggerDef;
import dev.weft.security.WeftPrincipal;
import dev.weft.store.VersionRecord;
import dev.weft.store.WorkflowRecord;
import dev.weft.store.WorkflowStore;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Webhook triggers: a request to {@code /hooks/<path>} starts the workflow whose current version has a
 * webhook trigger with that path. The run's input is {@code {body, query, headers}}; credentials in
 * headers are dropped before anything reaches Temporal history.
 */
public class WebhookService {
  private final WorkflowStore workflows;
  private final RunService runs;
  private final Set<String> redacted;
  private final Duration maxWait;

  public WebhookService(WorkflowStore workflows, RunService runs, Set<String> redactedHeaders, Duration maxWait) {
    this.workflows = workflows;
    this.runs = runs;
    this.redacted = redactedHeaders.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
    this.maxWait = maxWait;
  }

  /** A started (or replayed) run and how long its caller should wait for the answer. */
  public record Triggered(RunService.Started run, Duration responseWait) {}

  public Triggered trigger(String path, JsonNode body, Map<String, ?> query, Map<String, String> headers, String idempotencyKey) {
    String workflowId = workflows.workflowForPath(path)
        .orElseThrow(() -> DomainException.notFound("path.path", "webhook.not_found", "no active workflow listens on /hooks/" + path));
    WorkflowRecord w = workflows.find(workflowId).orElseThrow();
    VersionRecord v = workflows.version(workflowId, w.latestVersion()).orElseThrow();
    TriggerDef t = v.definition().trigger();
    Duration wait = t == null || t.responseWait() == null ? Duration.ZERO : Durations.parse(t.responseWait());
    if (wait.compareTo(maxWait) > 0) wait = maxWait;
    ObjectNode input = Json.object();
    input.set("body", body);
    input.set("query", Json.MAPPER.valueToTree(query));
    ObjectNode hs = Json.object();
    headers.forEach((k, val) -> {
      String name = k.toLowerCase(Locale.ROOT);
      if (!redacted.contains(name) && !name.equals("idempotency-key")) hs.put(name, val);
    });
    input.set("headers", hs);
    RunService.Started started = runs.start(workflowId, w.latestVersion(), input, "", idempotencyKey, "webhook", WeftPrincipal.WEBHOOK.id());
    return new Triggered(started, wait);
  }
}
