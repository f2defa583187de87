package dev.weft.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/** Runs whose histories are recorded into src/test/resources/histories and replayed by every build. */
final class ReplayScenarios {
  private ReplayScenarios() {}

  /** name → {definition, input}. */
  static Map<String, String[]> all() {
    Map<String, String[]> m = new LinkedHashMap<>();
    m.put("control-flow", new String[] {"""
        {"name": "control flow", "nodes": [
          {"id": "pause", "type": "delay", "config": {"duration": "2h"}},
          {"id": "big", "type": "if", "config": {"condition": "input.amount > 1000"}},
          {"id": "route", "type": "switch", "config": {"cases": [{"name": "eur", "condition": "input.currency == 'EUR'"}]}},
          {"id": "eur", "type": "set", "config": {"values": {"fee": "{{ input.amount * 0.01 }}"}}},
          {"id": "other", "type": "set", "config": {"values": {"fee": 5}}},
          {"id": "small", "type": "set", "config": {"values": {"fee": 0}}},
          {"id": "lines", "type": "filter", "config": {"items": "input.lines", "condition": "item.qty > 1"}},
          {"id": "join", "type": "merge", "config": {"mode": "all"}},
          {"id": "answer", "type": "respond", "config": {"body": {"fees": "{{ nodes.join.output }}", "lines": "{{ nodes.lines.output }}"}}}
        ], "edges": [
          {"from": "pause", "to": "big"},
          {"from": "big", "port": "true", "to": "route"}, {"from": "big", "port": "false", "to": "small"},
          {"from": "route", "port": "eur", "to": "eur"}, {"from": "route", "port": "default", "to": "other"},
          {"from": "eur", "to": "join"}, {"from": "other", "to": "join"}, {"from": "small", "to": "join"},
          {"from": "pause", "to": "lines"}, {"from": "join", "to": "answer"}, {"from": "lines", "to": "answer"}
        ]}
        """, "{\"amount\": 2500, \"currency\": \"EUR\", \"lines\": [{\"qty\": 1}, {\"qty\": 3}]}"});
    m.put("activities-retries-errors", new String[] {"""
        {"name": "activities", "nodes": [
          {"id": "start", "type": "test.echo", "config": {"value": {"go": true}}},
          {"id": "flaky", "type": "test.flaky", "config": {"failures": 2}, "retry": {"maxAttempts": 3, "initialInterval": "1s"}},
          {"id": "wait", "type": "delay", "config": {"duration": "1d"}},
          {"id": "a", "type": "test.echo", "config": {"value": "{{ nodes.flaky.output }}"}},
          {"id": "b", "type": "test.echo", "config": {}},
          {"id": "bad", "type": "test.flaky", "config": {"failures": 9, "retryable": false}, "onError": "branch"},
          {"id": "recover", "type": "set", "config": {"values": {"code": "{{ nodes.bad.output.code }}"}}},
          {"id": "big", "type": "test.big", "config": {"items": 2000}},
          {"id": "few", "type": "filter", "config": {"items": "nodes.big.output", "condition": "item.n < 3"}},
          {"id": "join", "type": "merge", "config": {"mode": "all"}}
        ], "edges": [
          {"from": "start", "to": "flaky"}, {"from": "start", "to": "wait"},
          {"from": "flaky", "to": "a"}, {"from": "wait", "to": "b"},
          {"from": "start", "to": "bad"}, {"from": "bad", "port": "error", "to": "recover"},
          {"from": "start", "to": "big"}, {"from": "big", "to": "few"},
          {"from": "a", "to": "join"}, {"from": "b", "to": "join"}, {"from": "recover", "to": "join"}, {"from": "few", "to": "join"}
        ]}
        """, "{}"});
    m.put("code-nodes", new String[] {"""
        {"name": "code", "nodes": [
          {"id": "rules", "type": "set", "config": {"values": {"rate": 0.5}, "includeUpstream": true}},
          {"id": "lines", "type": "code", "config": {"language": "javascript",
           "source": "console.log('{{ not a template }}');\\nreturn input.lines.map(l => l * nodes.rules.output.rate);"}},
          {"id": "stats", "type": "code", "onError": "continue", "config": {"language": "python",
           "source": "return {'n': len(input), 'sum': sum(input)}"}},
          {"id": "oops", "type": "code", "onError": "continue", "config": {"language": "javascript", "source": "return nope;"}}
        ], "edges": [
          {"from": "rules", "to": "lines"}, {"from": "lines", "to": "stats"}, {"from": "lines", "to": "oops"}
        ]}
        """, "{\"lines\": [2, 4]}"});
    m.put("local-nodes", new String[] {"""
        {"name": "local", "nodes": [
          {"id": "first", "type": "test.short", "config": {"value": "{{ input.n }}"}},
          {"id": "flaky", "type": "test.flaky", "config": {"failures": 1}, "execution": "local",
           "retry": {"maxAttempts": 2, "initialInterval": "1s"}},
          {"id": "remote", "type": "test.short", "config": {"value": 2}, "execution": "activity"},
          {"id": "pause", "type": "delay", "config": {"duration": "1h"}},
          {"id": "each", "type": "loop", "config": {"mode": "forEach", "items": "input.items", "concurrency": 2, "body": {
            "nodes": [{"id": "item", "type": "test.short", "config": {"value": "{{ item }}"}}]}}},
          {"id": "bad", "type": "test.flaky", "config": {"failures": 9, "retryable": false}, "execution": "local", "onError": "continue"}
        ], "edges": [
          {"from": "first", "to": "flaky"}, {"from": "first", "to": "remote"}, {"from": "flaky", "to": "pause"},
          {"from": "pause", "to": "each"}, {"from": "each", "to": "bad"}
        ]}
        """, "{\"n\": 1, \"items\": [1, 2, 3]}"});
    return m;
  }
}
