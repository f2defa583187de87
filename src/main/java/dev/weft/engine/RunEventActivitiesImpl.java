package dev.weft.engine;

import java.util.List;

/** Hands each batch of events to the sink. */
public class RunEventActivitiesImpl implements RunEventActivities {
  private final RunEventSink sink;

  public RunEventActivitiesImpl(RunEventSink sink) {
    this.sink = sink;
  }

  @Override
  public void record(List<RunEvent> events) {
    sink.record(events);
  }
}
