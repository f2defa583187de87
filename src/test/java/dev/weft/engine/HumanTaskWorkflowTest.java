package dev.weft.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.definition.Json;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkflowCaches;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * People in the loop, on Temporal's time-skipping test environment: approvals (quorum, self-approval,
 * who may decide, timeouts with every onTimeout, escalation, reminders), forms, {@code onError: ask},
 * pause/resume, cancel while waiting, and a 30-day wait that holds no worker state.
 */
@Timeout(120)
class HumanTaskWorkflowTest {
  private EngineTestSupport t;

  static final Actor ANN = new Actor("ann", List.of("operator"), List.of("finance"));
  static final Actor BOB = new Actor("bob", List.of("operator"), List.of("finance"));
  static final Actor CY = new Actor("cy", List.of("operator"), List.of("finance"));
  static final Actor DEE = new Actor("dee", List.of("viewer"), List.of("managers"));
  static final Actor EVE = new Actor("eve", List.of("viewer"), List.of());

  @BeforeEach
  void setUp() {
    t = new EngineTestSupport();
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  /** An approval between a start node and two branches that say which way it went. */
  static String approval(String config) {
    return """
        {"name": "approval", "nodes": [
          {"id": "start", "type": "set", "config": {"values": {"amount": "{{ input.amount }}"}}},
          {"id": "approve", "type": "approval", "config": %s},
          {"id": "yes", "type": "set", "config": {"values": {"path": "approved"}}},
          {"id": "no", "type": "set", "config": {"values": {"path": "rejected"}}}
        ], "edges": [
          {"from": "start", "to": "approve"},
          {"from": "approve", "port": "approved", "to": "yes"},
          {"from": "approve", "port": "rejected", "to": "no"}
        ]}
        """.formatted(config);
  }

  private static final String GROUP_APPROVAL = approval("""
      {"title": "Approve {{ nodes.start.output.amount }} EUR?", "approvers": ["group:finance"], "timeout": "72h"}""");

  private void awaitWaiting(WorkflowStub run, String nodeId) {
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> t.state(run).waiting().contains(nodeId));
  }

  private JsonNode decide(WorkflowStub run, String node, Actor who, String action, String comment) {
    return Updates.send(() -> t.run(run).decide(new HumanInput(node, who, action, comment, null, null)));
  }

  private static HumanFailures.Refusal refusal(Throwable e) {
    assertThat(e).isInstanceOf(WorkflowUpdateException.class);
    return HumanFailures.refusal(e).orElseThrow();
  }

  private static String refusedCode(Runnable r) {
    try {
      Updates.send(() -> {
        r.run();
        return null;
      });
    } catch (WorkflowUpdateException | ApplicationFailure e) {
      return HumanFailures.refusal(e).orElseThrow().code();
    }
    throw new AssertionError("the decision was accepted");
  }

  /** The API's check before it sends an update: the same rules as the validator, on the queried state. */
  private String precheck(WorkflowStub run, String node, Actor who, String action) {
    RunState s = t.state(run);
    return refusedCode(() -> HumanTaskRules.check(node, HumanTaskRules.of(s.nodes().get(node)),
        new HumanInput(node, who, action, null, null, null), s.startedBy(), t.registry, 1 << 20));
  }

  private JsonNode output(WorkflowStub run) {
    return run.getResult(RunResult.class).output();
  }

  private List<RunEvent> events(WorkflowStub run, EventKind kind) {
    return t.events.of(run.getExecution().getWorkflowId()).stream().filter(e -> e.kind() == kind).toList();
  }

