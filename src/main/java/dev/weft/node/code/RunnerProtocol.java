package dev.weft.node.code;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The frames between a worker and its code runner processes: a 4-byte big-endian length, then that
 * many bytes of UTF-8 JSON. One request, then its one answer; a runner serves one request at a time.
 *
 * <p>Requests: {@code {"op": "run", "source", "bindings" (JSON text), "timeoutMs"}},
 * {@code {"op": "check", "source"}}, {@code {"op": "ping"}}. Answers carry {@code status}: {@code ok}
 * (with {@code output} as JSON text, {@code logs}), {@code failed} (with {@code code}, {@code message},
 * optional {@code line}/{@code column}, {@code logs}) or {@code syntax} (check only).
 */
final class RunnerProtocol {
  static final ObjectMapper JSON = JsonMapper.builder().build();
  /** Larger frames are refused: inputs and outputs are bounded well below this. */
  static final int MAX_FRAME = 256 * 1024 * 1024;

  private RunnerProtocol() {}

  static void write(DataOutputStream out, JsonNode message) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(message);
    out.writeInt(bytes.length);
    out.write(bytes);
    out.flush();
  }

  /** @return the next frame, or {@code null} at the end of the stream */
  static JsonNode read(DataInputStream in) throws IOException {
    int length;
    try {
      length = in.readInt();
    } catch (EOFException e) {
      return null;
    }
    if (length < 0 || length > MAX_FRAME) throw new IOException("frame of " + length + " bytes");
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
  }
}
