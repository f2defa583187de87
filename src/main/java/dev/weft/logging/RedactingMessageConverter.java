package dev.weft.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %m}, {@code %msg}, {@code %message} with secrets masked (logback-spring.xml; {@link Redaction}). */
public class RedactingMessageConverter extends MessageConverter {
  @Override
  public String convert(ILoggingEvent event) {
    String message = super.convert(event);
    return Unredacted.of(event) ? message : Redaction.redact(message);
  }
}
