package dev.weft.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * llama.cpp's {@code llama-server} serving one GGUF model on 127.0.0.1 with its OpenAI-compatible API
 * ({@code /v1/chat/completions}), as a child process of the test JVM stopped by its own pid. Both files
 * come from {@code llm/install.sh}; see docs/real-model.md.
 */
final class LlamaServer implements AutoCloseable {
  /** The pinned versions {@code llm/install.sh} installs. */
  static final String MODEL = "smollm2-0.1.2/SmolLM2-135M-Instruct.Q4_1.gguf";
  static final String SERVER = "llama-cpp-python-0.3.36/bin/llama-server";
  /** Tokens of context: SmolLM2 was trained with 8,192; a request with more input than this fails with 400. */
  static final int CONTEXT = 4096;
  /** The server's cap on the tokens of one answer when a request sets no {@code max_tokens}: nothing loops forever. */
  static final int MAX_ANSWER_TOKENS = 512;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final int port;
  private final ManagedProcess process;

  private LlamaServer(int port, ManagedProcess process) {
    this.port = port;
    this.process = process;
  }

  /**
   * Starts the server on {@code port} and waits (bounded) until {@code /health} answers 200, which it does
   * once the model is loaded. Fails with the log's tail if the process exits or stays unhealthy.
   */
  static LlamaServer start(int port, Path logDir) {
    Path server = cache().resolve(SERVER);
    Path model = cache().resolve(MODEL);
    if (!Files.isExecutable(server) || !Files.isRegularFile(model)) {
      throw new IllegalStateException("no llama-server at " + server + " or no model at " + model
          + ": run llm/install.sh (or .ci/run) first");
    }
    List<String> cmd = List.of(server.toString(), "--model", model.toString(), "--host", "127.0.0.1",
        "--port", String.valueOf(port), "--ctx-size", String.valueOf(CONTEXT), "--parallel", "1",
        "--n-predict", String.valueOf(MAX_ANSWER_TOKENS), "--threads", String.valueOf(threads()), "--no-webui",
        "--alias", "smollm2-135m-instruct", "--jinja");
    ManagedProcess p = ManagedProcess.start("llama-server", cmd, Map.of(), logDir.resolve("llama-server.log"));
    LlamaServer s = new LlamaServer(port, p);
    try {
      await("llama-server " + p + " healthy").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
          .failFast("llama-server exited: " + p.tail(40), () -> !p.alive())
          .ignoreExceptions()
          .until(() -> s.get("/health") == 200);
    } catch (RuntimeException | Error e) {
      s.close();
      throw e;
    }
    return s;
  }

  /** Where {@code llm/install.sh} puts its files: {@code ${WEFT_CACHE_DIR:-$HOME/.cache/weft}/llm}. */
  static Path cache() {
    String cache = System.getenv("WEFT_CACHE_DIR");
    Path base = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "weft");
    return base.resolve("llm");
  }

  /** Two threads at most: the machines that run CI have two cores, shared. */
  private static int threads() {
    return Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
  }

  /** The OpenAI-compatible base URL, up to and including {@code /v1}. */
  String openAiBaseUrl() {
    return "http://127.0.0.1:" + port + "/v1";
  }

  /** POSTs JSON to the server; the status and body. */
  Rest.Response post(String path, String json, Duration timeout) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(timeout)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Rest.Response(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private int get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).GET()
        .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  String tail() {
    return process.tail(40);
  }

  /** SIGTERM, then SIGKILL after 10 s: by pid, whatever happened. */
  @Override
  public void close() {
    process.stop(10);
  }
}
