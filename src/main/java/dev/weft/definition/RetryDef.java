package dev.weft.definition;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.List;

/**
 * A node's retry policy. Absent fields take Weft's defaults: one attempt (no retries), 1 s initial
 * interval, backoff 2.0, maximum interval 100 × the initial one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetryDef(
    Integer maxAttempts,
    String initialInterval,
    Double backoffCoefficient,
    String maxInterval,
    List<String> nonRetryableErrors) {

  public static final Duration DEFAULT_INITIAL_INTERVAL = Duration.ofSeconds(1);
}
