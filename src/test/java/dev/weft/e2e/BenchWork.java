package dev.weft.e2e;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The work both arms of the benchmark do, and arm B: a hand-written Temporal workflow calling it as
 * plain activities. Arm A reaches the same {@link #burn} through Weft's node types ({@link BenchNodes}).
 */
final class BenchWork {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private BenchWork() {}

  /** Burns {@code ms} milliseconds of this thread's CPU time (0: returns at once). */
  static long burn(int ms) {
    if (ms <= 0) return 0;
    long until = THREADS.getCurrentThreadCpuTime() + ms * 1_000_000L;
    long x = 0;
    while (THREADS.getCurrentThreadCpuTime() < until) {
      for (int i = 0; i < 10_000; i++) x += i ^ (x >>> 3);
    }
    return x;
  }

  /** A string of {@code bytes} ASCII characters (not all alike, as a real payload is not). */
  static String blob(int bytes) {
    StringBuilder sb = new StringBuilder(bytes);
    for (int i = 0; i < bytes; i++) sb.append((char) ('a' + (i * 7 + i / 26) % 26));
    return sb.toString();
  }

  /** The activities of arm B. */
  @ActivityInterface
  public interface Activities {
    @ActivityMethod(name = "BenchWork")
    long work(int cpuMs);

    @ActivityMethod(name = "BenchBlob")
    String blob(int bytes);
  }

  static final class ActivitiesImpl implements Activities {
    @Override
    public long work(int cpuMs) {
      return burn(cpuMs);
    }

    @Override
    public String blob(int bytes) {
      return BenchWork.blob(bytes);
    }
  }

  /** Arm B: {@code nodes} sequential activities, or one, {@code nodes - 2} in parallel, and one. */
  @WorkflowInterface
  public interface Flow {
    @WorkflowMethod(name = "BenchHandWritten")
    long run(int nodes, int cpuMs, boolean fanOut);
  }

  public static final class FlowImpl implements Flow {
    private final Activities activities = Workflow.newActivityStub(Activities.class,
        ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build());

    @Override
    public long run(int nodes, int cpuMs, boolean fanOut) {
      return flow(activities, nodes, cpuMs, fanOut);
    }
  }

  /** Arm B with local activities: what arm A runs against when its nodes have {@code "execution": "local"}. */
  @WorkflowInterface
  public interface LocalFlow {
    @WorkflowMethod(name = "BenchHandWrittenLocal")
    long run(int nodes, int cpuMs, boolean fanOut);
  }

  public static final class LocalFlowImpl implements LocalFlow {
    private final Activities activities = Workflow.newLocalActivityStub(Activities.class,
        LocalActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build());

    @Override
    public long run(int nodes, int cpuMs, boolean fanOut) {
      return flow(activities, nodes, cpuMs, fanOut);
    }
  }

  private static long flow(Activities activities, int nodes, int cpuMs, boolean fanOut) {
    long sum = 0;
    if (!fanOut) {
      for (int i = 0; i < nodes; i++) sum += activities.work(cpuMs);
      return sum;
    }
    sum += activities.work(0);
    List<Promise<Long>> branches = new ArrayList<>();
    for (int i = 0; i < nodes - 2; i++) branches.add(Async.function(activities::work, cpuMs));
    for (Promise<Long> p : branches) sum += p.get();
    return sum + activities.work(0);
  }

  /** Arm B of workload 5: {@code nodes} sequential activities, each returning {@code bytes} characters. */
  @WorkflowInterface
  public interface Outputs {
    @WorkflowMethod(name = "BenchHandWrittenOutputs")
    int run(int nodes, int bytes);
  }

  public static final class OutputsImpl implements Outputs {
    // One attempt, like a Weft node without a retry policy (docs/definition-format.md, retry).
    private final Activities activities = Workflow.newActivityStub(Activities.class,
        ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());

    @Override
    public int run(int nodes, int bytes) {
      int total = 0;
      for (int i = 0; i < nodes; i++) total += activities.blob(bytes).length();
      return total;
    }
  }

  /**
   * Arm B of workload 6: {@code iterations} sequential no-op activities, continuing as new every
   * {@code every} iterations ({@code done}: the iterations earlier runs of the chain did).
   */
  @WorkflowInterface
  public interface Loop {
    @WorkflowMethod(name = "BenchHandWrittenLoop")
    int run(int iterations, int every, int done);
  }

  public static final class LoopImpl implements Loop {
    private final Activities activities = Workflow.newActivityStub(Activities.class,
        ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build());

    @Override
    public int run(int iterations, int every, int done) {
      int end = Math.min(iterations, done + every);
      for (int i = done; i < end; i++) activities.work(0);
      if (end < iterations) Workflow.continueAsNew(iterations, every, end);
      return end;
    }
  }

  /**
   * Arm B of workload 4: waits for an {@code approve} Update, then calls one no-op activity. The Update
   * answers once the workflow has taken it.
   */
  @WorkflowInterface
  public interface Parked {
    @WorkflowMethod(name = "BenchHandWrittenParked")
    String run();

    @UpdateMethod(name = "approve")
    String approve(String approver);
  }

  /** Runs of {@link ParkedImpl} that reached their wait in this JVM (counted once, not again on replay). */
  static final AtomicInteger PARKED = new AtomicInteger();

  public static final class ParkedImpl implements Parked {
    private final Activities activities = Workflow.newActivityStub(Activities.class,
        ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build());
    private String approver;

    @Override
    public String run() {
      // Bookkeeping of the benchmark outside the workflow's state: no command, skipped when replaying.
      if (!Workflow.isReplaying()) PARKED.incrementAndGet();
      Workflow.await(() -> approver != null);
      activities.work(0);
      return approver;
    }

    @Override
    public String approve(String who) {
      approver = who;
      return "approved";
    }
  }
}
