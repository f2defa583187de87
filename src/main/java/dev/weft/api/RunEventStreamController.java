package dev.weft.api;

import dev.weft.config.ServesApi;
import dev.weft.config.WeftProperties;
import dev.weft.domain.DomainException;
import dev.weft.engine.RunStatus;
import dev.weft.limits.OpenStreams;
import dev.weft.limits.RateLimit;
import dev.weft.security.WeftPrincipal;
import dev.weft.service.RunService;
import dev.weft.store.EventStore;
import dev.weft.store.RunEventHub;
import dev.weft.store.RunRecord;
import dev.weft.store.StoredEvent;
import dev.weft.domain.Tenants;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * A run's events, live, as Server-Sent Events: {@code id} is the event's seq, {@code event} its kind
 * and {@code data} the same JSON as {@code GET /api/runs/{runId}/events}.
 *
 * <p>Every stream reads the durable event log by seq, so it sees the events of every Weft instance and
 * resumes exactly after {@code Last-Event-ID}. It reads again when the {@link RunEventHub} says the run
 * has new events, and every {@code weft.api.stream-poll-interval} in any case; it ends after the run's
 * last event.
 */
@RestController
@ServesApi
@Tag(name = "Runs")
public class RunEventStreamController {
  private static final Logger log = LoggerFactory.getLogger(RunEventStreamController.class);
  static final int BATCH = 500;
  static final Duration HEARTBEAT = Duration.ofSeconds(15);
  private static final Set<RunStatus> ENDED = EnumSet.of(RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELED,
      RunStatus.TIMED_OUT);

  private final RunService runs;
  private final EventStore events;
  private final RunEventHub hub;
  private final WeftProperties props;
  private final OpenStreams open;

  public RunEventStreamController(RunService runs, EventStore events, RunEventHub hub, WeftProperties props, OpenStreams open) {
    this.runs = runs;
    this.events = events;
    this.hub = hub;
    this.props = props;
    this.open = open;
  }

  @Operation(summary = "A run's events, live (Server-Sent Events)", description = "Replays the run's events, then "
      + "sends new ones as they happen, and ends after run_completed, run_failed or run_canceled. Each message has "
      + "id = seq, event = kind and data = the event as in GET /api/runs/{runId}/events. Resumes after the "
      + "Last-Event-ID header (or ?after=<seq>). A comment is sent when nothing happened for 15 s. 204 when the run "
      + "has ended and there is nothing after Last-Event-ID (an EventSource then stops reconnecting). 429 rate.limited over "
      + "the sse rate limit (streams opened a minute) or while the caller holds its tier's open-streams on this instance.")
  @RateLimited(RateLimit.SSE)
  @GetMapping(path = "/api/runs/{runId}/events/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  ResponseEntity<SseEmitter> stream(@PathVariable String runId,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
      @RequestParam(required = false) String after, @AuthenticationPrincipal WeftPrincipal caller) {
    RunRecord run = runs.record(runId);
    long from = lastEventId != null && !lastEventId.isBlank()
        ? seq(lastEventId, "header.Last-Event-ID")
        : after != null ? seq(after, "query.after") : 0;
    // The run has ended (its last event was committed with its end in the index) and the client has
    // seen everything: 204 tells an EventSource to stop reconnecting.
    if (ENDED.contains(run.status()) && events.list(runId, from, 1).isEmpty()) return ResponseEntity.noContent().build();
    OpenStreams.Slot slot = open.tryOpen(caller.tenant(), caller.id());
    if (slot == null) {
      throw DomainException.of(DomainException.Kind.RATE_LIMITED, "", RateLimitInterceptor.CODE,
          open.refusal(caller.tenant())).with("limit", "open-streams")
          .with("scope", "principal").retryAfter(OpenStreams.RETRY_AFTER_SECONDS);
    }
    SseEmitter emitter = new SseEmitter(props.api().streamTimeout().toMillis());
    // Subscribed before the first read: a wake-up can come early, never too late.
    RunEventHub.Subscription subscription = hub.subscribe(runId);
    emitter.onCompletion(() -> {
      subscription.close();
      slot.close();
    });
    emitter.onError(e -> {
      subscription.close();
      slot.close();
    });
    emitter.onTimeout(() -> {
      subscription.close();
      slot.close();
      emitter.complete();
    });
    Stream stream = new Stream(runId, from, emitter, subscription);
    Thread.ofVirtual().name("weft-sse-" + runId).start(Tenants.bound(() -> {
      try {
        stream.run();
      } finally {
        slot.close();
      }
    }));
    // Not cached, and not buffered by a reverse proxy (nginx honours X-Accel-Buffering).
    return ResponseEntity.ok().header("Cache-Control", "no-store").header("X-Accel-Buffering", "no").body(emitter);
  }