  @Test
  void approvedRunsTheApprovedBranchAndRecordsWhoDecided() {
    WorkflowStub run = t.start(GROUP_APPROVAL, "{\"amount\": 120}", "zed");
    awaitWaiting(run, "approve");
    RunState waiting = t.state(run);
    assertThat(waiting.status()).isEqualTo(RunStatus.WAITING);
    assertThat(waiting.nodes().get("approve").status()).isEqualTo(NodeStatus.WAITING);
    JsonNode task = waiting.nodes().get("approve").task();
    assertThat(task.get("title").stringValue()).isEqualTo("Approve 120 EUR?");
    assertThat(task.get("kind").stringValue()).isEqualTo("approval");
    assertThat(task.get("assignees").get(0).stringValue()).isEqualTo("group:finance");

    JsonNode answer = decide(run, "approve", ANN, "approve", "fine by me");
    assertThat(answer.get("outcome").stringValue()).isEqualTo("approved");

    assertThat(output(run).get("yes").get("path").stringValue()).isEqualTo("approved");
    RunState done = t.state(run);
    assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(done.nodes().get("no").status()).isEqualTo(NodeStatus.SKIPPED);
    JsonNode out = done.nodes().get("approve").output();
    assertThat(out.get("decision").stringValue()).isEqualTo("approved");
    assertThat(out.get("deciders").get(0).get("principal").stringValue()).isEqualTo("ann");
    assertThat(out.get("comments").get(0).stringValue()).isEqualTo("fine by me");
    assertThat(out.get("timedOut").booleanValue()).isFalse();
    assertThat(done.nodes().get("approve").ports()).containsExactly("approved");
    // The task opened with its details (for the inbox), and the decision is in the log.
    RunEvent opened = events(run, EventKind.NODE_WAITING).getFirst();
    assertThat(opened.data().get("title").stringValue()).isEqualTo("Approve 120 EUR?");
    assertThat(opened.data().get("startedBy").stringValue()).isEqualTo("zed");
    assertThat(opened.data().get("due")).isNotNull();
    assertThat(events(run, EventKind.NODE_DECISION)).singleElement()
        .satisfies(e -> assertThat(e.data().get("principal").stringValue()).isEqualTo("ann"));
  }

  @Test
  void oneRejectionRejects() {
    WorkflowStub run = t.start(GROUP_APPROVAL, "{\"amount\": 5}");
    awaitWaiting(run, "approve");
    assertThat(decide(run, "approve", BOB, "reject", "too much").get("outcome").stringValue()).isEqualTo("rejected");
    assertThat(output(run).get("no").get("path").stringValue()).isEqualTo("rejected");
    assertThat(t.state(run).nodes().get("yes").status()).isEqualTo(NodeStatus.SKIPPED);
  }

  @Test
  void quorumOfTwoOutOfThreeNeedsTwoApprovalsAndRefusesASecondDecisionBySamePerson() {
    WorkflowStub run = t.start(approval("""
        {"title": "Two of three", "approvers": ["ann", "bob", "cy"], "quorum": 2}"""), "{\"amount\": 1}");
    awaitWaiting(run, "approve");
    JsonNode first = decide(run, "approve", ANN, "approve", null);
    assertThat(first.get("outcome").stringValue()).isEqualTo("pending");
    assertThat(first.get("approvals").intValue()).isEqualTo(1);
    assertThat(first.get("quorum").intValue()).isEqualTo(2);
    assertThat(t.state(run).status()).isEqualTo(RunStatus.WAITING);

    assertThat(precheck(run, "approve", ANN, "approve")).isEqualTo(HumanFailures.ALREADY_DECIDED);

    assertThat(decide(run, "approve", CY, "approve", null).get("outcome").stringValue()).isEqualTo("approved");
    JsonNode out = output(run);
    assertThat(out.get("yes")).isNotNull();
    assertThat(t.state(run).nodes().get("approve").output().get("deciders").findValuesAsString("principal"))
        .containsExactly("ann", "cy");
    // Bob comes too late: the node no longer waits.
    assertThat(precheck(run, "approve", BOB, "approve")).isEqualTo(HumanFailures.NOT_WAITING);
  }

