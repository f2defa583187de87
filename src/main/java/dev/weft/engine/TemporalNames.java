package dev.weft.engine;


/** Every name Weft gives Temporal, in one place. */
public final class TemporalNames {
  public static final String TASK_QUEUE = "weft";
  public static final String WORKFLOW_TYPE = "WeftRun";
  public static final String QUERY_STATE = "state";
  public static final String UPDATE_DECIDE = "decide";
  public static final String UPDATE_PAUSE = "pause";
  public static final String UPDATE_RESUME = "resume";
  /** The local activity that writes a run's events to the store. */
  public static final String RECORD_EVENTS = "WeftRecordEvents";
  /** The activity that loads a child run's definition ({@link DefinitionActivities}). */
  public static final String LOAD_DEFINITION = "WeftLoadDefinition";
  /** The interpreter's claim-check local activities ({@link PayloadActivities}). */
  public static final String LOOP_ITEMS = "WeftLoopItems";
  public static final String STORE_VALUE = "WeftStoreValue";
  public static final String LOAD_VALUE = "WeftLoadValue";
  /** {@code Workflow.getVersion} change ids of the interpreter (see docs/engine.md). */
  public static final String CHANGE_RUN_EVENTS = "run-events";
  /** Loops, sub-workflows, error workflows and continue-as-new (runs recorded before have none of them). */
  public static final String CHANGE_COMPOSITE = "composite-nodes";
  /** Nodes may run as local activities (the node's {@code execution}); runs recorded before use activities only. */
  public static final String CHANGE_LOCAL_ACTIVITIES = "local-activities";
  /** Trigger of a run started by a {@code subworkflow} node, and of an error workflow's run. */
  public static final String TRIGGER_SUBWORKFLOW = "subworkflow";
  public static final String TRIGGER_ERROR = "error";
  /** Failure type of a run that failed because a node failed. */
  public static final String RUN_FAILED = "weft.node_failed";

  public static final String SA_WORKFLOW_ID = "WeftWorkflowId";
  public static final String SA_WORKFLOW_VERSION = "WeftWorkflowVersion";
  public static final String SA_STATUS = "WeftStatus";
  public static final String SA_WAITING_NODES = "WeftWaitingNodes";
  public static final String SA_TENANT = "WeftTenant";
  private TemporalNames() {}
}
