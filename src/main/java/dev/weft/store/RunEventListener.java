package dev.weft.store;

import java.util.List;

/** Told about events after they were committed for the first time (never about duplicates). */
public interface RunEventListener {
  void inserted(List<StoredEvent> events);
}
