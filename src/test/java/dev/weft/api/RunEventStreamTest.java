package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.definition.Json;
import dev.weft.store.RunEventHub;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** GET /api/runs/{runId}/events/stream: live events over SSE, resumable, ending with the run. */
class RunEventStreamTest extends ServiceTestSupport {
  @Autowired RunEventHub hub;

  private static final List<String> DELAY_RUN = List.of("run_started", "node_started:greet", "node_completed:greet",
      "node_waiting:wait", "node_completed:wait", "node_started:answer", "node_completed:answer", "run_completed");

  /** One SSE message as the client saw it, and when (System.nanoTime) it arrived. */
  record Sse(String id, String event, JsonNode data, long receivedNanos) {
    String label() {
      return event + (data.has("nodeId") ? ":" + data.get("nodeId").stringValue() : "");
    }
  }

  /** A whole stream: its status, content type, messages and comments, read until the server ends it. */
  record Read(int status, String contentType, String cacheControl, List<Sse> messages, List<String> comments, String body) {}

  @Test
  void aLiveRunStreamsEveryEventInOrderAndTheStreamEndsWithTheRun() {
    String id = create("sse-delay.json", "sse-live");
    Response started = post("/api/workflows/" + id + "/runs", "{\"input\": {\"name\": \"Ada\"}}");
    assertThat(started.status()).isEqualTo(202);
    String runId = started.json().get("runId").stringValue();

    Read read = stream(runId);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.contentType()).startsWith("text/event-stream");
    assertThat(read.cacheControl()).isEqualTo("no-store");
    List<Sse> messages = read.messages();
    assertThat(messages).extracting(Sse::label).containsExactlyElementsOf(DELAY_RUN);
    long previous = 0;
    for (Sse m : messages) {
      long seq = Long.parseLong(m.id());
      assertThat(seq).isGreaterThan(previous);
      previous = seq;
      assertThat(m.data().get("seq").asLong()).isEqualTo(seq);
      assertThat(m.data().get("kind").stringValue()).isEqualTo(m.event());
      assertThat(m.data().get("runId").stringValue()).isEqualTo(runId);
    }
    assertThat(messages.getLast().data().at("/state/status").stringValue()).isEqualTo("COMPLETED");
    // Live, not replayed at the end: the wait was seen while the 2 s timer was still running.
    assertThat(Duration.ofNanos(messages.getLast().receivedNanos() - at(messages, "node_waiting:wait").receivedNanos()))
        .isGreaterThan(Duration.ofMillis(1000));

