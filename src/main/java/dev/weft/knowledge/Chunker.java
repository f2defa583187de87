package dev.weft.knowledge;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a document's text into chunks of at most {@code size} characters, each starting {@code overlap}
 * characters before the previous one ended, so a sentence cut by one boundary is whole in a neighbour. A
 * chunk ends at the last paragraph break, else sentence end, else line break, else space in its second half;
 * a text with none there is cut at {@code size}. Overlaps start at a word.
 */
public final class Chunker {
  private static final String[] BREAKS = {"\n\n", ". ", "! ", "? ", "\n", " "};

  private Chunker() {}

  /** Runs of spaces and tabs as one space, three or more line breaks as two, no NUL (PostgreSQL text has none); trimmed. */
  public static String normalize(String text) {
    return text.replace('\u0000', ' ').replace("\r\n", "\n").replace('\r', '\n').replaceAll("[ \\t\\x0B\\f\\u00A0]+", " ")
        .replaceAll(" ?\\n ?", "\n").replaceAll("\\n{3,}", "\n\n").strip();
  }

  /**
   * @param size the most characters of a chunk, at least 1
   * @param overlap characters shared with the previous chunk, from 0 to below {@code size}
   */
  public static List<String> chunk(String text, int size, int overlap) {
    if (size < 1 || overlap < 0 || overlap >= size) throw new IllegalArgumentException("size " + size + ", overlap " + overlap);
    String t = normalize(text);
    List<String> out = new ArrayList<>();
    int n = t.length();
    int start = 0;
    while (start < n) {
      int end = Math.min(n, start + size);
      if (end < n) end = cut(t, start, end);
      String chunk = t.substring(start, end).strip();
      if (!chunk.isEmpty()) out.add(chunk);
      if (end >= n) break;
      int next = Math.max(end - overlap, start + 1);
      while (next < end && !Character.isWhitespace(t.charAt(next - 1))) next++;
      while (next < n && Character.isWhitespace(t.charAt(next))) next++;
      start = next;
    }
    return out;
  }

  /** Where a chunk from {@code start} ending at most at {@code limit} ends: after the best break in its second half. */
  private static int cut(String t, int start, int limit) {
    int floor = start + (limit - start) / 2;
    for (String b : BREAKS) {
      int at = t.lastIndexOf(b, limit - b.length());
      if (at >= floor) return at + b.length();
    }
    return limit;
  }
}
