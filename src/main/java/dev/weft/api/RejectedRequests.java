package dev.weft.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * What Spring Security's {@code StrictHttpFirewall} refuses before any filter or controller sees the
 * request (an encoded {@code ;}, {@code %2F}, {@code ..} or {@code //} in the path, bytes that are not
 * printable, an unknown method): a 400 problem+json with the code {@code request.rejected}. Without it
 * the rejection escapes the filter chain and the container answers with Spring Boot's error page.
 * The firewall's reason is logged at debug, not echoed: it quotes the request's raw bytes.
 */
public final class RejectedRequests implements RequestRejectedHandler {
  private static final Logger log = LoggerFactory.getLogger(RejectedRequests.class);
  static final String CODE = "request.rejected";
  static final String MESSAGE = "the request was rejected: its path, method or headers hold characters or sequences "
      + "that are not allowed (an encoded ';', '/', '\\\\' or '%', '..', '//', or unprintable bytes)";

  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException e) throws IOException {
    log.debug("request rejected by the firewall: {}", e.getMessage());
    if (response.isCommitted()) return;
    response.reset();
    // Rejected before the header filter runs: the same headers as every other answer (SecurityConfiguration).
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate");
    response.setHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    AuthProblems.write(response, HttpStatus.BAD_REQUEST, "", CODE, MESSAGE);
  }
}
