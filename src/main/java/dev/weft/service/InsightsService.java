package dev.weft.service;

import dev.weft.domain.DomainException;
import dev.weft.store.InsightsStore;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Insights over the caller's tenant's runs: executions by status over time, per-workflow outcomes,
 * durations and human waits, LLM usage and cost. Every query covers an explicit, bounded time range:
 * {@code from}/{@code to} are ISO-8601 instants ({@code to} defaults to now, {@code from} to 30 days
 * before it), {@code from < to}, at most {@code maxRange} apart; buckets are UTC days, ISO weeks
 * (from Monday) or months.
 */
public class InsightsService {
  /** The range when the request names none. */
  public static final Duration DEFAULT_RANGE = Duration.ofDays(30);
  /** At most this many workflows, and cost rows, in one answer; beyond it the answer says {@code truncated}. */
  public static final int MAX_WORKFLOWS = 1000;
  public static final int MAX_COST_ROWS = 5000;

  private final InsightsStore store;
  private final Duration maxRange;

  /** @param maxRange the widest range one request may cover ({@code weft.insights.max-range}) */
  public InsightsService(InsightsStore store, Duration maxRange) {
    this.store = store;
    this.maxRange = maxRange;
  }

  /** A checked range. */
  public record Range(Instant from, Instant to) {}

  /** Checks and completes {@code from}/{@code to} (either may be null); refusals are 400s naming the parameter. */
  public Range range(String from, String to) {
    Instant end = to == null ? Instant.now().truncatedTo(ChronoUnit.SECONDS) : instant("to", to);
    Instant start = from == null ? end.minus(DEFAULT_RANGE) : instant("from", from);
    if (!start.isBefore(end)) throw DomainException.invalid("query.from", "insights.range_empty", "from must be before to");
    if (Duration.between(start, end).compareTo(maxRange) > 0) {
      throw DomainException.invalid("query.from", "insights.range_too_long", "from and to are at most " + maxRange.toDays()
          + " days apart (weft.insights.max-range)");
    }
    return new Range(start, end);
  }

  /**
   * Runs that started in the range, by bucket and status: {@code {from, to, bucket, buckets: [{start,
   * total, counts: {STATUS: n}}]}}, every bucket of the range listed, empty ones too.
   */
  public Map<String, Object> executions(String from, String to, String bucket, String workflowId) {
    String b = bucket == null ? "day" : bucket;
    if (!List.of("day", "week", "month").contains(b)) {
      throw DomainException.invalid("query.bucket", "request.invalid_parameter", "bucket is day, week or month");
    }
    Range r = range(from, to);
    Map<LocalDateTime, Map<String, Long>> byBucket = new TreeMap<>();
    LocalDateTime end = LocalDateTime.ofInstant(r.to(), ZoneOffset.UTC);
    for (LocalDateTime t = truncate(LocalDateTime.ofInstant(r.from(), ZoneOffset.UTC), b); t.isBefore(end); t = next(t, b)) {
      byBucket.put(t, new TreeMap<>());
    }
    for (InsightsStore.StatusCount c : store.executions(r.from(), r.to(), b, workflowId)) {
      byBucket.computeIfAbsent(c.bucket(), k -> new TreeMap<>()).put(c.status(), c.runs());
    }
    List<Map<String, Object>> buckets = new ArrayList<>();
    long total = 0;
    for (var e : byBucket.entrySet()) {
      Map<String, Object> o = new LinkedHashMap<>();
      long sum = e.getValue().values().stream().mapToLong(Long::longValue).sum();
      total += sum;
      o.put("start", e.getKey().toInstant(ZoneOffset.UTC));
      o.put("total", sum);
      o.put("counts", e.getValue());
      buckets.add(o);
    }
    Map<String, Object> out = header(r);
    out.put("bucket", b);
    if (workflowId != null) out.put("workflowId", workflowId);
    out.put("total", total);
    out.put("buckets", buckets);
    return out;
  }

