package dev.weft.logging;

import ch.qos.logback.classic.spi.IThrowableProxy;
import org.springframework.boot.logging.logback.ExtendedWhitespaceThrowableProxyConverter;

/**
 * Spring Boot's {@code %wEx} (stack traces with packaging data, set off by blank lines) with secrets
 * masked: an exception's message (or a cause's) may quote a header, a URL or a connection string.
 */
public class RedactingThrowableConverter extends ExtendedWhitespaceThrowableProxyConverter {
  @Override
  protected String throwableProxyToString(IThrowableProxy tp) {
    return Redaction.redact(super.throwableProxyToString(tp));
  }
}
