package dev.weft.engine;

/** The life of a node in a run. */
public enum NodeStatus {
  PENDING, RUNNING, WAITING, COMPLETED, FAILED, SKIPPED, CANCELED;

  public boolean done() {
    return this == COMPLETED || this == FAILED || this == SKIPPED || this == CANCELED;
  }
}
