package dev.weft.e2e;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

  /** The activities of arm B. */
  @ActivityInterface
  public interface Activities {
    @ActivityMethod(name = "BenchWork")
    long work(int cpuMs);
  }

  static final class ActivitiesImpl implements Activities {
    @Override
    public long work(int cpuMs) {
      return burn(cpuMs);
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
  }
}
