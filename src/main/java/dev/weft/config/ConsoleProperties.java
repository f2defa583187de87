package dev.weft.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The console (the web UI at {@code /}): whether it is served, how long a sign-in lasts at most
 * ({@code session.max-age}) and without requests ({@code session.idle-timeout}), and the Temporal UI a run
 * page links to ({@code temporal-ui-url}, none by default).
 */
@ConfigurationProperties("weft.console")
public record ConsoleProperties(@DefaultValue("true") boolean enabled, @DefaultValue Session session, String temporalUiUrl) {
  public record Session(@DefaultValue("12h") Duration maxAge, @DefaultValue("2h") Duration idleTimeout) {}
}