  /**
   * Per workflow, over its runs that started in the range, most runs first: runs by outcome, success rate
   * (completed / ended, null while none ended), p50/p95 duration of completed runs, and time waiting on
   * people (human tasks its runs opened; open ones counted until now).
   */
  public Map<String, Object> workflows(String from, String to) {
    Range r = range(from, to);
    List<InsightsStore.WorkflowStats> rows = store.workflows(r.from(), r.to(), Instant.now(), MAX_WORKFLOWS + 1);
    List<Map<String, Object>> items = new ArrayList<>();
    for (InsightsStore.WorkflowStats w : rows.subList(0, Math.min(rows.size(), MAX_WORKFLOWS))) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("workflowId", w.workflowId());
      o.put("name", w.name());
      o.put("runs", w.runs());
      o.put("completed", w.completed());
      o.put("failed", w.failed());
      o.put("canceled", w.canceled());
      o.put("open", w.open());
      long ended = w.completed() + w.failed() + w.canceled();
      o.put("successRate", ended == 0 ? null
          : BigDecimal.valueOf(w.completed()).divide(BigDecimal.valueOf(ended), 4, RoundingMode.HALF_EVEN));
      Map<String, Object> duration = new LinkedHashMap<>();
      duration.put("p50", w.p50DurationMs() == null ? null : Math.round(w.p50DurationMs()));
      duration.put("p95", w.p95DurationMs() == null ? null : Math.round(w.p95DurationMs()));
      o.put("durationMs", duration);
      Map<String, Object> human = new LinkedHashMap<>();
      human.put("tasks", w.humanTasks());
      human.put("open", w.openHumanTasks());
      human.put("waitMs", w.humanWaitMs());
      o.put("humanWait", human);
      items.add(o);
    }
    Map<String, Object> out = header(r);
    out.put("workflows", items);
    out.put("truncated", rows.size() > MAX_WORKFLOWS);
    return out;
  }

  /**
   * LLM usage of runs' model calls that ended in the range, by UTC day, workflow and model, with totals.
   * Cost is in the profiles' price currency; null where no price is configured.
   */
  public Map<String, Object> costs(String from, String to) {
    Range r = range(from, to);
    List<InsightsStore.Cost> rows = store.costs(r.from(), r.to(), MAX_COST_ROWS + 1);
    List<Map<String, Object>> items = new ArrayList<>();
    long calls = 0;
    long in = 0;
    long out = 0;
    BigDecimal cost = BigDecimal.ZERO;
    for (InsightsStore.Cost c : rows.subList(0, Math.min(rows.size(), MAX_COST_ROWS))) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("day", c.day().toString());
      o.put("workflowId", c.workflowId());
      o.put("model", c.model());
      o.put("calls", c.calls());
      o.put("tokensIn", c.tokensIn());
      o.put("tokensOut", c.tokensOut());
      o.put("cost", c.cost());
      items.add(o);
      calls += c.calls();
      in += c.tokensIn();
      out += c.tokensOut();
      if (c.cost() != null) cost = cost.add(c.cost());
    }
    Map<String, Object> answer = header(r);
    answer.put("items", items);
    Map<String, Object> totals = new LinkedHashMap<>();
    totals.put("calls", calls);
    totals.put("tokensIn", in);
    totals.put("tokensOut", out);
    totals.put("cost", cost);
    answer.put("totals", totals);
    answer.put("truncated", rows.size() > MAX_COST_ROWS);
    return answer;
  }

  private static Map<String, Object> header(Range r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("from", r.from());
    out.put("to", r.to());
    return out;
  }

  private static Instant instant(String name, String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw DomainException.invalid("query." + name, "request.invalid_parameter",
          name + " is an ISO-8601 instant such as 2026-01-31T00:00:00Z");
    }
  }

  private static LocalDateTime truncate(LocalDateTime t, String bucket) {
    LocalDateTime day = t.truncatedTo(ChronoUnit.DAYS);
    return switch (bucket) {
      case "week" -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case "month" -> day.withDayOfMonth(1);
      default -> day;
    };
  }

  private static LocalDateTime next(LocalDateTime t, String bucket) {
    return switch (bucket) {
      case "week" -> t.plusWeeks(1);
      case "month" -> t.plusMonths(1);
      default -> t.plusDays(1);
    };
  }
}