  @Test
  void concurrentDecisionsOfTwoApproversAreBothRecordedExactlyOnce() throws Exception {
    WorkflowStub run = t.start(approval("""
        {"title": "Both", "approvers": ["group:finance"], "quorum": 2}"""), "{\"amount\": 1}");
    awaitWaiting(run, "approve");
    CompletableFuture<JsonNode> a = CompletableFuture.supplyAsync(() -> decide(run, "approve", ANN, "approve", "a"));
    CompletableFuture<JsonNode> b = CompletableFuture.supplyAsync(() -> decide(run, "approve", BOB, "approve", "b"));
    List<String> outcomes = List.of(a.get(20, TimeUnit.SECONDS).get("outcome").stringValue(),
        b.get(20, TimeUnit.SECONDS).get("outcome").stringValue());
    assertThat(outcomes).containsExactlyInAnyOrder("pending", "approved");
    output(run);
    assertThat(t.state(run).nodes().get("approve").output().get("deciders").findValuesAsString("principal"))
        .containsExactlyInAnyOrder("ann", "bob");
    assertThat(events(run, EventKind.NODE_DECISION)).hasSize(2);
  }

  @Test
  void theRunsStarterMayNotApproveItUnlessAllowed() {
    WorkflowStub run = t.start(GROUP_APPROVAL, "{\"amount\": 1}", "ann");
    awaitWaiting(run, "approve");
    assertThat(refusedCode(() -> decide(run, "approve", ANN, "approve", null))).isEqualTo(HumanFailures.SELF_APPROVAL);
    assertThat(t.state(run).nodes().get("approve").task().get("decisions")).isEmpty();

    WorkflowStub allowed = t.start(approval("""
        {"title": "Self", "approvers": ["group:finance"], "allowSelfApproval": true}"""), "{\"amount\": 1}", "ann");
    awaitWaiting(allowed, "approve");
    assertThat(decide(allowed, "approve", ANN, "approve", null).get("outcome").stringValue()).isEqualTo("approved");
    assertThat(output(allowed).get("yes")).isNotNull();
  }

  @Test
  void onlyAssignedPrincipalsMayDecideAndOnlyWithTheNodesActions() {
    WorkflowStub run = t.start(GROUP_APPROVAL, "{\"amount\": 1}");
    awaitWaiting(run, "approve");
    assertThat(refusedCode(() -> decide(run, "approve", EVE, "approve", null))).isEqualTo(HumanFailures.FORBIDDEN);
    assertThat(refusedCode(() -> decide(run, "approve", null, "approve", null))).isEqualTo(HumanFailures.FORBIDDEN);
    assertThat(refusedCode(() -> decide(run, "approve", ANN, "submit", null))).isEqualTo(HumanFailures.INVALID);
    assertThat(refusedCode(() -> decide(run, "nope", ANN, "approve", null))).isEqualTo(HumanFailures.NODE_NOT_FOUND);
    assertThat(refusedCode(() -> decide(run, "start", ANN, "approve", null))).isEqualTo(HumanFailures.NOT_WAITING);
    // Refused decisions left no trace in the run.
    assertThat(events(run, EventKind.NODE_DECISION)).isEmpty();
    assertThat(decide(run, "approve", ANN, "approve", null).get("outcome").stringValue()).isEqualTo("approved");
    output(run);
  }

