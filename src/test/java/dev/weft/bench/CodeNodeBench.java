package dev.weft.bench;

import dev.weft.TestRegistries;
import dev.weft.definition.Json;
import dev.weft.definition.NodeDef;
import dev.weft.engine.NodeInvoker;
import dev.weft.engine.NodeScope;
import dev.weft.expression.ExpressionEngine;
import dev.weft.node.NodeRegistry;
import dev.weft.node.code.CodeNode;
import dev.weft.node.code.CodeRunners;
import dev.weft.node.code.CodeSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The code node's latency, measured (not asserted): the first call on a fresh worker (a runner process
 * boots) and the p50/p95 of a trivial script on a warm one, for JavaScript and Python, next to a
 * {@code set} node through the same invoker as the baseline of the same run. Not part of
 * {@code ./mvnw verify} (the class name matches no test pattern); run it with
 * {@code ./mvnw test -Dtest=CodeNodeBench -Dsurefire.failIfNoSpecifiedTests=false}. Writes
 * {@code target/bench/code-node.md}.
 */
class CodeNodeBench {
  private static final int WARMUP = 50;
  private static final int JS_ITERATIONS = 300;
  private static final int PY_ITERATIONS = 200;

  @Test
  void measure() throws IOException {
    try (CodeRunners runners = new CodeRunners(CodeSettings.DEFAULTS)) {
      List<dev.weft.node.NodeType<?>> types = new ArrayList<>(TestRegistries.builtins());
      types.removeIf(t -> t.id().equals("code"));
      types.add(new CodeNode(runners));
      NodeInvoker invoker = new NodeInvoker(new NodeRegistry(types), new ExpressionEngine());
      StringBuilder md = new StringBuilder("# Code node latency\n\n")
          .append("Through NodeInvoker (what the activity runs), ").append(Runtime.getRuntime().availableProcessors())
          .append(" cores, JDK ").append(Runtime.version()).append(".\n\n")
          .append("| node | first call (ms) | warm p50 (ms) | warm p95 (ms) | warm p50 / set p50 |\n|---|---|---|---|---|\n");
      double set = row(md, invoker, "set", "{\"values\": {\"total\": \"{{ input.a + 1 }}\"}}", JS_ITERATIONS, 0);
      row(md, invoker, "code", "{\"language\": \"javascript\", \"source\": \"return {total: input.a + 1}\"}", JS_ITERATIONS, set);
      row(md, invoker, "code", "{\"language\": \"python\", \"source\": \"return {'total': input['a'] + 1}\"}", PY_ITERATIONS, set);
      Path out = Path.of("target/bench/code-node.md");
      Files.createDirectories(out.getParent());
      Files.writeString(out, md.toString());
      System.out.println(md);
    }
  }

  private static double row(StringBuilder md, NodeInvoker invoker, String type, String config, int iterations, double baseline) {
    NodeDef def = new NodeDef("n", type, null, Json.parse(config), "60s", null, null);
    JsonNode input = Json.parse("{\"a\": 41}");
    NodeScope scope = new NodeScope(input, Map.of(), Json.parse("{\"id\": \"bench\", \"workflowId\": \"bench\", \"version\": 1}"), List.of());
    long t0 = System.nanoTime();
    invoker.invoke("bench", def, scope, null);
    double first = (System.nanoTime() - t0) / 1e6;
    for (int i = 0; i < WARMUP; i++) invoker.invoke("bench", def, scope, null);
    double[] ms = new double[iterations];
    for (int i = 0; i < iterations; i++) {
      long s = System.nanoTime();
      invoker.invoke("bench", def, scope, null);
      ms[i] = (System.nanoTime() - s) / 1e6;
    }
    Arrays.sort(ms);
    double p50 = ms[iterations / 2];
    double p95 = ms[(int) (iterations * 0.95)];
    String lang = config.contains("python") ? " (python)" : config.contains("javascript") ? " (javascript)" : "";
    md.append(String.format("| %s%s | %.1f | %.2f | %.2f | %s |%n", type, lang, first, p50, p95,
        baseline == 0 ? "1 (baseline)" : String.format("%.0f×", p50 / baseline)));
    return p50;
  }
}
