package dev.weft.engine;

/** Who pauses or resumes a run, and why. */
public record ControlInput(Actor principal, String reason) {}
