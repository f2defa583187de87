package dev.weft.engine;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * The interpreter's event writer, run as a local activity: one call per scheduling round carries every
 * event of that round, so the log costs one small marker in history per round, not one activity per node.
 */
@ActivityInterface
public interface RunEventActivities {
  @ActivityMethod(name = TemporalNames.RECORD_EVENTS)
  void record(List<RunEvent> events);
}
