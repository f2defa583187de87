package dev.weft.node;

/** Where a node type runs. */
public enum NodeKind {
  /** Does I/O: runs as a Temporal activity with the node's timeout and retry policy. */
  ACTIVITY,
  /** A pure function of its inputs: evaluated inside the workflow (deterministic). */
  CONTROL,
  /** Waits on Temporal primitives (durable timers, updates) inside the workflow. */
  WAIT,
  /**
   * Runs other nodes: a loop's body once per item or until a condition holds, or another saved workflow
   * as a child workflow. The interpreter schedules it itself ({@link CompositeNodeType}).
   */
  COMPOSITE
}
