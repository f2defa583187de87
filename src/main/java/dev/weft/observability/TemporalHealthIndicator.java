package dev.weft.observability;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Whether the Temporal frontend the {@link WorkflowClient} talks to answers: a {@code GetSystemInfo}
 * call (cheap, no namespace lookup) with a short deadline. Details name the target and namespace; a
 * failure is reported by its gRPC status, never with a stack trace.
 */
public class TemporalHealthIndicator implements HealthIndicator {
  static final String IN_PROCESS = "in-process";
  private static final int MAX_ERROR_LENGTH = 200;

  private final WorkflowClient client;
  private final Duration timeout;

  public TemporalHealthIndicator(WorkflowClient client, Duration timeout) {
    this.client = client;
    this.timeout = timeout;
  }

  @Override
  public Health health() {
    WorkflowServiceStubs stubs = client.getWorkflowServiceStubs();
    String target = stubs.getOptions().getTarget();
    Health.Builder health = new Health.Builder()
        .withDetail("target", target == null || target.isBlank() ? IN_PROCESS : target)
        .withDetail("namespace", client.getOptions().getNamespace());
    try {
      GetSystemInfoResponse info = stubs.blockingStub()
          .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      if (!info.getServerVersion().isBlank()) health.withDetail("serverVersion", info.getServerVersion());
      return health.up().build();
    } catch (StatusRuntimeException e) {
      return health.down().withDetail("error", describe(e.getStatus())).build();
    } catch (RuntimeException e) {
      return health.down().withDetail("error", truncate(e.getClass().getSimpleName() + ": " + e.getMessage())).build();
    }
  }

  private static String describe(Status status) {
    String description = status.getDescription();
    return truncate(description == null || description.isBlank()
        ? status.getCode().name()
        : status.getCode().name() + ": " + description);
  }

  private static String truncate(String s) {
    return s.length() <= MAX_ERROR_LENGTH ? s : s.substring(0, MAX_ERROR_LENGTH) + "...";
  }
}
