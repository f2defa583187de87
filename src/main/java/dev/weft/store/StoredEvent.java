package dev.weft.store;

import dev.weft.engine.RunEvent;

/** An event as stored: its sequence number orders a run's events and is its SSE id. */
public record StoredEvent(long seq, RunEvent event) {}
