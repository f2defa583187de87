package dev.weft.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.definition.Json;
import dev.weft.definition.validate.ValidationReport;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The examples under examples/ are documentation that must not rot: each one is valid, and each one
 * that needs no network completes when run with its {@code .input.json}.
 */
class ExamplesTest {
  private static EngineTestSupport t;

  @BeforeAll
  static void setUp() {
    t = new EngineTestSupport();
  }

  @AfterAll
  static void tearDown() {
    t.close();
  }

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("examples"))) {
      List<Path> list = files.filter(p -> p.toString().endsWith(".json") && !p.toString().endsWith(".input.json"))
          .sorted().toList();
      assertThat(list).isNotEmpty();
      return list.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void exampleIsValidAndCompletes(Path file) throws IOException {
    ValidationReport report = t.validator.validate(Files.readString(file));
    assertThat(report.errors()).as(file + " violations").isEmpty();
    if (report.definition().nodes().stream().anyMatch(n -> n.type().equals("http"))) return;
    Path inputFile = Path.of(file.toString().replaceFirst("\\.json$", ".input.json"));
    String input = Files.exists(inputFile) ? Files.readString(inputFile) : "{}";
    WorkflowStub run = t.start(Files.readString(file), input);
    run.getResult(RunResult.class);
    RunState state = t.state(run);
    assertThat(state.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(state.output()).isNotNull();
    assertThat(Json.sizeOf(state.output())).isGreaterThan(2);
  }
}
