package io.temporal.worker;

/**
 * Test-only access to a worker factory's workflow cache (package-private in the SDK): lets a test show
 * that a waiting run lives in Temporal's history, not in worker memory.
 */
public final class WorkflowCaches {
  private WorkflowCaches() {}

  /** Runs held in memory by the factory's workers. */
  public static long size(WorkerFactory factory) {
    return factory.getCache().size();
  }

  /** Drops every cached run (and the workflow threads it holds). */
  public static void evictAll(WorkerFactory factory) {
    factory.getCache().invalidateAll();
  }
}