    // The same JSON as the event log's REST answer.
    JsonNode rest = get("/api/runs/" + runId + "/events").json().get("events");
    assertThat(messages).extracting(Sse::data).containsExactlyElementsOf(rest.valueStream().toList());
  }

  @Test
  void reconnectingWithLastEventIdReplaysOnlyLaterEvents() {
    String id = create("sse-delay.json", "sse-resume");
    String runId = post("/api/workflows/" + id + "/runs", "{\"input\": {\"name\": \"Bo\"}}").json().get("runId").stringValue();
    List<Sse> all = stream(runId).messages();
    assertThat(all).extracting(Sse::label).containsExactlyElementsOf(DELAY_RUN);
    String second = all.get(1).id();

    Read resumed = stream(runId, "Last-Event-ID", second);
    assertThat(resumed.status()).isEqualTo(200);
    assertThat(resumed.messages()).extracting(Sse::id).containsExactlyElementsOf(all.subList(2, all.size()).stream().map(Sse::id).toList());
    assertThat(resumed.messages()).extracting(Sse::label).containsExactlyElementsOf(DELAY_RUN.subList(2, DELAY_RUN.size()));

    // ?after= does the same; the header wins over it (a browser's EventSource resends its URL as it was).
    assertThat(streamPath("/api/runs/" + runId + "/events/stream?after=" + all.get(5).id()).messages())
        .extracting(Sse::label).containsExactly("node_completed:answer", "run_completed");
    assertThat(streamPath("/api/runs/" + runId + "/events/stream?after=0", "Last-Event-ID", all.get(6).id()).messages())
        .extracting(Sse::label).containsExactly("run_completed");

    // An EventSource reconnects after the stream ends: past the run's last event there is nothing more (204).
    Read done = stream(runId, "Last-Event-ID", all.getLast().id());
    assertThat(done.status()).isEqualTo(204);
    assertThat(done.messages()).isEmpty();
  }

  @Test
  void aClientThatGoesAwayIsUnsubscribed() throws Exception {
    String id = create("long-wait.json", "sse-gone");
    String runId = post("/api/workflows/" + id + "/runs", "{}").json().get("runId").stringValue();
    HttpResponse<Stream<String>> response = HTTP.send(HttpRequest.newBuilder(uri("/api/runs/" + runId + "/events/stream"))
        .header("Accept", "text/event-stream").header("Authorization", adminAuthorization()).timeout(Duration.ofSeconds(30)).GET()
        .build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    try (Stream<String> lines = response.body()) {
      // Read until the run sleeps on its 1 h timer.
      CompletableFuture.runAsync(() -> lines.filter(l -> l.equals("event:node_waiting") || l.equals("event: node_waiting"))
          .findFirst().orElseThrow()).get(30, TimeUnit.SECONDS);
      assertThat(hub.subscribers(runId)).isEqualTo(1);
    }
    // Writing to a closed connection fails at the latest with the second heartbeat (the first only draws
    // the peer's reset), about 30 s on; then the stream lets go of its subscription.
    await().atMost(Duration.ofSeconds(50)).until(() -> hub.subscribers(runId) == 0);
    assertThat(post("/api/runs/" + runId + "/cancel", null).status()).isEqualTo(202);
  }

  @Test
  void anUnknownRunIs404ProblemJson() {
    Read r = stream("no-such-run");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(Json.parse(r.body()).get("code").stringValue()).isEqualTo("run.not_found");
  }

  @Test
  void aLastEventIdThatIsNoSeqIs400() {
    String id = create("examples/hello.json", "sse-bad");
    String runId = post("/api/workflows/" + id + "/runs?wait=PT30S", "{\"input\": {\"name\": \"C\"}}").json()
        .get("runId").stringValue();
    Read r = stream(runId, "Last-Event-ID", "abc");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(Json.parse(r.body()).at("/errors/0/path").stringValue()).isEqualTo("header.Last-Event-ID");
  }

  private static Sse at(List<Sse> messages, String label) {
    return messages.stream().filter(m -> m.label().equals(label)).findFirst().orElseThrow();
  }

  private Read stream(String runId, String... headers) {
    return streamPath("/api/runs/" + runId + "/events/stream", headers);
  }

  /** Opens the stream as a browser would and reads it to its end (at most 60 s). */
  private Read streamPath(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Accept", "text/event-stream")
        .header("Authorization", adminAuthorization()).GET();
    if (headers.length > 0) b.headers(headers);
    HttpResponse<Stream<String>> response;
    try {
      response = HTTP.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofLines());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    Stream<String> lines = response.body();
    String cacheControl = response.headers().firstValue("Cache-Control").orElse("");
    CompletableFuture<Read> reading = CompletableFuture.supplyAsync(() -> parse(response.statusCode(), contentType, cacheControl, lines));
    try {
      return reading.get(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      lines.close();
      throw new AssertionError("the stream " + path + " did not end within 60 s", e);
    } catch (ExecutionException e) {
      throw new AssertionError("reading the stream " + path + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      lines.close();
    }
  }

  /** A minimal SSE parser: fields until a blank line make a message; lines starting with ':' are comments. */
  private static Read parse(int status, String contentType, String cacheControl, Stream<String> lines) {
    List<Sse> messages = new ArrayList<>();
    List<String> comments = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    String[] id = {null};
    String[] event = {null};
    StringBuilder data = new StringBuilder();
    boolean[] hasData = {false};
    lines.forEach(line -> {
      body.append(line).append('\n');
      if (line.isEmpty()) {
        if (hasData[0]) {
          messages.add(new Sse(id[0], event[0] == null ? "message" : event[0], Json.parse(data.toString()), System.nanoTime()));
        }
        event[0] = null;
        data.setLength(0);
        hasData[0] = false;
        return;
      }
      if (line.startsWith(":")) {
        comments.add(line.substring(1).strip());
        return;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) value = value.substring(1);
      switch (field) {
        case "id" -> id[0] = value;
        case "event" -> event[0] = value;
        case "data" -> {
          if (hasData[0]) data.append('\n');
          data.append(value);
          hasData[0] = true;
        }
        default -> { }
      }
    });
    return new Read(status, contentType, cacheControl, messages, comments, body.toString());
  }
}
