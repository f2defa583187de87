package dev.weft.engine;

/** The life of a run. */
public enum RunStatus {
  RUNNING, WAITING, PAUSED, COMPLETED, FAILED, CANCELED, TIMED_OUT, TERMINATED
}