  @Test
  void aDecisionOnANodeThatIsNotWaitingYetIsRefused() {
    WorkflowStub run = t.start("""
        {"name": "later", "nodes": [
          {"id": "wait", "type": "delay", "config": {"duration": "1h"}},
          {"id": "approve", "type": "approval", "config": {"title": "Later", "approvers": ["ann"]}}
        ], "edges": [{"from": "wait", "to": "approve"}]}
        """, "{}");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> t.state(run).nodes().get("wait").status() == NodeStatus.RUNNING);
    assertThat(refusedCode(() -> decide(run, "approve", ANN, "approve", null))).isEqualTo(HumanFailures.NOT_WAITING);
    t.env.sleep(Duration.ofHours(2));
    awaitWaiting(run, "approve");
    decide(run, "approve", ANN, "approve", null);
    output(run);
  }

  private RunState afterTimeout(String config) {
    WorkflowStub run = t.start(approval(config), "{\"amount\": 1}");
    awaitWaiting(run, "approve");
    try {
      run.getResult(RunResult.class);
    } catch (WorkflowFailedException e) {
      // inspected through the state
    }
    return t.state(run);
  }

  @Test
  void after72HoursOnTimeoutRejectRejects() {
    RunState s = afterTimeout("""
        {"title": "T", "approvers": ["ann"], "timeout": "72h", "onTimeout": "reject"}""");
    assertThat(s.status()).isEqualTo(RunStatus.COMPLETED);
    JsonNode out = s.nodes().get("approve").output();
    assertThat(out.get("decision").stringValue()).isEqualTo("rejected");
    assertThat(out.get("timedOut").booleanValue()).isTrue();
    assertThat(Duration.between(s.nodes().get("approve").startedAt(), s.nodes().get("approve").endedAt()))
        .isCloseTo(Duration.ofHours(72), Duration.ofSeconds(1));
    assertThat(s.nodes().get("no").status()).isEqualTo(NodeStatus.COMPLETED);
  }

  @Test
  void after72HoursOnTimeoutApproveApproves() {
    RunState s = afterTimeout("""
        {"title": "T", "approvers": ["ann"], "timeout": "72h", "onTimeout": "approve"}""");
    assertThat(s.nodes().get("approve").output().get("decision").stringValue()).isEqualTo("approved");
    assertThat(s.nodes().get("yes").status()).isEqualTo(NodeStatus.COMPLETED);
  }

  @Test
  void after72HoursOnTimeoutFailFailsTheNodeAndTheRun() {
    RunState s = afterTimeout("""
        {"title": "T", "approvers": ["ann"], "timeout": "72h", "onTimeout": "fail"}""");
    assertThat(s.status()).isEqualTo(RunStatus.FAILED);
    assertThat(s.nodes().get("approve").error().code()).isEqualTo("approval.timeout");
  }

  @Test
  void onTimeoutEscalateHandsTheTaskToTheEscalationApprovers() {
    WorkflowStub run = t.start(approval("""
        {"title": "T", "approvers": ["ann"], "timeout": "72h", "onTimeout": "escalate",
         "escalation": {"approvers": ["group:managers"], "timeout": "24h"}}"""), "{\"amount\": 1}");
    awaitWaiting(run, "approve");
    t.env.sleep(Duration.ofHours(73));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
        t.state(run).nodes().get("approve").task().get("assignees").get(0).stringValue().equals("group:managers"));
    // Ann's turn is over; the managers decide now.
    assertThat(refusedCode(() -> decide(run, "approve", ANN, "approve", null))).isEqualTo(HumanFailures.FORBIDDEN);
    assertThat(decide(run, "approve", DEE, "approve", "ok").get("outcome").stringValue()).isEqualTo("approved");
    JsonNode out = output(run).get("yes");
    assertThat(out).isNotNull();
    JsonNode decision = t.state(run).nodes().get("approve").output();
    assertThat(decision.get("escalated").booleanValue()).isTrue();
    assertThat(decision.get("deciders").get(0).get("principal").stringValue()).isEqualTo("dee");
    assertThat(events(run, EventKind.NODE_ESCALATED)).singleElement()
        .satisfies(e -> assertThat(e.data().get("assignees").get(0).stringValue()).isEqualTo("group:managers"));
  }

  @Test
  void anUnansweredEscalationTimesOutWithItsOwnRule() {
    RunState s = afterTimeout("""
        {"title": "T", "approvers": ["ann"], "timeout": "72h", "onTimeout": "escalate",
         "escalation": {"approvers": ["dee"], "timeout": "24h", "onTimeout": "approve"}}""");
    JsonNode out = s.nodes().get("approve").output();
    assertThat(out.get("decision").stringValue()).isEqualTo("approved");
    assertThat(out.get("escalated").booleanValue()).isTrue();
    assertThat(Duration.between(s.nodes().get("approve").startedAt(), s.nodes().get("approve").endedAt()))
        .isCloseTo(Duration.ofHours(96), Duration.ofSeconds(1));
  }

  @Test
  void remindersAreEmittedWhileTheTaskIsOpen() {
    WorkflowStub run = t.start(approval("""
        {"title": "T", "approvers": ["ann"], "timeout": "72h", "reminderEvery": "24h"}"""), "{\"amount\": 1}");
    awaitWaiting(run, "approve");
    run.getResult(RunResult.class);
    List<RunEvent> reminders = events(run, EventKind.NODE_REMINDER);
    assertThat(reminders).extracting(RunEvent::attempt).containsExactly(1, 2);
    assertThat(Duration.between(reminders.get(0).at(), reminders.get(1).at())).isCloseTo(Duration.ofHours(24), Duration.ofSeconds(1));
    assertThat(reminders.getFirst().data().get("assignees").get(0).stringValue()).isEqualTo("ann");
  }

  private static final String FORM = """
      {"name": "form", "nodes": [
        {"id": "ask", "type": "form", "config": {"title": "Clarify", "assignees": ["group:finance"], "timeout": "2d",
          "fields": {"properties": {
            "amount": {"type": "number", "minimum": 0},
            "currency": {"enum": ["EUR", "USD"]},
            "urgent": {"type": "boolean"},
            "note": {"type": "string", "maxLength": 20}},
           "required": ["amount", "currency"]}}},
        {"id": "echo", "type": "set", "config": {"values": {"total": "{{ nodes.ask.output.amount }}"}}}
      ], "edges": [{"from": "ask", "to": "echo"}]}
      """;

  @Test
  void formValuesAreValidatedAgainstTheSchemaAndBecomeTheOutput() {
    WorkflowStub run = t.start(FORM, "{}");
    awaitWaiting(run, "ask");
    RunWorkflow w = t.run(run);
    HumanFailures.Refusal bad = null;
    try {
      w.decide(new HumanInput("ask", ANN, "submit", null,
          Json.parse("{\"amount\": -1, \"currency\": \"GBP\", \"extra\": 1}"), null));
    } catch (WorkflowUpdateException e) {
      bad = refusal(e);
    }
    assertThat(bad).isNotNull();
    assertThat(bad.code()).isEqualTo(HumanFailures.FORM_INVALID);
    assertThat(bad.errors()).extracting(dev.weft.definition.Violation::path)
        .contains("/values/amount", "/values/currency", "/values/extra");
    assertThat(bad.errors()).extracting(dev.weft.definition.Violation::code).contains("form.enum", "form.unknown_field");
    assertThat(refusedCode(() -> w.decide(new HumanInput("ask", ANN, "submit", null, Json.parse("{\"amount\": 3}"), null))))
        .isEqualTo(HumanFailures.FORM_INVALID);
    assertThat(refusedCode(() -> w.decide(new HumanInput("ask", EVE, "submit", null,
        Json.parse("{\"amount\": 3, \"currency\": \"EUR\"}"), null)))).isEqualTo(HumanFailures.FORBIDDEN);

    JsonNode ok = w.decide(new HumanInput("ask", ANN, "submit", null, Json.parse("{\"amount\": 3, \"currency\": \"EUR\"}"), null));
    assertThat(ok.get("outcome").stringValue()).isEqualTo("submitted");
    assertThat(output(run).get("echo").get("total").intValue()).isEqualTo(3);
    assertThat(t.state(run).nodes().get("ask").output()).isEqualTo(Json.parse("{\"amount\": 3, \"currency\": \"EUR\"}"));
  }

  @Test
  void anUnansweredFormFailsWithFormTimeout() {
    WorkflowStub run = t.start(FORM, "{}");
    awaitWaiting(run, "ask");
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
    assertThat(t.state(run).nodes().get("ask").error().code()).isEqualTo("form.timeout");
  }

  private static String asking(String flakyConfig) {
    return """
        {"name": "ask", "nodes": [
          {"id": "call", "type": "test.flaky", "config": %s, "onError": "ask"},
          {"id": "after", "type": "set", "config": {"values": {"got": "{{ nodes.call.output }}"}}}
        ], "edges": [{"from": "call", "to": "after"}]}
        """.formatted(flakyConfig);
  }

  @Test
  void askThenRetryRunsTheNodeAgainAndCountsItsAttempts() {
    WorkflowStub run = t.start(asking("{\"failures\": 1, \"retryable\": false}"), "{}");
    awaitWaiting(run, "call");
    RunState asking = t.state(run);
    assertThat(asking.status()).isEqualTo(RunStatus.WAITING);
    JsonNode task = asking.nodes().get("call").task();
    assertThat(task.get("kind").stringValue()).isEqualTo("ask");
    assertThat(task.get("details").get("error").get("code").stringValue()).isEqualTo("test.flaky");
    assertThat(refusedCode(() -> decide(run, "call", EVE, "retry", null))).isEqualTo(HumanFailures.FORBIDDEN);

    assertThat(decide(run, "call", ANN, "retry", "try again").get("outcome").stringValue()).isEqualTo("retrying");
    assertThat(output(run).get("after").get("got").intValue()).isEqualTo(2);
    NodeState call = t.state(run).nodes().get("call");
    assertThat(call.status()).isEqualTo(NodeStatus.COMPLETED);
    assertThat(call.attempts()).isEqualTo(2);
    assertThat(call.error()).isNull();
  }

  @Test
  void askThenRetryWithAnEditedConfigUsesTheNewConfigAfterValidatingIt() {
    WorkflowStub run = t.start(asking("{\"failures\": 99, \"retryable\": false}"), "{}");
    awaitWaiting(run, "call");
    RunWorkflow w = t.run(run);
    assertThat(refusedCode(() -> w.decide(new HumanInput("call", ANN, "retry", null, null, Json.parse("{\"failures\": \"many\"}")))))
        .isEqualTo(HumanFailures.CONFIG_INVALID);
    w.decide(new HumanInput("call", ANN, "retry", null, null, Json.parse("{\"failures\": 0}")));
    assertThat(output(run).get("after").get("got").intValue()).isEqualTo(2);
  }

  @Test
  void aSecondAskShowsTheConfigThatRanAndANodeWithoutMainPortCannotBeSkipped() {
    WorkflowStub run = t.start(asking("{\"failures\": 99, \"retryable\": false}"), "{}");
    awaitWaiting(run, "call");
    assertThat(t.state(run).nodes().get("call").task().get("actions").toString()).contains("skip");
    t.run(run).decide(new HumanInput("call", ANN, "retry", null, null, Json.parse("{\"failures\": 98, \"retryable\": false}")));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
      JsonNode task = t.state(run).nodes().get("call").task();
      return task != null && task.get("task").intValue() == 2;
    });
    assertThat(t.state(run).nodes().get("call").task().get("details").get("config").get("failures").intValue()).isEqualTo(98);
    assertThat(t.state(run).nodes().get("call").attempts()).isEqualTo(2);
    decide(run, "call", ANN, "stop", null);

    WorkflowStub approval = t.start(approval("""
        {"title": "T", "approvers": ["ann"], "timeout": "1h", "onTimeout": "fail"}""").replace(
        "\"type\": \"approval\",", "\"type\": \"approval\", \"onError\": \"ask\","), "{\"amount\": 1}");
    awaitWaiting(approval, "approve");
    t.env.sleep(Duration.ofHours(2));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
        "ask".equals(t.state(approval).nodes().get("approve").task().path("kind").asString("")));
    assertThat(t.state(approval).nodes().get("approve").task().get("actions").toString()).doesNotContain("skip");
    assertThat(refusedCode(() -> decide(approval, "approve", ANN, "skip", null))).isEqualTo(HumanFailures.INVALID);
  }

  @Test
  void askThenSkipContinuesWithTheSubstituteOutput() {
    WorkflowStub run = t.start(asking("{\"failures\": 99, \"retryable\": false}"), "{}");
    awaitWaiting(run, "call");
    JsonNode answer = t.run(run).decide(new HumanInput("call", BOB, "skip", "use 42", Json.parse("42"), null));
    assertThat(answer.get("outcome").stringValue()).isEqualTo("skipped");
    assertThat(output(run).get("after").get("got").intValue()).isEqualTo(42);
  }

  @Test
  void askThenStopFailsTheRunWithTheNodesError() {
    WorkflowStub run = t.start(asking("{\"failures\": 99, \"retryable\": false}"), "{}");
    awaitWaiting(run, "call");
    assertThat(decide(run, "call", ANN, "stop", null).get("outcome").stringValue()).isEqualTo("stopped");
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
    RunState s = t.state(run);
    assertThat(s.status()).isEqualTo(RunStatus.FAILED);
    assertThat(s.error().code()).isEqualTo("test.flaky");
    assertThat(s.nodes().get("after").status()).isEqualTo(NodeStatus.PENDING);
  }

  @Test
  void pauseHoldsBackNewNodesUntilResume() {
    WorkflowStub run = t.start("""
        {"name": "pause", "nodes": [
          {"id": "wait", "type": "delay", "config": {"duration": "1h"}},
          {"id": "next", "type": "set", "config": {"values": {"done": true}}}
        ], "edges": [{"from": "wait", "to": "next"}]}
        """, "{}");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> t.state(run).nodes().get("wait").status() == NodeStatus.RUNNING);
    RunWorkflow w = t.run(run);
    assertThat(w.pause(new ControlInput(ANN, "checking"))).isEqualTo(RunStatus.PAUSED);
    assertThat(refusedCode(() -> HumanTaskRules.checkPause(t.state(run).status(), true))).isEqualTo(HumanFailures.RUN_PAUSED);
    t.env.sleep(Duration.ofHours(2));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> t.state(run).nodes().get("wait").status() == NodeStatus.COMPLETED);
    RunState paused = t.state(run);
    assertThat(paused.status()).isEqualTo(RunStatus.PAUSED);
    assertThat(paused.nodes().get("next").status()).isEqualTo(NodeStatus.PENDING);

    assertThat(w.resume(new ControlInput(BOB, null))).isIn(RunStatus.RUNNING, RunStatus.COMPLETED);
    assertThat(output(run).get("next").get("done").booleanValue()).isTrue();
    assertThat(refusedCode(() -> HumanTaskRules.checkPause(t.state(run).status(), false))).isEqualTo(HumanFailures.RUN_NOT_RUNNING);
    assertThat(events(run, EventKind.RUN_PAUSED)).singleElement()
        .satisfies(e -> assertThat(e.data().get("principal").stringValue()).isEqualTo("ann"));
    assertThat(events(run, EventKind.RUN_RESUMED)).singleElement()
        .satisfies(e -> assertThat(e.data().get("principal").stringValue()).isEqualTo("bob"));
  }

  @Test
  void resumeOfARunningRunIsRefused() {
    WorkflowStub run = t.start(GROUP_APPROVAL, "{\"amount\": 1}");
    awaitWaiting(run, "approve");
    assertThat(refusedCode(() -> t.run(run).resume(new ControlInput(ANN, null)))).isEqualTo(HumanFailures.RUN_NOT_PAUSED);
  }

  @Test
  void cancelWhileWaitingCancelsTheTaskAndTheRun() {
    WorkflowStub run = t.start(GROUP_APPROVAL, "{\"amount\": 1}");
    awaitWaiting(run, "approve");
    run.cancel();
    assertThatThrownBy(() -> run.getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    RunState s = t.state(run);
    assertThat(s.status()).isEqualTo(RunStatus.CANCELED);
    assertThat(s.nodes().get("approve").status()).isEqualTo(NodeStatus.CANCELED);
    assertThat(s.waiting()).isEmpty();
    assertThat(events(run, EventKind.RUN_CANCELED)).hasSize(1);
  }

  /**
   * A wait is Temporal state, not worker memory: while the run waits, the worker's workflow cache is
   * emptied (which also ends the run's workflow threads), 30 days pass, and the approval still resumes
   * the run, which the worker rebuilds from its history.
   */
  @Test
  void aThirtyDayWaitHoldsNoWorkerThreadOrCacheEntry() {
    WorkflowStub run = t.start(approval("""
        {"title": "Month", "approvers": ["ann"], "timeout": "40d"}"""), "{\"amount\": 1}");
    awaitWaiting(run, "approve");
    WorkerFactory factory = t.env.getWorkerFactory();
    assertThat(WorkflowCaches.size(factory)).isEqualTo(1);
    WorkflowCaches.evictAll(factory);
    assertThat(WorkflowCaches.size(factory)).isZero();

    t.env.sleep(Duration.ofDays(30));
    assertThat(WorkflowCaches.size(factory)).as("a timer firing or time passing does not bring the run back").isZero();

    assertThat(decide(run, "approve", ANN, "approve", "after a month").get("outcome").stringValue()).isEqualTo("approved");
    assertThat(output(run).get("yes")).isNotNull();
    RunState s = t.state(run);
    assertThat(Duration.between(s.nodes().get("approve").startedAt(), s.nodes().get("approve").endedAt()))
        .isGreaterThanOrEqualTo(Duration.ofDays(30));
  }

  /**
   * A run with every kind of human interaction (ask then retry, a reminder, pause, two approvals,
   * resume) replays on the current interpreter; with {@code -Dweft.recordHistories=true} its history
   * becomes a recorded one that {@link RunWorkflowReplayTest} replays from then on.
   */
  @Test
  void aRunWithHumanInteractionsReplays() throws Exception {
    WorkflowStub run = t.start("""
        {"name": "hitl", "nodes": [
          {"id": "call", "type": "test.flaky", "config": {"failures": 1, "retryable": false}, "onError": "ask"},
          {"id": "approve", "type": "approval", "config": {"title": "Two", "approvers": ["group:finance"], "quorum": 2,
            "timeout": "72h", "reminderEvery": "24h"}},
          {"id": "done", "type": "set", "config": {"values": {"ok": true}}}
        ], "edges": [{"from": "call", "to": "approve"}, {"from": "approve", "port": "approved", "to": "done"}]}
        """, "{}", "zed");
    awaitWaiting(run, "call");
    decide(run, "call", ANN, "retry", null);
    awaitWaiting(run, "approve");
    t.env.sleep(Duration.ofHours(25));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !events(run, EventKind.NODE_REMINDER).isEmpty());
    RunWorkflow w = t.run(run);
    w.pause(new ControlInput(CY, "hold on"));
    decide(run, "approve", ANN, "approve", "yes");
    decide(run, "approve", BOB, "approve", "yes");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> t.state(run).nodes().get("approve").status() == NodeStatus.COMPLETED);
    assertThat(t.state(run).status()).isEqualTo(RunStatus.PAUSED);
    w.resume(new ControlInput(CY, null));
    assertThat(output(run).get("done").get("ok").booleanValue()).isTrue();
    io.temporal.common.WorkflowExecutionHistory history = t.client.fetchHistory(run.getExecution().getWorkflowId());
    io.temporal.testing.WorkflowReplayer.replayWorkflowExecution(history, t.worker);
    if (Boolean.getBoolean("weft.recordHistories")) {
      java.nio.file.Files.writeString(java.nio.file.Path.of("src/test/resources/histories/human-tasks.run-events-1.json"),
          history.toJson(true));
    }
  }
}
