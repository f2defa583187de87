package dev.weft.node.delay;

import dev.weft.definition.Durations;
import dev.weft.definition.Violation;
import dev.weft.node.GraphContext;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeResult;
import dev.weft.node.WaitContext;
import dev.weft.node.WaitNodeType;
import dev.weft.expression.Templates;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Waits on a durable Temporal timer: a run that waits two days survives restarts and holds no worker
 * thread meanwhile. Passes its upstream value through.
 */
@Component
public class DelayNode implements WaitNodeType<DelayNodeConfig> {
  /** A timer longer than this is almost certainly a mistake (e.g. a unit typo). */
  public static final Duration MAX_DELAY = Duration.ofDays(366);

  @Override
  public String id() {
    return "delay";
  }

  @Override
  public Class<DelayNodeConfig> configClass() {
    return DelayNodeConfig.class;
  }

  @Override
  public String description() {
    return "Waits for a duration or until an instant on a durable timer; passes its input through.";
  }

  @Override
  public List<Violation> validate(DelayNodeConfig config, GraphContext graph) {
    List<Violation> v = new ArrayList<>();
    if ((config.duration() == null) == (config.until() == null)) {
      v.add(Violation.of("", "delay.invalid", "give exactly one of duration and until"));
    }
    if (config.duration() != null && !Templates.hasTemplate(config.duration())) {
      try {
        if (Durations.parse(config.duration()).compareTo(MAX_DELAY) > 0) {
          v.add(Violation.of("/duration", "delay.too_long", "a delay is at most " + MAX_DELAY.toDays() + "d"));
        }
      } catch (IllegalArgumentException e) {
        v.add(Violation.of("/duration", "duration.invalid", e.getMessage()));
      }
    }
    if (config.until() != null && !Templates.hasTemplate(config.until())) {
      try {
        Instant.parse(config.until());
      } catch (DateTimeParseException e) {
        v.add(Violation.of("/until", "delay.until_invalid", "'" + config.until() + "' is not an ISO-8601 instant"));
      }
    }
    return v;
  }

  @Override
  public NodeResult await(DelayNodeConfig config, WaitContext ctx) {
    Duration wait;
    if (config.duration() != null) {
      try {
        wait = Durations.parse(config.duration());
      } catch (IllegalArgumentException e) {
        throw new NodeFailure("duration.invalid", e.getMessage(), false);
      }
    } else if (config.until() != null) {
      try {
        wait = Duration.between(ctx.now(), Instant.parse(config.until()));
      } catch (DateTimeParseException e) {
        throw new NodeFailure("delay.until_invalid", "'" + config.until() + "' is not an ISO-8601 instant", false);
      }
    } else {
      throw new NodeFailure("delay.invalid", "give exactly one of duration and until", false);
    }
    if (wait.compareTo(MAX_DELAY) > 0) {
      throw new NodeFailure("delay.too_long", "a delay is at most " + MAX_DELAY.toDays() + "d", false);
    }
    if (wait.isPositive()) ctx.sleep(wait);
    return NodeResult.of(ctx.upstream());
  }
}
