package dev.weft.engine;

import dev.weft.definition.Json;
import io.temporal.workflow.ContinueAsNewOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import org.slf4j.Logger;
import tools.jackson.databind.JsonNode;

/**
 * Keeps a run of any length within bounded history: decides when the run drains (its history reached
 * the budget, or Temporal suggests a continue-as-new) and continues it as new with its carried state.
 * Timers and human tasks in flight are never cut: with one in flight the drain waits until none is, or
 * until the history reaches twice the budget. Owned by one {@link RunWorkflowImpl}; workflow code.
 */
final class RunLength {
  private static final Logger log = Workflow.getLogger(RunLength.class);

  private final EngineSettings settings;
  private boolean enabled;
  /** This Temporal run's budget: the worker's setting when it started, recorded in history. */
  private int budget;
  private boolean draining;
  private int waitsInFlight;
  /** How many Temporal runs this run continued from. */
  private int continued;

  RunLength(EngineSettings settings) {
    this.settings = settings;
  }

  /**
   * Turns the budget on (runs of the composite change; older ones replay without it). The budget is
   * kept in history as a side effect, so changing the setting never moves where a run in flight
   * continues-as-new on replay.
   */
  void start(boolean on, RunCarry carried) {
    this.enabled = on;
    if (on) budget = Workflow.sideEffect(Integer.class, settings::historyBudget);
    if (carried != null) continued = carried.continued();
  }

  boolean draining() {
    return draining;
  }

  void waitStarted() {
    waitsInFlight++;
  }

  void waitEnded() {
    waitsInFlight--;
  }

  /** Starts draining when it is time; true when it started now (the scheduling loops must wake). */
  boolean check() {
    if (!enabled || draining) return false;
    WorkflowInfo info = Workflow.getInfo();
    long length = info.getHistoryLength();
    boolean due = length >= budget || info.isContinueAsNewSuggested();
    if (!due || (waitsInFlight > 0 && length < 2L * budget)) return false;
    draining = true;
    return true;
  }

  /** The number the next Temporal run of this run will have in {@link RunCarry#continued}. */
  int next() {
    return continued + 1;
  }

  /**
   * Ends this Temporal run and starts the next with {@code carry}; a large carry (a long loop's
   * results) travels by reference, like a large node output.
   */
  void continueAsNew(RunInput in, RunCarry carry, PayloadActivities payloads) {
    log.info("run {} continues as new after {} history events", Workflow.getInfo().getWorkflowId(),
        Workflow.getInfo().getHistoryLength());
    JsonNode tree = Json.MAPPER.valueToTree(carry);
    boolean large = Json.sizeOf(tree) > settings.claimCheckBytes();
    JsonNode ref = large ? payloads.store(Workflow.getInfo().getWorkflowId(), "$carry." + carry.continued(), tree) : null;
    Workflow.continueAsNew(ContinueAsNewOptions.newBuilder()
        .setTypedSearchAttributes(Workflow.getTypedSearchAttributes())
        .build(), in.continued(large ? null : carry, ref));
  }

  /** The state a continued run starts from: carried inline or by reference; null for a new run. */
  static RunCarry carried(RunInput in, PayloadActivities payloads) {
    if (in.carriedRef() != null) return Json.MAPPER.treeToValue(payloads.load(in.carriedRef()), RunCarry.class);
    return in.carried();
  }
}
