package dev.weft.api;

import dev.weft.engine.RunEvent;
import dev.weft.store.StoredEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/** The REST and SSE shape of an event: the same JSON in both. */
public final class EventViews {
  private EventViews() {}

  public static Map<String, Object> view(StoredEvent s) {
    RunEvent e = s.event();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", s.seq());
    m.put("kind", e.kind().wire());
    m.put("runId", e.runId());
    if (!e.runLevel()) {
      m.put("nodeId", e.nodeId());
      m.put("nodeType", e.nodeType());
      m.put("attempt", e.attempt());
    }
    m.put("at", e.at());
    if (e.durationMs() != null) m.put("durationMs", e.durationMs());
    if (e.input() != null) m.put("input", e.input());
    if (e.output() != null) m.put("output", e.output());
    if (e.error() != null) m.put("error", e.error());
    if (e.data() != null) m.put(e.kind().ends() ? "state" : "data", e.data());
    return m;
  }
}
