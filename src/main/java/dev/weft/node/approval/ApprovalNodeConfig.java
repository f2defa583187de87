package dev.weft.node.approval;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.util.List;

/** Config of {@code approval}. */
public record ApprovalNodeConfig(
    @NotBlank @JsonPropertyDescription("what is asked; may hold {{ templates }}") String title,
    @JsonPropertyDescription("details for the approvers; may hold {{ templates }}") String description,
    @NotEmpty @JsonPropertyDescription("who may decide: principal ids, role:<role> or group:<group>") List<String> approvers,
    @Min(1) @Max(MAX_QUORUM) @JsonPropertyDescription("approvals needed (default 1); any rejection rejects") Integer quorum,
    @JsonPropertyDescription("how long to wait for the decision: 72h, 3d or ISO-8601; none waits until decided")
    String timeout,
    @JsonPropertyDescription("what a timeout does: reject (default), approve, fail, escalate") OnTimeout onTimeout,
    @JsonPropertyDescription("with onTimeout escalate: who decides next, and for how long") Escalation escalation,
    @JsonPropertyDescription("emit a node_reminder event this often while undecided (at least 1m)") String reminderEvery,
    @JsonPropertyDescription("whether the principal who started the run may approve it (default false)")
    Boolean allowSelfApproval) {

  /** The largest quorum: more approvers than this on one decision is a mistake. */
  public static final int MAX_QUORUM = 100;

  public ApprovalNodeConfig {
    onTimeout = onTimeout == null ? OnTimeout.REJECT : onTimeout;
    allowSelfApproval = allowSelfApproval != null && allowSelfApproval;
  }

  public int quorumOrDefault() {
    return quorum == null ? 1 : quorum;
  }

  /** What a timeout decides. */
  public enum OnTimeout {
    @JsonProperty("reject") REJECT,
    @JsonProperty("approve") APPROVE,
    @JsonProperty("fail") FAIL,
    @JsonProperty("escalate") ESCALATE
  }

  /** What an escalation's own timeout decides. */
  public enum EscalationTimeout {
    @JsonProperty("reject") REJECT,
    @JsonProperty("approve") APPROVE,
    @JsonProperty("fail") FAIL
  }

  /** The second approver list, with its own timeout and quorum. */
  public record Escalation(
      @NotEmpty @JsonPropertyDescription("who decides after the first timeout") List<String> approvers,
      @NotBlank @JsonPropertyDescription("how long they have") String timeout,
      @Min(1) @Max(MAX_QUORUM) @JsonPropertyDescription("approvals needed from them (default 1)") Integer quorum,
      @JsonPropertyDescription("what their timeout decides: reject (default), approve, fail") EscalationTimeout onTimeout) {

    public Escalation {
      onTimeout = onTimeout == null ? EscalationTimeout.REJECT : onTimeout;
    }

    public int quorumOrDefault() {
      return quorum == null ? 1 : quorum;
    }
  }
}
