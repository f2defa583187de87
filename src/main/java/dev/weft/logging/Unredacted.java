package dev.weft.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;

final class Unredacted {
  private Unredacted() {}

  static boolean of(ILoggingEvent event) {
    var markers = event.getMarkerList();
    if (markers == null) return false;
    for (var m : markers) if (m.contains(Redaction.UNREDACTED)) return true;
    return false;
  }
}
