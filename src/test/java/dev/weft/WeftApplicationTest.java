package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.definition.Json;
import dev.weft.validate.DefinitionValidator;
import dev.weft.validate.ValidationReport;
import dev.weft.engine.DefinitionSnapshot;
import dev.weft.service.RunLauncher;
import dev.weft.engine.RunResult;
import dev.weft.node.NodeRegistry;
import dev.weft.node.NodeType;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** The Spring wiring: every node type is registered, and a run goes through the embedded Temporal. */
@SpringBootTest
class WeftApplicationTest {
  @Autowired NodeRegistry registry;
  @Autowired DefinitionValidator validator;
  @Autowired RunLauncher launcher;

  @Test
  void registersEveryBuiltInNodeType() {
    assertThat(registry.catalogue()).extracting(NodeRegistry.Descriptor::type)
        .containsExactlyInAnyOrderElementsOf(TestRegistries.builtins().stream().map(NodeType::id).toList());
    assertThat(registry.catalogue()).allSatisfy(d -> assertThat(d.configSchema().get("type").stringValue()).isEqualTo("object"));
  }

  @Test
  void runsTheHelloExampleEndToEnd() throws Exception {
    ValidationReport report = validator.validate(Files.readString(Path.of("examples/hello.json")));
    assertThat(report.errors()).isEmpty();
    DefinitionSnapshot snapshot = new DefinitionSnapshot("hello", 1, RunLauncher.contentHash(report.definition()), report.definition());
    WorkflowStub run = launcher.start(snapshot, Json.parse("{\"name\": \"Ada\"}"), "spring-test");
    RunResult result = run.getResult(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS, RunResult.class);
    assertThat(result.output().get("greeting").stringValue()).isEqualTo("Hello, Ada.");
  }
}
