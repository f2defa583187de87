package dev.weft.node.http;

import java.time.Duration;

/**
 * Server-wide limits of the {@code http} node, and its {@link OutboundGuard} (which addresses it may reach).
 */
public record HttpNodeSettings(int maxResponseBytes, Duration connectTimeout, OutboundGuard outbound) {
  public static final HttpNodeSettings DEFAULTS = new HttpNodeSettings(10 * 1024 * 1024, Duration.ofSeconds(10));

  public HttpNodeSettings {
    if (outbound == null) outbound = OutboundGuard.DEFAULT;
  }

  /** With the default guard: private, loopback, link-local and metadata addresses refused. */
  public HttpNodeSettings(int maxResponseBytes, Duration connectTimeout) {
    this(maxResponseBytes, connectTimeout, OutboundGuard.DEFAULT);
  }

  public HttpNodeSettings withOutbound(OutboundGuard guard) {
    return new HttpNodeSettings(maxResponseBytes, connectTimeout, guard);
  }
}
