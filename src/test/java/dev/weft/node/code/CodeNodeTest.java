package dev.weft.node.code;

import static dev.weft.node.NodeHarness.harness;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TestRegistries;
import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * {@code code} through the node invoker against real runner processes ({@link TestCodeRunners}): what a
 * script sees and returns, its logs and errors, and one test per escape attempt — each fails the node with
 * its code, and the next script still runs.
 */
class CodeNodeTest {

  private static String js(String source) {
    return config("javascript", source);
  }

  private static String py(String source) {
    return config("python", source);
  }

  private static String config(String language, String source) {
    return Json.MAPPER.createObjectNode().put("language", language).put("source", source).toString();
  }

  private static NodeFailure failure(String config) {
    return harness().timeout("4s").failure("code", config);
  }

  /** The pool still serves: the worker was not taken down by the script before. */
  private static void stillServes(String language) {
    NodeResult r = harness().input("{\"n\": 41}").run("code", config(language, "return input[\"n\"] + 1"));
    assertThat(r.output().intValue()).isEqualTo(42);
  }

  @Test
  void javascriptSeesInputNodesAndRunAndReturnsJson() {
    NodeResult r = harness()
        .from("fetch", "{\"items\": [{\"price\": 2, \"qty\": 3}, {\"price\": 5, \"qty\": 1}]}")
        .node("config", "COMPLETED", "{\"vat\": 0.2}")
        .run("code", js("""
            const total = input.items.reduce((s, i) => s + i.price * i.qty, 0);
            console.log('items', input.items.length);
            console.log('run', run.id, run.workflowId, run.version);
            return {total, gross: total * (1 + nodes.config.output.vat), status: nodes["config"].status,
                    sameAsNode: nodes.fetch.output.items.length, item, index};"""));

    assertThat(r.output()).isEqualTo(Json.parse("""
        {"total": 11, "gross": 13.2, "status": "COMPLETED", "sameAsNode": 2, "item": null, "index": null}"""));
    assertThat(r.logs()).containsExactly("items 2", "run run-1 wf 1");
  }

  @Test
  void pythonSeesInputNodesAndRunAndReturnsJson() {
    NodeResult r = harness()
        .from("fetch", "{\"items\": [{\"price\": 2, \"qty\": 3}, {\"price\": 5, \"qty\": 1}]}")
        .node("config", "COMPLETED", "{\"vat\": 0.5}")
        .run("code", py("""
            total = sum(i["price"] * i["qty"] for i in input["items"])
            print("items", len(input["items"]))
            return {"total": total, "gross": total * (1 + nodes["config"]["output"]["vat"]), "run": run["id"],
                    "item": item, "index": index}"""));

    assertThat(r.output()).isEqualTo(Json.parse("""
        {"total": 11, "gross": 16.5, "run": "run-1", "item": null, "index": null}"""));
    assertThat(r.logs()).containsExactly("items 2");
  }

  @Test
  void theSourceIsCodeNotATemplate() {
    NodeResult r = harness().input("{\"a\": 1}").run("code", js("return \"{{ input.a }}\" + '{{x}}'"));
    assertThat(r.output().stringValue()).isEqualTo("{{ input.a }}{{x}}");
  }

  @Test
  void nodesAreReadOnlyAndUndefinedIsNull() {
    NodeResult r = harness().from("a", "{\"x\": 1}").run("code", js("""
        nodes.a.output.x = 9;
        nodes.b = 1;
        if (nodes.a.output.x !== 1 || nodes.b !== undefined) throw new Error('changed');
        return undefined;"""));
    assertThat(r.output().isNull()).isTrue();
  }

  @Test
  void readsTheNodesItsSourceNames() {
    CodeNode node = new CodeNode(TestCodeRunners.shared());
    assertThat(node.reads(Json.parse(js("""
        const a = nodes.fetch.output; const b = nodes["load-2"].output; const c = nodes['x'];
        return input.nodes;"""))))
        .containsExactly("fetch", "load-2", "x");
    assertThat(node.reads(Json.parse(py("return nodes.get('lookup')['output']")))).containsExactly("lookup");
  }

