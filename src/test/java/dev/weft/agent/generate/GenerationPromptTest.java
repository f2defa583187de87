package dev.weft.agent.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TestRegistries;
import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenerationPromptTest {

  @Test
  void theSystemPromptCataloguesEveryTypeWithItsSchemaAndPorts() {
    var registry = TestRegistries.registry();
    String system = new GenerationPrompt(registry).system();
    for (var d : registry.catalogue()) {
      assertThat(system).contains("### `" + d.type() + "`", d.configSchema().toString());
    }
    assertThat(system).contains("Ports: true, false", "Ports: approved, rejected", dev.weft.ai.PromptText.DATA_RULE);
  }

  @Test
  void theExamplesAreTheRepositorysAndValid() throws Exception {
    for (String name : GenerationPrompt.EXAMPLES) {
      for (String file : List.of(name + ".json", name + ".input.json")) {
        assertThat(Json.parse(GenerationPrompt.resource("ai/examples/" + file)))
            .as(file).isEqualTo(Json.parse(Files.readString(Path.of("examples", file))));
      }
      assertThat(TestRegistries.validator().validate(GenerationPrompt.resource("ai/examples/" + name + ".json")).errors()).isEmpty();
    }
  }

  @Test
  void theRepairMessageListsPathCodeAndMessage() {
    assertThat(GenerationPrompt.repair(List.of(Violation.of("/nodes/1", "dryrun.expr.eval", "boom"), Violation.of("", "generate.not_json", "no"))))
        .contains("- /nodes/1 dryrun.expr.eval boom\n", "- / generate.not_json no\n");
  }
}
