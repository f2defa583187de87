package dev.weft.node;

import java.time.Duration;
import java.time.Instant;

/** Durable waiting primitives: backed by Temporal timers inside the workflow. */
public interface WaitContext extends NodeContext {

  /** Workflow time: deterministic, advanced by the server (and skipped in tests). */
  Instant now();

  /** A durable timer: survives worker crashes and restarts. */
  void sleep(Duration duration);

  /**
   * Opens a task for people (see {@link HumanTask}); the node waits on it with {@link HumanTask#next}.
   * The task closes when the node's {@code await} returns or throws.
   */
  HumanTask openTask(HumanTask.Spec spec);
}
