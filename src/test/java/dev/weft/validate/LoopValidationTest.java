package dev.weft.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TestRegistries;
import dev.weft.definition.DefinitionLimits;
import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Loop bodies at save time: checked like the top-level graph at their full paths, and the scoping of
 * what body nodes (and the loop's {@code until}) may read. Definitions are written with {@code '} for
 * {@code "}, so they read as JSON.
 */
class LoopValidationTest {
  private static final DefinitionValidator VALIDATOR = TestRegistries.validator();

  @Test
  void aForEachBodyReadsItemIndexItsUpstreamAndTheNodesBeforeTheLoop() {
    assertThat(errors("""
        {'name': 'Quote every line', 'nodes': [
          {'id': 'order', 'type': 'http', 'config': {'url': 'https://shop.example/orders/{{ input.id }}'}},
          {'id': 'lines', 'type': 'loop', 'config': {'mode': 'forEach', 'items': 'nodes.order.output.body.lines',
            'body': {'nodes': [
              {'id': 'quote', 'type': 'http', 'config': {'method': 'POST', 'url': 'https://pricing.example/quote',
                'body': {'sku': '{{ item.sku }}', 'position': '{{ index }}', 'order': '{{ nodes.order.output.body.id }}'}}},
              {'id': 'line', 'type': 'set', 'config': {'values': {'price': '{{ nodes.quote.output.body.amount * item.qty }}'}}}
            ], 'edges': [{'from': 'quote', 'to': 'line'}]}}},
          {'id': 'done', 'type': 'respond', 'config': {'body': '{{ nodes.lines.output }}'}}
        ], 'edges': [{'from': 'order', 'to': 'lines'}, {'from': 'lines', 'to': 'done'}]}
        """)).isEmpty();
  }

  @Test
  void aRepeatsUntilReadsItsBodysNodesAndTheNodesBeforeTheLoop() {
    assertThat(errors("""
        {'name': 'Poll', 'nodes': [
          {'id': 'start', 'type': 'http', 'config': {'url': 'https://jobs.example/start'}},
          {'id': 'poll', 'type': 'loop', 'config': {'mode': 'repeat', 'maxIterations': 20,
            'until': "nodes.check.output.body.state == nodes.start.output.body.doneState || index > 18",
            'body': {'nodes': [
              {'id': 'wait', 'type': 'delay', 'config': {'duration': '30s'}},
              {'id': 'check', 'type': 'http', 'config': {'url': 'https://jobs.example/{{ nodes.start.output.body.id }}'}}
            ], 'edges': [{'from': 'wait', 'to': 'check'}]}}}
        ], 'edges': [{'from': 'start', 'to': 'poll'}]}
        """)).isEmpty();
  }

  @Test
  void aBodyNodeReadingANodeAfterTheLoopOrOnAnotherBranchNamesItAndTheLoop() {
    List<Violation> errors = errors("""
        {'name': 'Later', 'nodes': [
          {'id': 'start', 'type': 'set', 'config': {'values': {}}},
          {'id': 'each', 'type': 'loop', 'config': {'mode': 'forEach', 'items': '[1]', 'body': {'nodes': [
            {'id': 'step', 'type': 'set', 'config': {'values': {'a': '{{ nodes.after.output }}', 'b': '{{ nodes.side.output }}'}}}
          ]}}},
          {'id': 'side', 'type': 'set', 'config': {'values': {}}},
          {'id': 'after', 'type': 'set', 'config': {'values': {}}}
        ], 'edges': [{'from': 'start', 'to': 'each'}, {'from': 'start', 'to': 'side'}, {'from': 'each', 'to': 'after'}]}
        """);

    assertThat(findings(errors)).containsExactlyInAnyOrder(
        "loop.reads_later_node at /nodes/1/config/body/nodes/0/config/values/a",
        "loop.reads_later_node at /nodes/1/config/body/nodes/0/config/values/b");
    assertThat(errors.get(0).message()).contains("nodes.after", "loop 'each'", "only nodes before the loop");
    assertThat(errors.get(1).message()).contains("nodes.side", "loop 'each'");
  }

  @Test
  void aBodyNodeReadingItsOwnLoopIsReadingALaterNode() {
    List<Violation> errors = errors("""
        {'name': 'Self', 'nodes': [
          {'id': 'each', 'type': 'loop', 'config': {'mode': 'forEach', 'items': '[1]', 'body': {'nodes': [
            {'id': 'step', 'type': 'set', 'config': {'values': {'a': '{{ nodes.each.output }}'}}}
          ]}}}
        ]}
        """);

    assertThat(findings(errors)).containsExactlyInAnyOrder("loop.reads_later_node at /nodes/0/config/body/nodes/0/config/values/a");
    assertThat(errors.get(0).message()).contains("nodes.each", "the loop it runs in");
  }

  @Test
  void nothingOutsideABodyReadsItsNodesNotEvenAnotherLoopsBody() {
    List<Violation> errors = errors("""
        {'name': 'Private', 'nodes': [
          {'id': 'first', 'type': 'loop', 'config': {'mode': 'forEach', 'items': '[1]', 'body': {'nodes': [
            {'id': 'inside', 'type': 'set', 'config': {'values': {}}}
          ]}}},
          {'id': 'second', 'type': 'loop', 'config': {'mode': 'forEach', 'items': '[1]', 'body': {'nodes': [
            {'id': 'peek', 'type': 'set', 'config': {'values': {'x': "{{ nodes['inside'].output }}"}}}
          ]}}},
          {'id': 'after', 'type': 'respond', 'config': {'body': '{{ nodes.inside.output }}'}}
        ], 'edges': [{'from': 'first', 'to': 'second'}, {'from': 'second', 'to': 'after'}]}
        """);

    assertThat(findings(errors)).containsExactlyInAnyOrder(
        "loop.body_private at /nodes/1/config/body/nodes/0/config/values/x",
        "loop.body_private at /nodes/2/config/body");
    assertThat(errors).allSatisfy(v -> assertThat(v.message()).contains("nodes.inside", "loop 'first'", "nodes.first.output"));
  }

  @Test
  void nestedLoopsReadOutwardAndNameTheLoopWhoseOutputToRead() {
    List<Violation> errors = errors("""
        {'name': 'Nested', 'nodes': [
          {'id': 'orders', 'type': 'http', 'config': {'url': 'https://shop.example/orders'}},
          {'id': 'outer', 'type': 'loop', 'config': {'mode': 'forEach', 'items': 'nodes.orders.output.body', 'body': {
            'nodes': [
              {'id': 'order', 'type': 'http', 'config': {'url': 'https://shop.example/orders/{{ item.id }}'}},
              {'id': 'inner', 'type': 'loop', 'config': {'mode': 'forEach', 'items': 'nodes.order.output.body.lines',
                'body': {'nodes': [
                  {'id': 'line', 'type': 'set', 'config': {'values': {
                    'ok': '{{ [item, index, nodes.order.output, nodes.orders.output] }}',
                    'later': '{{ nodes.total.output }}'}}}
                ]}}},
              {'id': 'total', 'type': 'set', 'config': {'values': {'lines': '{{ nodes.inner.output }}',
                'peek': '{{ nodes.line.output }}'}}}
            ],
            'edges': [{'from': 'order', 'to': 'inner'}, {'from': 'inner', 'to': 'total'}]}}},
          {'id': 'done', 'type': 'respond', 'config': {'body': '{{ nodes.line.output }}'}}
        ], 'edges': [{'from': 'orders', 'to': 'outer'}, {'from': 'outer', 'to': 'done'}]}
        """);

    assertThat(findings(errors)).containsExactlyInAnyOrder(
        "loop.reads_later_node at /nodes/1/config/body/nodes/1/config/body/nodes/0/config/values/later",
        "loop.body_private at /nodes/1/config/body/nodes/2/config/values/peek",
        "loop.body_private at /nodes/2/config/body");
    assertThat(message(errors, "/nodes/1/config/body/nodes/1/config/body/nodes/0/config/values/later"))
        .contains("nodes.total", "loop 'inner'");
    assertThat(message(errors, "/nodes/1/config/body/nodes/2/config/values/peek")).contains("nodes.inner.output");
    assertThat(message(errors, "/nodes/2/config/body")).contains("loop 'inner'", "nodes.outer.output");
  }

  @Test
  void untilReadsTheBodyButNotANestedBodyNorANodeAfterTheLoop() {
    List<Violation> errors = errors("""
        {'name': 'Until', 'nodes': [
          {'id': 'again', 'type': 'loop', 'config': {'mode': 'repeat', 'maxIterations': 3,
            'until': 'nodes.step.output.done && nodes.deep.output.done && nodes.after.output.done',
            'body': {'nodes': [
              {'id': 'step', 'type': 'set', 'config': {'values': {'done': true}}},
              {'id': 'each', 'type': 'loop', 'config': {'mode': 'forEach', 'items': '[index]', 'body': {'nodes': [
                {'id': 'deep', 'type': 'set', 'config': {'values': {'done': true}}}
              ]}}}
            ]}}},
          {'id': 'after', 'type': 'set', 'config': {'values': {}}}
        ], 'edges': [{'from': 'again', 'to': 'after'}]}
        """);

    assertThat(findings(errors)).containsExactlyInAnyOrder(
        "loop.body_private at /nodes/0/config/until", "loop.reads_later_node at /nodes/0/config/until");
    assertThat(errors).filteredOn(v -> v.code().equals("loop.body_private")).singleElement()
        .satisfies(v -> assertThat(v.message()).contains("nodes.deep", "nodes.each.output"));
    assertThat(errors).filteredOn(v -> v.code().equals("loop.reads_later_node")).singleElement()
        .satisfies(v -> assertThat(v.message()).contains("nodes.after", "loop 'again'"));
  }

  @Test
  void itemAndIndexExistOnlyInLoopBodiesAndUntil() {
    assertThat(findings(errors("""
        {'name': 'Index', 'nodes': [
          {'id': 'a', 'type': 'set', 'config': {'values': {'i': '{{ index }}', 'item': '{{ item }}'}}},
          {'id': 'each', 'type': 'loop', 'config': {'mode': 'forEach', 'items': 'item.list', 'body': {'nodes': [
            {'id': 'inner', 'type': 'loop', 'config': {'mode': 'forEach', 'items': 'item.list', 'body': {'nodes': [
              {'id': 'b', 'type': 'set', 'config': {'values': {'i': '{{ index }}'}}}]}}}
          ]}}},
          {'id': 'again', 'type': 'loop', 'config': {'mode': 'repeat', 'maxIterations': 2, 'until': 'index > 0',
            'body': {'nodes': [{'id': 'c', 'type': 'set', 'config': {'values': {}}}]}}}
        ], 'edges': [{'from': 'a', 'to': 'each'}, {'from': 'each', 'to': 'again'}]}
        """))).containsExactlyInAnyOrder(
        "expr.unknown_variable at /nodes/0/config/values/i",
        "expr.unknown_variable at /nodes/0/config/values/item",
        "expr.unknown_variable at /nodes/1/config/items");
  }

  @Test
  void aBodyIsADirectedAcyclicGraphOfItsOwnNodes() {
    List<Violation> errors = errors("""
        {'name': 'Cycle', 'nodes': [
          {'id': 'top', 'type': 'set', 'config': {'values': {}}},
          {'id': 'each', 'type': 'loop', 'config': {'mode': 'forEach', 'items': '[1]', 'body': {
            'nodes': [
              {'id': 'a', 'type': 'set', 'config': {'values': {}}},
              {'id': 'b', 'type': 'set', 'config': {'values': {}}},
              {'id': 'c', 'type': 'set', 'config': {'values': {}}}
            ],
            'edges': [{'from': 'a', 'to': 'b'}, {'from': 'b', 'to': 'a'}, {'from': 'c', 'to': 'top'}]}}}
        ], 'edges': [{'from': 'top', 'to': 'each'}, {'from': 'top', 'to': 'b'}]}
        """);

    assertThat(findings(errors)).containsExactlyInAnyOrder(
        "edge.unknown_node at /edges/1/to",
        "graph.cycle at /nodes/1/config/body/nodes/0",
        "edge.unknown_node at /nodes/1/config/body/edges/2/to");
    assertThat(message(errors, "/edges/1/to")).contains("'b'", "the body of loop 'each'", "same graph");
    assertThat(message(errors, "/nodes/1/config/body/edges/2/to")).contains("'top'", "top-level");
  }

  @Test
  void nodeIdsAreUniqueAcrossTheWholeDefinition() {
    List<Violation> errors = errors("""
        {'name': 'Duplicate', 'nodes': [
          {'id': 'fetch', 'type': 'http', 'config': {'url': 'https://a.example'}},
          {'id': 'each', 'type': 'loop', 'config': {'mode': 'forEach', 'items': '[1]', 'body': {'nodes': [
            {'id': 'fetch', 'type': 'http', 'config': {'url': 'https://b.example'}},
            {'id': 'each', 'type': 'set', 'config': {'values': {}}}
          ], 'edges': [{'from': 'fetch', 'to': 'each'}]}}}
        ], 'edges': [{'from': 'fetch', 'to': 'each'}]}
        """);

    assertThat(findings(errors)).containsExactlyInAnyOrder(
        "node.id_duplicate at /nodes/1/config/body/nodes/0/id", "node.id_duplicate at /nodes/1/config/body/nodes/1/id");
    assertThat(errors.get(0).message()).contains("'fetch'", "/nodes/0");
  }

  @Test
  void aBodyNodesConfigIsCheckedAtItsFullPath() {
    assertThat(findings(errors("""
        {'name': 'Bad url', 'nodes': [
          {'id': 'each', 'type': 'loop', 'config': {'mode': 'forEach', 'items': '[1]', 'body': {'nodes': [
            {'id': 'ok', 'type': 'set', 'config': {'values': {}}},
            {'id': 'get', 'type': 'http', 'config': {'url': 'not a url', 'method': 'FETCH'}},
            {'id': 'post', 'type': 'http', 'config': {'url': 'mailto:someone@example.org'}}
          ], 'edges': [{'from': 'ok', 'to': 'get', 'port': 'main'}, {'from': 'ok', 'to': 'post'}]}}}
        ]}
        """))).containsExactlyInAnyOrder(
        "config.invalid at /nodes/0/config/body/nodes/1/config/method",
        "http.url_invalid at /nodes/0/config/body/nodes/2/config/url");
  }

  @Test
  void aBodyIsReadWithTheDefinitionsStructuralCodes() {
    assertThat(findings(errors("""
        {'name': 'Structure', 'nodes': [
          {'id': 'each', 'type': 'loop', 'config': {'mode': 'forEach', 'items': '[1]', 'body': {'nodes': [
            {'type': 'set', 'config': {'values': {}}, 'color': 'red'},
            {'id': 'x', 'type': 'set', 'config': 'values'},
            7
          ], 'edges': [{'from': 'x'}], 'notes': 'hi'}}}
        ]}
        """))).containsExactlyInAnyOrder(
        "definition.unknown_field at /nodes/0/config/body/notes",
        "definition.unknown_field at /nodes/0/config/body/nodes/0/color",
        "definition.required at /nodes/0/config/body/nodes/0/id",
        "json.type at /nodes/0/config/body/nodes/1/config",
        "json.type at /nodes/0/config/body/nodes/2",
        "definition.required at /nodes/0/config/body/edges/0/to",
        "config.required at /nodes/0/config/body/nodes/1/config/values");
  }

  @Test
  void aBodyThatIsNotAGraphIsTheLoopsConfigError() {
    assertThat(findings(errors("""
        {'name': 'No body', 'nodes': [
          {'id': 'a', 'type': 'loop', 'config': {'mode': 'forEach', 'items': '[1]'}},
          {'id': 'b', 'type': 'loop', 'config': {'mode': 'forEach', 'items': '[1]', 'body': []}},
          {'id': 'c', 'type': 'loop', 'config': {'mode': 'forEach', 'items': '[1]', 'body': {'nodes': {}}}}
        ], 'edges': [{'from': 'a', 'to': 'b'}, {'from': 'b', 'to': 'c'}]}
        """))).containsExactlyInAnyOrder(
        "config.required at /nodes/0/config/body",
        "config.invalid at /nodes/1/config/body",
        "json.type at /nodes/2/config/body/nodes",
        "loop.body_empty at /nodes/2/config/body/nodes");
  }

  @Test
  void bodyNodesKeepTheirOnErrorRetryAndTimeoutRulesAndMayAsk() {
    assertThat(findings(errors("""
        {'name': 'Errors', 'nodes': [
          {'id': 'each', 'type': 'loop', 'onError': 'continue', 'config': {'mode': 'forEach', 'items': '[1]', 'body': {'nodes': [
            {'id': 'a', 'type': 'http', 'onError': 'ask', 'config': {'url': 'https://a.example'}},
            {'id': 'b', 'type': 'http', 'onError': 'branch', 'timeout': '0s', 'config': {'url': 'https://b.example'},
              'retry': {'initialInterval': '10s', 'maxInterval': '1s'}},
            {'id': 'c', 'type': 'if', 'onError': 'continue', 'config': {'condition': 'true'}},
            {'id': 'd', 'type': 'subworkflow', 'onError': 'ask', 'config': {'workflowId': 'child'}}
          ], 'edges': [{'from': 'a', 'to': 'b'}, {'from': 'a', 'to': 'c'}, {'from': 'a', 'to': 'd'}]}}}
        ]}
        """))).containsExactlyInAnyOrder(
        "duration.invalid at /nodes/0/config/body/nodes/1/timeout",
        "retry.invalid at /nodes/0/config/body/nodes/1/retry/maxInterval",
        "node.error_edge_missing at /nodes/0/config/body/nodes/1/onError",
        "node.on_error_invalid at /nodes/0/config/body/nodes/2/onError");
  }

  @Test
  void aLoopCannotAskButABranchingLoopIsFine() {
    assertThat(findings(errors("""
        {'name': 'Ask', 'nodes': [
          {'id': 'each', 'type': 'loop', 'onError': 'ask', 'config': {'mode': 'forEach', 'items': '[1]', 'body': {'nodes': [
            {'id': 'a', 'type': 'set', 'config': {'values': {}}}]}}},
          {'id': 'again', 'type': 'loop', 'onError': 'branch', 'config': {'mode': 'repeat', 'until': 'true', 'maxIterations': 1,
            'body': {'nodes': [{'id': 'b', 'type': 'set', 'config': {'values': {}}}]}}},
          {'id': 'failed', 'type': 'respond', 'config': {'status': 500}}
        ], 'edges': [{'from': 'each', 'to': 'again'}, {'from': 'again', 'port': 'error', 'to': 'failed'}]}
        """))).containsExactlyInAnyOrder("loop.ask_unsupported at /nodes/0/onError");
  }

  @Test
  void loopsNestThreeDeep() {
    assertThat(errors(nested(3))).isEmpty();
    List<Violation> errors = errors(nested(5));
    assertThat(findings(errors)).containsExactlyInAnyOrder(
        "loop.too_deep at /nodes/0/config/body/nodes/0/config/body/nodes/0/config/body/nodes/0",
        "loop.too_deep at /nodes/0/config/body/nodes/0/config/body/nodes/0/config/body/nodes/0/config/body/nodes/0");
    assertThat(errors.get(0).message()).contains("'l4'", String.valueOf(DefinitionLimits.MAX_LOOP_DEPTH));
  }

  @Test
  void theNodeLimitCountsBodyNodes() {
    int max = DefinitionLimits.DEFAULTS.maxNodes();
    assertThat(errors(withBody(max - 1))).as("exactly at the limit").isEmpty();
    List<Violation> over = errors(withBody(max));
    assertThat(findings(over)).containsExactly("limit.nodes at /nodes");
    assertThat(over.get(0).message()).contains(String.valueOf(max + 1), String.valueOf(max));
  }

  @Test
  void aCodeNodesSourceIsScopedLikeItsExpressions() {
    List<Violation> errors = errors("""
        {'name': 'Code', 'nodes': [
          {'id': 'each', 'type': 'loop', 'config': {'mode': 'forEach', 'items': '[1]', 'body': {'nodes': [
            {'id': 'calc', 'type': 'code', 'config': {'language': 'javascript',
              'source': 'return {later: nodes.after.output, i: index};'}}]}}},
          {'id': 'after', 'type': 'code', 'config': {'language': 'javascript', 'source': "return nodes['calc'].output;"}}
        ], 'edges': [{'from': 'each', 'to': 'after'}]}
        """);

    assertThat(findings(errors)).containsExactlyInAnyOrder(
        "loop.reads_later_node at /nodes/0/config/body/nodes/0/config/source",
        "loop.body_private at /nodes/1/config/source");
  }

  /** Loops nested {@code depth} deep: l1 holds l2 holds ..., the innermost body one set node. */
  private static String nested(int depth) {
    String inner = "{'id': 'leaf', 'type': 'set', 'config': {'values': {'v': '{{ item }}'}}}";
    for (int d = depth; d >= 1; d--) {
      inner = "{'id': 'l" + d + "', 'type': 'loop', 'config': {'mode': 'forEach', 'items': '" + (d == 1 ? "input.list" : "item")
          + "', 'body': {'nodes': [" + inner + "]}}}";
    }
    return "{'name': 'Deep', 'nodes': [" + inner + "]}";
  }

  /** One loop whose body chains {@code n} set nodes. */
  private static String withBody(int n) {
    ObjectNode def = Json.object().put("name", "Big body");
    ObjectNode loop = def.putArray("nodes").addObject().put("id", "each").put("type", "loop");
    ObjectNode config = loop.putObject("config").put("mode", "forEach").put("items", "[1]");
    ArrayNode nodes = config.putObject("body").putArray("nodes");
    ArrayNode edges = ((ObjectNode) config.get("body")).putArray("edges");
    for (int i = 0; i < n; i++) {
      nodes.addObject().put("id", "n" + i).put("type", "set").putObject("config").putObject("values");
      if (i > 0) edges.addObject().put("from", "n" + (i - 1)).put("to", "n" + i);
    }
    return Json.MAPPER.writeValueAsString(def);
  }

  private static List<Violation> errors(String json) {
    return VALIDATOR.validate(json.startsWith("{\"") ? json : quotes(json)).errors();
  }

  /** {@code '} to {@code "} outside double-quoted strings (which may then hold a {@code '}). */
  private static String quotes(String text) {
    StringBuilder sb = new StringBuilder();
    boolean inDouble = false;
    for (char c : text.toCharArray()) {
      if (c == '"') inDouble = !inDouble;
      sb.append(c == '\'' && !inDouble ? '"' : c);
    }
    return sb.toString();
  }

  private static List<String> findings(List<Violation> errors) {
    return errors.stream().map(v -> v.code() + " at " + v.path()).collect(Collectors.toList());
  }

  private static String message(List<Violation> errors, String path) {
    return errors.stream().filter(v -> v.path().equals(path)).findFirst().orElseThrow().message();
  }
}
