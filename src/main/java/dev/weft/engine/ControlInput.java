package dev.weft.engine;

import dev.weft.security.WeftPrincipal;

/** Who pauses or resumes a run, and why. */
public record ControlInput(WeftPrincipal principal, String reason) {}
