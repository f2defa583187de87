package dev.weft.ai;

import dev.weft.domain.Tenants;

import dev.weft.limits.LlmBudget;
import dev.weft.node.NodeFailure;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.math.BigDecimal;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Optional;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientResponseException;
import tools.jackson.databind.JsonNode;

/**
 * Calls a profile's model once and measures it. Failures become {@link NodeFailure}s with stable codes:
 * {@code llm.rate_limited} (429) and {@code llm.unavailable} (5xx, timeouts, connection errors) are
 * retryable; {@code llm.auth}, {@code llm.rejected} (other 4xx) and configuration errors are not. Each
 * call is counted against the current tenant's daily token budget ({@link LlmBudget}); once it is spent,
 * calls fail with {@code llm.budget_exhausted} before the model is asked (not retryable).
 */
public class LlmClient {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LlmClient.class);
  private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

  /** Bounded calls wait here; a virtual thread per call. */
  private static final ExecutorService CALLS = Executors.newVirtualThreadPerTaskExecutor();

  private final ChatModels models;
  private final LlmBudget budget;

  /** A client with no token budget. */
  public LlmClient(ChatModels models) {
    this(models, LlmBudget.UNLIMITED);
  }

  public LlmClient(ChatModels models, LlmBudget budget) {
    this.models = models;
    this.budget = budget;
  }

  /**
   * Fails with {@code llm.budget_exhausted} (not retryable) when the current tenant's tokens for today are
   * spent: asked before every model call, also by callers that stream from the model themselves (the agent).
   */
  public void checkBudget() {
    budget.exhausted().ifPresent(e -> {
      throw new NodeFailure(LlmBudget.Exhausted.CODE, e.message(), false);
    });
  }

  /**
   * Counts a call's tokens against the current tenant's budget for today. A failure to count is logged, not
   * thrown: the answer is paid for, and failing the node would only make a retry pay again.
   */
  public void spent(long tokensIn, long tokensOut) {
    try {
      budget.spent(tokensIn + tokensOut);
    } catch (RuntimeException e) {
      log.warn("could not count {} LLM token(s) against the tenant's budget: {}", tokensIn + tokensOut, e.toString());
    }
  }

  public ChatModels models() {
    return models;
  }

  public LlmReply call(String profileName, List<Message> messages) {
    return call(profileName, messages, null);
  }

  /**
   * @param limit how long to wait for the answer (a node's own timeout), beyond the profile's HTTP
   *     timeout; null = the profile's only. Past it the call fails as retryable {@code llm.unavailable}.
   */
  public LlmReply call(String profileName, List<Message> messages, Duration limit) {
    return call(profileName, messages, limit, null);
  }

  /**
   * @param ctx the node making the call (its run and node id go into the audit of a credential profile's
   *     key); null outside a run. When the profile is unavailable or rate limited, its {@code fallback}
   *     profiles are asked in order; the reply names the profile that answered.
   */
  public LlmReply call(String profileName, List<Message> messages, Duration limit, dev.weft.node.NodeContext ctx) {
    return withFallback(profileName, limit, (name, left) -> once(name, messages, null, left, ctx));
  }

  /** An answer that must be JSON matching a schema, and the reply that carried it. */
  public record StructuredReply(JsonNode value, LlmReply reply) {}

  /**
   * Asks for a JSON object matching {@code schema}, read by {@link StructuredOutput#matching}. See {@link
   * #callStructured(String, List, JsonNode, Duration, dev.weft.node.NodeContext, StructuredOutput.Reader)}.
   */
  public StructuredReply callStructured(String profileName, List<Message> messages, JsonNode schema, Duration limit,
      dev.weft.node.NodeContext ctx) {
    return callStructured(profileName, messages, schema, limit, ctx, StructuredOutput.matching(schema));
  }

  /**
   * Asks for an answer that must be JSON matching {@code schema}. The profile's provider is given the schema
   * (unless its {@code structured-output} is {@code off}); an endpoint that rejects it (a 4xx naming {@code
   * response_format}, {@code format} or the schema) is asked again without it at once and, for the rest of
   * the process, only in the prompt. The messages themselves should still say what to answer: an endpoint
   * may ignore the schema. An answer {@code reader} finds wrong is re-asked once with its errors; a second
   * wrong answer fails with {@code reader}'s failure ({@code llm.invalid_output}). The reply's {@link
   * LlmReply#structured()} says which path answered; its usage covers every call.
   */
  public StructuredReply callStructured(String profileName, List<Message> messages, JsonNode schema, Duration limit,
      dev.weft.node.NodeContext ctx, StructuredOutput.Reader reader) {
    LlmReply first = structuredOnce(profileName, messages, schema, limit, ctx);
    StructuredOutput.Answer a = reader.read(first.text());
    if (a.ok()) return new StructuredReply(a.value(), first);
    List<Message> again = new ArrayList<>(messages);
    again.add(new AssistantMessage(first.text()));
    again.add(new UserMessage(reader.correction(a.errors())));
    LlmReply second = structuredOnce(first.profile(), again, schema, limit, ctx);
    LlmReply total = first.plus(second);
    StructuredOutput.Answer b = reader.read(second.text());
    if (b.ok()) return new StructuredReply(b.value(), total);
    throw reader.failure(b.errors(), second.text(), total);
  }

  /**
   * One call whose answer must match {@code schema}, for callers that check and re-ask themselves (workflow
   * generation): the schema goes to the provider as in {@link #callStructured}, with the same fallback to the
   * prompt when the endpoint rejects it; the reply's {@link LlmReply#structured()} says which path answered.
   */
  public LlmReply callWithSchema(String profileName, List<Message> messages, JsonNode schema, Duration limit,
      dev.weft.node.NodeContext ctx) {
    return structuredOnce(profileName, messages, schema, limit, ctx);
  }

  private LlmReply structuredOnce(String profileName, List<Message> messages, JsonNode schema, Duration limit,
      dev.weft.node.NodeContext ctx) {
    return withFallback(profileName, limit, (name, left) -> {
      if (models.sendsSchema(name)) {
        try {
          return once(name, messages, models.structuredOptions(name, schema), left, ctx).structured(LlmReply.SCHEMA);
        } catch (NodeFailure f) {
          if (!StructuredOutput.rejectsSchema(f)) throw f;
          models.schemaRejected(name);
          log.info("model profile '{}' rejected structured output; asking in the prompt from now on: {}", name, f.getMessage());
        }
      }
      return once(name, messages, null, left, ctx).structured(LlmReply.PROMPT);
    });
  }

  /** Whether a failure moves on to the profile's next fallback. */
  static boolean failsOver(NodeFailure f) {
    return "llm.unavailable".equals(f.code()) || "llm.rate_limited".equals(f.code());
  }

  /**
   * Calls the profile, then its fallbacks while the failure is worth failing over. {@code limit} bounds
   * them all together: a fallback gets what is left of it (the node's attempt ends at its timeout anyway).
   */
  private LlmReply withFallback(String profileName, Duration limit, BiFunction<String, Duration, LlmReply> call) {
    String name = models.resolve(profileName);
    ModelProfile profile = models.require(name);
    long deadline = limit == null ? 0 : System.nanoTime() + limit.toNanos();
    try {
      return call.apply(name, limit);
    } catch (NodeFailure f) {
      if (!failsOver(f) || profile.fallback().isEmpty()) throw f;
      NodeFailure last = f;
      for (String next : profile.fallback()) {
        Duration left = limit == null ? null : Duration.ofNanos(deadline - System.nanoTime());
        if (left != null && left.compareTo(Duration.ofMillis(1)) < 0) break;
        log.info("model profile '{}' failed with {}; falling back to '{}'", name, last.code(), next);
        try {
          return call.apply(next, left);
        } catch (NodeFailure g) {
          if (!failsOver(g)) throw g;
          last = g;
        }
      }
      throw last;
    }
  }

  /** One call of one profile, with per-call {@code options} (null: the model's defaults). */
  private LlmReply once(String name, List<Message> messages, ChatOptions options, Duration limit,
      dev.weft.node.NodeContext ctx) {
    ModelProfile profile = models.require(name);
    checkBudget();
    ChatModels.Use use = models.use(name, ctx);
    Prompt prompt = options == null ? new Prompt(messages) : new Prompt(messages, options);
    long started = System.nanoTime();
    ChatResponse response;
    try {
      response = limit == null ? use.model().call(prompt) : bounded(name, use, prompt, limit);
    } catch (NodeFailure f) {
      throw new NodeFailure(f.code(), use.redact().apply(f.getMessage()), f.retryable(), null, f.retryAfter().orElse(null));
    } catch (RuntimeException e) {
      NodeFailure f = failure(name, e);
      throw new NodeFailure(f.code(), use.redact().apply(f.getMessage()), f.retryable(), null, f.retryAfter().orElse(null));
    }
    long latencyMs = (System.nanoTime() - started) / 1_000_000;
    String text = response == null || response.getResult() == null || response.getResult().getOutput() == null ? null
        : response.getResult().getOutput().getText();
    ChatResponseMetadata meta = response == null ? null : response.getMetadata();
    Usage usage = meta == null ? null : meta.getUsage();
    long in = usage == null || usage.getPromptTokens() == null ? 0 : usage.getPromptTokens();
    long out = usage == null || usage.getCompletionTokens() == null ? 0 : usage.getCompletionTokens();
    spent(in, out);
    if (text == null) throw new NodeFailure("llm.empty", "model profile '" + name + "' gave an empty answer", true);
    String model = meta == null || meta.getModel() == null || meta.getModel().isBlank() ? profile.model() : meta.getModel();
    BigDecimal cost = profile.cost(in, out);
    return new LlmReply(text, name, model, in, out, latencyMs, cost);
  }

  private ChatResponse bounded(String name, ChatModels.Use use, Prompt prompt, Duration limit) {
    var model = use.model();
    CompletableFuture<ChatResponse> answer = CompletableFuture.supplyAsync(Tenants.bound(() -> model.call(prompt)), CALLS);
    try {
      return answer.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new NodeFailure("llm.unavailable", "model profile '" + name + "': no answer within " + limit, true);
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
      throw new NodeFailure("llm.unavailable", "model profile '" + name + "': interrupted", true);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }

  /** Maps a provider failure to a node failure; never includes request headers (the key travels there). */
  public static NodeFailure failure(String profile, Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof LlmStatusException s) return status(profile, s.status(), s.getMessage(), s.retryAfter());
      if (t instanceof com.openai.errors.OpenAIServiceException s) {
        String retryAfter = s.headers().values("retry-after").stream().findFirst().orElse(null);
        return status(profile, s.statusCode(), "the model answered " + s.statusCode() + ": " + preview(s.getMessage()), retryAfter);
      }
      if (t instanceof com.anthropic.errors.AnthropicServiceException s) {
        String retryAfter = s.headers().values("retry-after").stream().findFirst().orElse(null);
        return status(profile, s.statusCode(), "the model answered " + s.statusCode() + ": " + preview(s.getMessage()), retryAfter);
      }
      if (t instanceof com.google.genai.errors.ApiException s) {
        return status(profile, s.code(), "the model answered " + s.code() + ": " + preview(s.getMessage()), null);
      }
      if (t instanceof RestClientResponseException s) {
        return status(profile, s.getStatusCode().value(), "the model answered " + s.getStatusCode().value(), null);
      }
      if (t instanceof HttpTimeoutException || t instanceof InterruptedIOException) {
        return new NodeFailure("llm.unavailable", "model profile '" + profile + "': no answer in time", true);
      }
      if (t instanceof com.openai.errors.OpenAIIoException || t instanceof com.anthropic.errors.AnthropicIoException
          || t instanceof com.google.genai.errors.GenAiIOException || t instanceof ResourceAccessException
          || t instanceof IOException) {
        return new NodeFailure("llm.unavailable", "model profile '" + profile + "' is unreachable: " + preview(t.getMessage()), true);
      }
    }
    return new NodeFailure("llm.error", "model profile '" + profile + "': " + e.getClass().getSimpleName() + ": "
        + preview(e.getMessage()), false);
  }

  private static NodeFailure status(String profile, int status, String message, String retryAfter) {
    String text = "model profile '" + profile + "': " + preview(message);
    if (status == 429) return new NodeFailure("llm.rate_limited", text, true, null, retryAfter(retryAfter).orElse(null));
    if (status >= 500 || status == 408) return new NodeFailure("llm.unavailable", text, true, null, retryAfter(retryAfter).orElse(null));
    if (status == 401 || status == 403) return new NodeFailure("llm.auth", text, false);
    return new NodeFailure("llm.rejected", text, false);
  }

  private static Optional<Duration> retryAfter(String header) {
    if (header == null) return Optional.empty();
    try {
      long seconds = Long.parseLong(header.strip());
      if (seconds < 0) return Optional.empty();
      Duration d = Duration.ofSeconds(seconds);
      return Optional.of(d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String preview(String s) {
    if (s == null) return "";
    return s.length() <= 500 ? s : s.substring(0, 500) + "…";
  }
}