  @Test
  void aRuntimeErrorFailsWithItsLineAndIsNotRetried() {
    NodeFailure f = failure(js("""
        const a = 1;
        console.log('before');
        return a.b.c;"""));
    assertThat(f.code()).isEqualTo("code.error");
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).startsWith("line 3: TypeError");
    assertThat(f.details().get("line").intValue()).isEqualTo(3);
    assertThat(f.details().get("logs").get(0).stringValue()).isEqualTo("before");

    NodeFailure p = failure(py("""
        x = 1
        raise ValueError("bad order")"""));
    assertThat(p.code()).isEqualTo("code.error");
    assertThat(p.getMessage()).isEqualTo("line 2: ValueError: bad order");
    assertThat(p.details().get("line").intValue()).isEqualTo(2);
  }

  @Test
  void aResultThatIsNotJsonFails() {
    assertThat(failure(py("return {1, 2}")).code()).isEqualTo("code.output_invalid");
    assertThat(harness().run("code", js("return {f: () => 1, n: NaN}")).output()).isEqualTo(Json.parse("{\"n\": null}"));
  }

  @Test
  void syntaxErrorsAreViolationsAtSaveTimeWithLineAndColumn() {
    assertThat(violations("javascript", "const a = 1;\nlet b = ;\nreturn a;"))
        .singleElement().satisfies(v -> {
          assertThat(v.path()).isEqualTo("/nodes/0/config/source");
          assertThat(v.code()).isEqualTo("code.syntax");
          assertThat(v.message()).startsWith("line 2, column 9: ");
        });
    assertThat(violations("javascript", "return (1 + ")).singleElement()
        .satisfies(v -> assertThat(v.message()).startsWith("line 1, "));
    assertThat(violations("python", "x = 1\ny = = 2\nreturn x")).singleElement().satisfies(v -> {
      assertThat(v.path()).isEqualTo("/nodes/0/config/source");
      assertThat(v.code()).isEqualTo("code.syntax");
      assertThat(v.message()).startsWith("line 2, column 5: ");
    });
    assertThat(violations("python", "return 1")).isEmpty();
    assertThat(violations("javascript", "return 1")).isEmpty();
  }

  private static List<Violation> violations(String language, String source) {
    String def = Json.MAPPER.createObjectNode().put("name", "c").set("nodes", Json.MAPPER.createArrayNode()
        .add(Json.MAPPER.createObjectNode().put("id", "c").put("type", "code")
            .set("config", Json.parse(config(language, source))))).toString();
    return TestRegistries.validator().validate(Json.parse(def)).errors();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', textBlock = """
      javascript | return java.lang.Runtime.getRuntime().exec('id')
      javascript | return Java.type('java.lang.Runtime').getRuntime()
      javascript | return load('/etc/passwd')
      javascript | return require('fs').readFileSync('/etc/passwd')
      javascript | const S = Java.type('java.net.Socket'); return new S('127.0.0.1', 22)
      javascript | return Polyglot.eval('python', 'import os')
      javascript | return process.env
      python     | return open('/etc/passwd').read()
      python     | import os\\nreturn os.system('id')
      python     | import subprocess\\nreturn subprocess.run(['id']).returncode
      python     | import socket\\ns = socket.socket()\\ns.connect(('127.0.0.1', 22))
      python     | import threading\\nthreading.Thread(target=print).start()
      python     | import java\\nreturn java.type('java.lang.Runtime').getRuntime()
      python     | import os\\nreturn os.listdir('/')
      """)
  void escapesAreForbidden(String language, String source) {
    NodeFailure f = failure(config(language, source.replace("\\n", "\n")));
    assertThat(f.code()).as(f.getMessage()).isEqualTo("code.forbidden");
    assertThat(f.retryable()).isFalse();
    stillServes(language);
  }

  @Test
  void aPythonScriptCannotReplaceThePlumbingOfTheNextOneInTheSameContext() {
    harness().run("code", py("import json, builtins\njson.dumps = lambda *a, **k: '\"hacked\"'\nbuiltins.compile = None\n"
        + "builtins.len = lambda x: -1\nbuiltins.planted = 1\nreturn 1"));
    assertThat(harness().run("code", py("return {'ok': True, 'len': len([1, 2]), 'planted': 'planted' in dir(__builtins__)}")).output())
        .isEqualTo(Json.parse("{\"ok\": true, \"len\": 2, \"planted\": false}"));
  }

  @Test
  void runnerPipesAreReadOnPlatformThreadsSoVirtualThreadsKeepTheirCarriers() throws Exception {
    stillServes("javascript");
    stillServes("python");
    // Each runner's stderr is read for its whole life; on virtual threads those reads held the carriers and
    // starved every other virtual thread of the worker (a model call's timeout bound, SSE streams).
    assertThat(Thread.getAllStackTraces().keySet()).as("platform threads")
        .anySatisfy(t -> assertThat(t.getName()).startsWith("weft-code-stderr-"));
    try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      List<java.util.concurrent.Future<Integer>> tasks = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        int n = i;
        tasks.add(executor.submit(() -> n));
      }
      for (var t : tasks) assertThat(t.get(30, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
    }
  }

  @Test
  void theWorkersEnvironmentIsNotVisible() {
    JsonNode env = harness().run("code", py("import os\nreturn dict(os.environ)")).output();
    assertThat(env.has("PATH")).isFalse();
    assertThat(env.has("HOME")).isFalse();
    assertThat(env.has("JAVA_HOME")).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"javascript", "python"})
  void anEndlessLoopTimesOut(String language) {
    String source = language.equals("python") ? "while True:\n    pass" : "while (true) {}";
    NodeFailure f = failure(config(language, source));
    assertThat(f.code()).isEqualTo("code.timeout");
    assertThat(f.retryable()).isFalse();
    stillServes(language);
  }

  @ParameterizedTest
  @CsvSource({"javascript", "python"})
  void aMemoryBombFailsWithoutTakingTheWorkerDown(String language) {
    String source = language.equals("python")
        ? "a = []\nwhile True:\n    a.append(bytearray(10000000))"
        : "const a = []; while (true) { a.push(new Array(1000000).fill(1)); }";
    NodeFailure f = harness().timeout("30s").failure("code", config(language, source));
    assertThat(f.code()).as(f.getMessage()).isEqualTo("code.memory");
    stillServes(language);
  }

  @ParameterizedTest
  @CsvSource({"javascript", "python"})
  void aFiftyMegabyteResultIsTooLarge(String language) {
    String source = language.equals("python") ? "return 'x' * (50 * 1024 * 1024)" : "return 'x'.repeat(50 * 1024 * 1024)";
    NodeFailure f = harness().timeout("30s").failure("code", config(language, source));
    assertThat(f.code()).isEqualTo("code.output_too_large");
    stillServes(language);
  }

  @Test
  void anInputOverTheLimitIsRefusedBeforeTheScriptRuns() {
    String big = "\"" + "y".repeat(CodeSettings.DEFAULTS.maxInputBytes()) + "\"";
    NodeFailure f = harness().input("{\"big\": " + big + "}").failure("code", js("return 1"));
    assertThat(f.code()).isEqualTo("code.input_too_large");
  }

  @Test
  void logsAreBounded() {
    NodeResult r = harness().run("code", js("for (let i = 0; i < 500; i++) console.log('line ' + i + ' ' + 'z'.repeat(5000)); return 1"));
    assertThat(r.logs()).hasSize(CodeSettings.DEFAULTS.maxLogLines());
    assertThat(r.logs().get(0)).hasSize(CodeSettings.DEFAULTS.maxLogLineChars() + 1).endsWith("…");
  }

  @Test
  void theScriptDeadlineIsUnderTheNodeTimeout() {
    assertThat(CodeNode.scriptTimeout(java.time.Duration.ofSeconds(60))).isEqualTo(java.time.Duration.ofSeconds(58));
    assertThat(CodeNode.scriptTimeout(java.time.Duration.ofSeconds(4))).isLessThan(java.time.Duration.ofSeconds(4));
    assertThat(CodeNode.scriptTimeout(java.time.Duration.ofMillis(50))).isEqualTo(java.time.Duration.ofMillis(100));
  }
}
