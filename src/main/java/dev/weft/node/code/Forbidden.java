package dev.weft.node.code;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Recognises a guest error that is the sandbox refusing something (host classes, files, sockets,
 * processes, threads, environment), so the node fails with {@code code.forbidden} instead of
 * {@code code.error}.
 */
final class Forbidden {
  private static final List<String> PHRASES = List.of(
      "not allowed", "not permitted", "operation not supported", "access is denied", "permission denied",
      "host class", "host access", "native access", "create process", "create thread",
      "threads are not", "cannot create", "is not supported in this context", "privileges",
      "access has been denied", "was excluded", "unsupportedposixfeature");
  /** Globals that exist only when host or file access is allowed (JavaScript). */
  private static final Pattern HOST_GLOBAL = Pattern.compile(
      "ReferenceError: (Java|java|javax|Packages|Polyglot|Graal|load|loadWithNewGlobal|require|process|importClass|importPackage) is not defined");
  /** Python modules that the sandbox leaves without their native or host half. */
  private static final List<String> BLOCKED_MODULES = List.of(
      "socket", "_socket", "subprocess", "_posixsubprocess", "ctypes", "_ctypes", "java", "polyglot", "select",
      "ssl", "_ssl", "mmap", "fcntl", "multiprocessing", "_thread", "threading");

  private Forbidden() {}

  static boolean matches(String message) {
    if (message == null) return false;
    String m = message.toLowerCase(Locale.ROOT);
    return PHRASES.stream().anyMatch(m::contains);
  }

  static boolean isHostGlobal(String message) {
    return message != null && HOST_GLOBAL.matcher(message).find();
  }

  static boolean isBlockedModule(String message) {
    if (message == null) return false;
    return BLOCKED_MODULES.stream().anyMatch(mod -> message.contains("'" + mod + "'") || message.contains("'" + mod + "."));
  }
}
