package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layers point one way (docs/engine.md, "Layers"): {@code api} → {@code service} (and {@code agent})
 * → {@code engine} · {@code store} · {@code security} · {@code node} · {@code ai} → {@code validate} →
 * {@code definition} · {@code expression} · {@code domain}. Reads every main source file and fails on a
 * reference (an import or a qualified name outside comments) that points the wrong way.
 */
class LayersTest {
  private static final Path MAIN = Path.of("src/main/java/dev/weft");
  private static final Set<String> BOTTOM = Set.of("definition", "expression", "domain");

  /** Each layer and the only other Weft packages it may use. */
  private static final Map<String, Set<String>> MAY_USE = Map.of(
      "definition", BOTTOM,
      "expression", BOTTOM,
      "domain", BOTTOM,
      // The interpreter: Temporal workflow and activities over the node SPI, nothing of who starts runs
      // (domain: only the tenant context it carries in Temporal headers).
      "engine", Set.of("definition", "expression", "node", "domain"),
      "validate", union(BOTTOM, "node"));

  /** Each layer and the Weft packages it must not use. */
  private static final Map<String, Set<String>> MUST_NOT_USE = Map.of(
      "node", Set.of("engine", "store", "security", "service", "api", "agent", "config", "cli", "validate", "observability"),
      "ai", Set.of("engine", "store", "security", "service", "api", "agent", "config", "cli"),
      "store", Set.of("security", "service", "api", "agent", "config", "cli"),
      // Rate limits and budgets: beside the store, used by api, service, node and ai.
      "limits", Set.of("engine", "node", "ai", "security", "service", "api", "agent", "config", "cli", "validate", "observability"),
      "security", Set.of("service", "api", "agent", "config", "cli"),
      "service", Set.of("api", "agent", "config", "cli"),
      "agent", Set.of("api", "config", "cli"));

  private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.weft\\.([a-z]+)\\.");
  private static final Pattern COMMENTS = Pattern.compile("(?s)/\\*.*?\\*/|//[^\\n]*");

  @Test
  void layersPointOneWay() throws IOException {
    List<String> wrong;
    try (Stream<Path> files = Files.walk(MAIN)) {
      wrong = files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> violations(f).stream()).toList();
    }
    assertThat(wrong).as("references against the layers").isEmpty();
  }

  @Test
  void theCheckSeesReferences() {
    // Guards against a check that passes because it reads nothing.
    assertThat(uses(source("engine/RunWorkflowImpl.java"))).contains("definition", "node");
    assertThat(uses(source("api/ProblemHandler.java"))).contains("domain");
    String upward = """
        package dev.weft.engine;
        // dev.weft.store.Ignored: comments do not count
        import dev.weft.node.NodeType;
        class X { dev.weft.security.WeftPrincipal p; /* dev.weft.api.Nope */ }
        """;
    assertThat(uses(upward)).containsExactlyInAnyOrder("node", "security");
    assertThat(wrongUses("engine", uses(upward))).containsExactly("security");
    assertThat(wrongUses("service", Set.of("api", "engine"))).containsExactly("api");
    assertThat(wrongUses("definition", Set.of("expression", "node"))).containsExactly("node");
  }

  private static List<String> violations(Path file) {
    String layer = MAIN.relativize(file).getName(0).toString();
    if (layer.endsWith(".java")) return List.of();
    return wrongUses(layer, uses(read(file))).stream().map(p -> MAIN.relativize(file) + " uses dev.weft." + p).toList();
  }

  /** The Weft packages other than {@code layer} itself that {@code layer} may not use, among {@code used}. */
  private static Set<String> wrongUses(String layer, Set<String> used) {
    Set<String> wrong = new TreeSet<>();
    for (String p : used) {
      if (p.equals(layer)) continue;
      if (MAY_USE.containsKey(layer) && !MAY_USE.get(layer).contains(p)) wrong.add(p);
      if (MUST_NOT_USE.getOrDefault(layer, Set.of()).contains(p)) wrong.add(p);
    }
    return wrong;
  }

  /** The top-level Weft packages a source file refers to, outside comments and its package line. */
  private static Set<String> uses(String source) {
    String code = COMMENTS.matcher(source).replaceAll(" ").replaceFirst("(?m)^package [^;]+;", "");
    Set<String> used = new TreeSet<>();
    Matcher m = REFERENCE.matcher(code);
    while (m.find()) used.add(m.group(1));
    return used;
  }

  private static String source(String relative) {
    return read(MAIN.resolve(relative));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Set<String> union(Set<String> a, String... more) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(List.of(more));
    return Set.copyOf(all);
  }
}