  private static long seq(String value, String path) {
    try {
      long v = Long.parseLong(value.strip());
      if (v >= 0) return v;
    } catch (NumberFormatException e) {
      // below
    }
    throw ApiProblem.badRequest(path, "request.invalid_parameter", "'" + value + "' is not an event id (a seq >= 0)");
  }

  /** One client's stream: reads, sends, waits; on its own virtual thread. */
  private final class Stream {
    private final String runId;
    private final SseEmitter emitter;
    private final RunEventHub.Subscription subscription;
    private long last;
    private long lastSentNanos = System.nanoTime();
    private boolean failing;

    Stream(String runId, long from, SseEmitter emitter, RunEventHub.Subscription subscription) {
      this.runId = runId;
      this.last = from;
      this.emitter = emitter;
      this.subscription = subscription;
    }

    void run() {
      Duration poll = props.api().streamPollInterval();
      try (subscription) {
        while (!subscription.closed()) {
          List<StoredEvent> batch = read();
          for (StoredEvent e : batch) {
            emitter.send(SseEmitter.event().id(Long.toString(e.seq())).name(e.event().kind().wire())
                .data(EventViews.view(e), MediaType.APPLICATION_JSON));
            last = e.seq();
            lastSentNanos = System.nanoTime();
            if (e.event().kind().ends()) {
              emitter.complete();
              return;
            }
          }
          if (batch.size() == BATCH) continue;
          Duration idle = Duration.ofNanos(System.nanoTime() - lastSentNanos);
          if (idle.compareTo(HEARTBEAT) >= 0) {
            emitter.send(SseEmitter.event().comment("heartbeat"));
            lastSentNanos = System.nanoTime();
            idle = Duration.ZERO;
            // A quiet run may have been ended from outside Weft: then its last event is written now.
            reconcile();
            continue;
          }
          Duration untilHeartbeat = HEARTBEAT.minus(idle);
          subscription.await(poll.compareTo(untilHeartbeat) < 0 ? poll : untilHeartbeat);
        }
        // Closed by the client going away, the timeout or this instance shutting down: a client that is
        // still there reconnects with Last-Event-ID (to another instance, if need be).
        emitter.complete();
      } catch (IOException | IllegalStateException e) {
        // The client went away, or the emitter already completed (timeout): nothing more to send.
        log.debug("event stream of run {} ended: {}", runId, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        emitter.complete();
      } catch (RuntimeException e) {
        log.warn("event stream of run {} failed", runId, e);
        emitter.completeWithError(e);
      }
    }

    private void reconcile() {
      try {
        runs.reconcile(runId);
      } catch (RuntimeException e) {
        log.debug("could not check run {} against Temporal: {}", runId, e.toString());
      }
    }

    /**
     * The next events; none while the database cannot be read (it is retried at the next poll, and the
     * client keeps its connection and gets heartbeats meanwhile).
     */
    private List<StoredEvent> read() {
      try {
        List<StoredEvent> batch = events.list(runId, last, BATCH);
        if (failing) {
          log.info("event stream of run {} reads events again", runId);
          failing = false;
        }
        return batch;
      } catch (DataAccessException e) {
        if (!failing) {
          log.warn("event stream of run {} cannot read events; retrying: {}", runId, e.toString());
          failing = true;
        }
        return List.of();
      }
    }
  }
}
