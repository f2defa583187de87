package dev.weft.engine;

import io.temporal.common.SearchAttributeKey;
import io.temporal.api.enums.v1.IndexedValueType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
  /** {@code Workflow.getVersion} change ids of the interpreter (see docs/engine.md). */
  public static final String CHANGE_RUN_EVENTS = "run-events";
  /** Failure type of a run that failed because a node failed. */
  public static final String RUN_FAILED = "weft.node_failed";

  public static final String SA_WORKFLOW_ID = "WeftWorkflowId";
  public static final String SA_WORKFLOW_VERSION = "WeftWorkflowVersion";
  public static final String SA_STATUS = "WeftStatus";
  public static final String SA_WAITING_NODES = "WeftWaitingNodes";
  public static final String SA_TENANT = "WeftTenant";
  public static final SearchAttributeKey<String> SA_WORKFLOW_ID_KEY = SearchAttributeKey.forKeyword(SA_WORKFLOW_ID);
  public static final SearchAttributeKey<Long> SA_WORKFLOW_VERSION_KEY = SearchAttributeKey.forLong(SA_WORKFLOW_VERSION);
  public static final SearchAttributeKey<String> SA_STATUS_KEY = SearchAttributeKey.forKeyword(SA_STATUS);
  public static final SearchAttributeKey<List<String>> SA_WAITING_NODES_KEY = SearchAttributeKey.forKeywordList(SA_WAITING_NODES);
  public static final SearchAttributeKey<String> SA_TENANT_KEY = SearchAttributeKey.forKeyword(SA_TENANT);

  /** Weft's search attributes and their types, to register on a cluster (see docs/operations.md). */
  public static final Map<String, IndexedValueType> SEARCH_ATTRIBUTES = orderedMap();

  private static Map<String, IndexedValueType> orderedMap() {
    Map<String, IndexedValueType> m = new LinkedHashMap<>();
    m.put(SA_WORKFLOW_ID, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    m.put(SA_WORKFLOW_VERSION, IndexedValueType.INDEXED_VALUE_TYPE_INT);
    m.put(SA_STATUS, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    m.put(SA_WAITING_NODES, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST);
    m.put(SA_TENANT, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    return Collections.unmodifiableMap(m);
  }

  private TemporalNames() {}
}
