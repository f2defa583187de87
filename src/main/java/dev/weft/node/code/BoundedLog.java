package dev.weft.node.code;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a script prints ({@code console.log}, {@code print}), kept as at most {@code maxLines} lines of at
 * most {@code maxLineChars} characters each; the rest is dropped and {@link #truncated} says so.
 */
final class BoundedLog extends OutputStream {
  private final int maxLines;
  private final int maxLineChars;
  private final List<String> lines = new ArrayList<>();
  private final ByteArrayOutputStream current = new ByteArrayOutputStream();
  private boolean truncated;

  BoundedLog(int maxLines, int maxLineChars) {
    this.maxLines = maxLines;
    this.maxLineChars = maxLineChars;
  }

  synchronized void reset() {
    lines.clear();
    current.reset();
    truncated = false;
  }

  @Override
  public synchronized void write(int b) {
    if (b == '\n') {
      endLine();
    } else if (lines.size() >= maxLines) {
      truncated = true;
    } else if (current.size() < maxLineChars * 4) {
      current.write(b);
    } else {
      truncated = true;
    }
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) write(b[i]);
  }

  private void endLine() {
    if (lines.size() >= maxLines) {
      truncated = true;
    } else {
      String line = current.toString(StandardCharsets.UTF_8);
      if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
      if (line.length() > maxLineChars) {
        line = line.substring(0, maxLineChars) + "…";
        truncated = true;
      }
      lines.add(line);
    }
    current.reset();
  }

  /** The lines so far, with an unfinished last line. */
  synchronized List<String> lines() {
    List<String> out = new ArrayList<>(lines);
    if (current.size() > 0 && out.size() < maxLines) {
      String line = current.toString(StandardCharsets.UTF_8);
      out.add(line.length() > maxLineChars ? line.substring(0, maxLineChars) + "…" : line);
    }
    return out;
  }

  synchronized boolean truncated() {
    return truncated;
  }
}
