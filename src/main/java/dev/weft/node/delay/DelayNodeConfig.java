package dev.weft.node.delay;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Config of {@code delay}: exactly one of {@code duration} and {@code until}. */
public record DelayNodeConfig(
    @JsonPropertyDescription("how long to wait: 30s, 5m, 72h, 2d or ISO-8601; may be a {{ template }}") String duration,
    @JsonPropertyDescription("an ISO-8601 instant to wait until, or a {{ template }} giving one; past instants do not wait")
    String until) {}
