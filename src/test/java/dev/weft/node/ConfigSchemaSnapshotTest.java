package dev.weft.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TestRegistries;
import dev.weft.definition.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The config schemas are a contract (the node catalogue, save-time validation, the LLM's prompt): each
 * type's derived schema must equal its snapshot in src/test/resources/schemas. After a deliberate
 * change, run with {@code -Dweft.updateSnapshots=true} and review the diff.
 */
class ConfigSchemaSnapshotTest {
  private static final Path DIR = Path.of("src/test/resources/schemas");
  private static final NodeRegistry REGISTRY = TestRegistries.registry();

  static Stream<NodeRegistry.Descriptor> types() {
    return REGISTRY.catalogue().stream();
  }

  @ParameterizedTest
  @MethodSource("types")
  void schemaMatchesItsSnapshot(NodeRegistry.Descriptor type) throws IOException {
    Path file = DIR.resolve(type.type() + ".json");
    String actual = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(type.configSchema()) + "\n";
    if (Boolean.getBoolean("weft.updateSnapshots")) Files.writeString(file, actual);
    assertThat(file).as("snapshot of " + type.type()).exists();
    // Compared as parsed trees: generated numbers may be longs where parsed ones are ints.
    assertThat(Json.parse(Files.readString(file))).isEqualTo(Json.parse(actual));
  }
}
