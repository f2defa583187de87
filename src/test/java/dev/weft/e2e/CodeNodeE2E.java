package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The code node in the packaged jar: its runner processes start from the jar itself (Spring Boot's
 * PropertiesLauncher), run the JavaScript and Python examples, and a script that exhausts its runner's
 * heap fails its node while Weft keeps serving.
 */
class CodeNodeE2E extends E2ESupport {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private String example(String name) throws IOException {
    ObjectNode def = (ObjectNode) JSON.readTree(Files.readString(Path.of("examples", name + ".json")));
    def.put("id", uniqueId(name));
    return create(def.toString());
  }

  private JsonNode runWith(String id, String inputFile) throws IOException {
    String input = Files.readString(Path.of("examples", inputFile));
    return rest.post("/api/workflows/" + id + "/runs?wait=PT60S", "{\"input\": " + input + "}").expect(200).json();
  }

  @Test
  void javascriptAndPythonRunFromThePackagedJarAndAMemoryBombStaysInItsRunner() throws IOException {
    JsonNode js = runWith(example("order-totals-js"), "order-totals-js.input.json");
    assertThat(js.get("status").stringValue()).as(js.toString()).isEqualTo("COMPLETED");
    assertThat(js.at("/output/text").stringValue()).isEqualTo("Top customer: grace (99 EUR)");

    JsonNode py = runWith(example("csv-stats-python"), "csv-stats-python.input.json");
    assertThat(py.get("status").stringValue()).as(py.toString()).isEqualTo("COMPLETED");
    assertThat(py.at("/output/large").toString()).isEqualTo("[\"a-1\",\"a-4\"]");

    String bomb = create("""
        {"id": "%s", "name": "E2E memory bomb", "nodes": [
          {"id": "bomb", "type": "code", "timeout": "60s",
           "config": {"language": "javascript", "source": "const a = []; while (true) { a.push(new Array(1000000).fill(1)); }"}}]}
        """.formatted(uniqueId("bomb")));
    JsonNode failed = rest.post("/api/workflows/" + bomb + "/runs?wait=PT60S", "{\"input\": {}}").expect(200).json();
    assertThat(failed.get("status").stringValue()).isEqualTo("FAILED");
    assertThat(failed.at("/error/code").stringValue()).as(failed.toString()).isEqualTo("code.memory");

    // The worker is unharmed: the next script runs in a fresh runner.
    JsonNode again = runWith(example("order-totals-js"), "order-totals-js.input.json");
    assertThat(again.get("status").stringValue()).isEqualTo("COMPLETED");
    assertThat(rest.get("/actuator/health").expect(200).json().get("status").stringValue()).isEqualTo("UP");
  }
}
