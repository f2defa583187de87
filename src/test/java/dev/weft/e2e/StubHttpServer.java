package dev.weft.e2e;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The outside world of the e2e runs: a JDK HTTP server on 127.0.0.1 that counts calls per path, keeps
 * their request headers, and can hold a path's calls until the test releases it. Under {@code .../chat/completions} it answers as an
 * OpenAI-compatible model. Calls under a {@linkplain #keepJournal journaled} prefix are also kept with their
 * idempotency key and when they arrived and were answered, to tell a repeated side effect from a call its caller lost.
 */
final class StubHttpServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
  private final Map<String, List<Headers>> requestHeaders = new ConcurrentHashMap<>();
  private final List<String> journaled = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<Call> journal = java.util.Collections.synchronizedList(new ArrayList<>());
  private final Map<String, java.time.Duration> latencies = new ConcurrentHashMap<>();
  private final Map<String, List<String>> scripts = new ConcurrentHashMap<>();
  /** The calls to a scripted path before its script was set: the script counts from there. */
  private final Map<String, Integer> scriptedAfter = new ConcurrentHashMap<>();

  /**
   * One call under a journaled prefix. Times are {@link System#nanoTime} of this JVM, the clock the tests'
   * fault injectors use; {@code answeredNanos} is 0 while unanswered, and stays 0 when the answer could not
   * be written (the caller was gone).
   */
  static final class Call {
    final String path;
    final String idempotencyKey;
    final long arrivedNanos;
    volatile long answeredNanos;

    Call(String path, String idempotencyKey, long arrivedNanos) {
      this.path = path;
      this.idempotencyKey = idempotencyKey;
      this.arrivedNanos = arrivedNanos;
    }

    boolean answered() {
      return answeredNanos != 0;
    }

    @Override
    public String toString() {
      return path + " key " + idempotencyKey + " arrived " + arrivedNanos + (answered() ? " answered " + answeredNanos : " unanswered");
    }
  }

  StubHttpServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Calls to {@code path} block (at most five minutes) until {@link #release}. */
  void hold(String path) {
    gates.put(path, new CountDownLatch(1));
  }

  void release(String path) {
    CountDownLatch gate = gates.get(path);
    if (gate != null) gate.countDown();
  }

  int calls(String path) {
    AtomicInteger n = calls.get(path);
    return n == null ? 0 : n.get();
  }

  /** The value of header {@code name} in each call to {@code path} so far, in arrival order ({@code null}: absent). */
  List<String> headers(String path, String name) {
    List<Headers> calls = requestHeaders.getOrDefault(path, List.of());
    synchronized (calls) {
      return calls.stream().map(h -> h.getFirst(name)).toList();
    }
  }

  /** From now on, keeps every call whose path starts with {@code prefix} in the {@link #journal}. */
  void keepJournal(String prefix) {
    journaled.add(prefix);
  }

  /** Calls under {@code prefix} take {@code latency} before they are answered, as a remote API's would. */
  void latency(String prefix, java.time.Duration latency) {
    latencies.put(prefix, latency);
  }

  /** The n-th call to {@code path} from now on is answered {@code bodies[n-1]} (JSON), the last one from then on. */
  void script(String path, String... bodies) {
    scriptedAfter.put(path, calls(path));
    scripts.put(path, List.of(bodies));
  }

  /** The journaled calls under {@code prefix}, in arrival order. */
  List<Call> journal(String prefix) {
    synchronized (journal) {
      return journal.stream().filter(c -> c.path.startsWith(prefix)).toList();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    exchange.getRequestBody().readAllBytes();
    Call call = null;
    if (journaled.stream().anyMatch(path::startsWith)) {
      call = new Call(path, exchange.getRequestHeaders().getFirst("Idempotency-Key"), System.nanoTime());
      journal.add(call);
    }
    // Recorded on arrival, before a hold: a call whose caller is killed meanwhile is still on the record.
    List<Headers> seen = requestHeaders.computeIfAbsent(path, p -> new ArrayList<>());
    synchronized (seen) {
      seen.add(exchange.getRequestHeaders());
    }
    int n = calls.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    CountDownLatch gate = gates.get(path);
    java.time.Duration latency = latencies.entrySet().stream().filter(e -> path.startsWith(e.getKey())).map(Map.Entry::getValue)
        .findFirst().orElse(java.time.Duration.ZERO);
    try {
      if (latency.isPositive()) Thread.sleep(latency);
      if (gate != null && !gate.await(5, TimeUnit.MINUTES)) {
        exchange.sendResponseHeaders(504, -1);
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    List<String> script = scripts.get(path);
    byte[] body = (script != null ? script.get(Math.max(1, Math.min(n - scriptedAfter.getOrDefault(path, 0), script.size())) - 1)
        : path.endsWith("/chat/completions") ? chatCompletion("Answer " + n)
        : "{\"path\": \"" + path + "\", \"call\": " + n + "}").getBytes(StandardCharsets.UTF_8);
    // A scripted streamed reply (OpenAI's SSE chunks) goes out as an event stream, everything else as JSON.
    boolean sse = body.length > 5 && new String(body, 0, 5, StandardCharsets.UTF_8).equals("data:");
    exchange.getResponseHeaders().set("Content-Type", sse ? "text/event-stream" : "application/json");
    try {
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.getResponseBody().flush();
      if (call != null) call.answeredNanos = System.nanoTime();
    } catch (IOException e) {
      // The caller is gone (a killed Weft): nothing to answer.
    } finally {
      exchange.close();
    }
  }

  /** A model speaking OpenAI's chat-completions format: its n-th answer is "Answer n". */
  private static String chatCompletion(String text) {
    return dev.weft.ai.StubLlm.completion("e2e-model", text, 40, 5);
  }

  @Override
  public void close() {
    gates.values().forEach(CountDownLatch::countDown);
    server.stop(0);
    executor.shutdownNow();
  }
}
