package dev.weft.node.http;

import java.time.Duration;

/** Server-wide limits of the {@code http} node. */
public record HttpNodeSettings(int maxResponseBytes, Duration connectTimeout) {
  public static final HttpNodeSettings DEFAULTS = new HttpNodeSettings(10 * 1024 * 1024, Duration.ofSeconds(10));
}
