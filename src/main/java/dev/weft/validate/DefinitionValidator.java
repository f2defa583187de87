package dev.weft.validate;

import dev.weft.definition.DefinitionLimits;
import dev.weft.definition.DefinitionReader;
import dev.weft.definition.Durations;
import dev.weft.definition.EdgeDef;
import dev.weft.definition.Graph;
import dev.weft.definition.JsonPointers;
import dev.weft.definition.NodeDef;
import dev.weft.definition.OnError;
import dev.weft.definition.ParsedDefinition;
import dev.weft.definition.RetryDef;
import dev.weft.definition.TriggerDef;
import dev.weft.definition.Violation;
import dev.weft.definition.WorkflowDefinition;
import dev.weft.expression.ExpressionEngine;
import dev.weft.expression.ExpressionException;
import dev.weft.node.ConfigShape;
import dev.weft.node.GraphContext;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeRegistry;
import dev.weft.node.NodeType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Validates a definition in one pass and reports every violation with its JSON pointer and stable
 * code: structure, ids, node types, configs (against each type's schema and its own checks), edges and
 * ports, cycles, reachability, expressions and their node references, durations, retry policies and
 * limits.
 */
public final class DefinitionValidator {
  public static final Pattern WORKFLOW_ID = Pattern.compile("[a-z][a-z0-9-]{0,63}");
  public static final Pattern NODE_ID = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
  private static final Pattern WEBHOOK_PATH = Pattern.compile("[A-Za-z0-9][A-Za-z0-9/_.-]{0,199}");
  private static final Set<String> TRIGGERS = Set.of("manual", "webhook", "schedule", "chat");
  private static final int MAX_ATTEMPTS = 100;
  private static final Duration MAX_TIMEOUT = Duration.ofDays(7);

  private final NodeRegistry registry;
  private final ExpressionEngine expressions;
  private final DefinitionReader reader;

  public DefinitionValidator(NodeRegistry registry, ExpressionEngine expressions, DefinitionLimits limits) {
    this.registry = registry;
    this.expressions = expressions;
    this.reader = new DefinitionReader(limits);
  }

  public ValidationReport validate(String json) {
    return check(reader.read(json));
  }

  public ValidationReport validate(JsonNode json) {
    return check(reader.read(json));
  }

  private ValidationReport check(ParsedDefinition parsed) {
    List<Violation> v = new ArrayList<>(parsed.violations());
    WorkflowDefinition def = parsed.definition();
    if (parsed.raw() == null || !parsed.raw().isObject()) return new ValidationReport(def, v);

    if (def.id() != null && !WORKFLOW_ID.matcher(def.id()).matches()) {
      v.add(Violation.of("/id", "definition.id_invalid",
          "workflow id '" + def.id() + "' must match [a-z][a-z0-9-]* and be at most 64 characters"));
    }
    trigger(def.trigger(), v);
    Map<String, Integer> index = ids(def, v);
    Graph graph = new Graph(def);
    Map<String, Set<String>> ports = new HashMap<>();
    for (int i = 0; i < def.nodes().size(); i++) {
      NodeDef n = def.nodes().get(i);
      String path = "/nodes/" + i;
      settings(n, path, v);
      ports.putIfAbsent(n.id(), nodeConfig(n, path, graph, v));
    }
    // Without readable nodes every edge would be reported as dangling; the violation at /nodes says why.
    if (!def.nodes().isEmpty()) {
      edges(def, index, ports, v);
      errorModes(def, index, ports, v);
    }
    graphShape(def, graph, index, v);
    // Edges that could not be read do not tell which nodes run before which.
    JsonNode es = parsed.raw().get("edges");
    boolean edgesRead = es == null || es.isNull() || es.isArray() && es.size() == def.edges().size();
    for (int i = 0; i < def.nodes().size(); i++) {
      expressionsOf(def.nodes().get(i), "/nodes/" + i, graph, index, edgesRead, v);
    }
    return new ValidationReport(def, v);
  }

  private static Map<String, Integer> ids(WorkflowDefinition def, List<Violation> v) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < def.nodes().size(); i++) {
      String id = def.nodes().get(i).id();
      if (id == null) continue;
      if (!NODE_ID.matcher(id).matches()) {
        v.add(Violation.of("/nodes/" + i + "/id", "node.id_invalid",
            "node id '" + id + "' must match [a-z][a-z0-9_-]* and be at most 64 characters"));
      }
      Integer prev = index.putIfAbsent(id, i);
      if (prev != null) {
        v.add(Violation.of("/nodes/" + i + "/id", "node.id_duplicate",
            "node id '" + id + "' is already used by /nodes/" + prev));
      }
    }
    return index;
  }

  private static void trigger(TriggerDef t, List<Violation> v) {
    if (t == null || t.type() == null) return;
    if (!TRIGGERS.contains(t.type())) {
      v.add(Violation.of("/trigger/type", "trigger.type_unknown",
          "unknown trigger type '" + t.type() + "'; expected one of " + TRIGGERS.stream().sorted().toList()));
      return;
    }
    if (t.timezone() != null) {
      try {
        java.time.ZoneId.of(t.timezone());
      } catch (java.time.DateTimeException e) {
        v.add(Violation.of("/trigger/timezone", "trigger.timezone_invalid",
            "'" + t.timezone() + "' is not a time zone id such as Europe/Berlin or UTC"));
      }
    }
    switch (t.type()) {
      case "webhook" -> {
        if (t.path() == null || !WEBHOOK_PATH.matcher(t.path()).matches()) {
          v.add(Violation.of("/trigger/path", "trigger.path_invalid",
              "a webhook trigger needs a path of letters, digits, '/', '_', '.' or '-'"));
        }
        duration(t.responseWait(), "/trigger/wait", v);
      }
      case "schedule" -> {
        if ((t.cron() == null) == (t.every() == null)) {
          v.add(Violation.of("/trigger", "trigger.schedule_invalid", "a schedule trigger needs exactly one of cron or every"));
        }
        if (t.cron() != null && t.cron().trim().split("\\s+").length != 5 && !t.cron().startsWith("@")) {
          v.add(Violation.of("/trigger/cron", "trigger.cron_invalid",
              "cron '" + t.cron() + "' must have five fields: minute hour day-of-month month day-of-week"));
        }
        Optional<Duration> every = duration(t.every(), "/trigger/every", v);
        if (every.isPresent() && every.get().compareTo(Duration.ofSeconds(1)) < 0) {
          v.add(Violation.of("/trigger/every", "trigger.schedule_invalid", "every must be at least 1s"));
        }
      }
      default -> { }
    }
  }

  private static void settings(NodeDef n, String path, List<Violation> v) {
    Optional<Duration> timeout = duration(n.timeout(), path + "/timeout", v);
    if (timeout.isPresent() && (timeout.get().isZero() || timeout.get().compareTo(MAX_TIMEOUT) > 0)) {
      v.add(Violation.of(path + "/timeout", "duration.invalid", "timeout must be more than 0 and at most 7d"));
    }
    if (n.onError() != null && OnError.fromWire(n.onError()).isEmpty()) {
      v.add(Violation.of(path + "/onError", "node.on_error_invalid",
          "onError '" + n.onError() + "' is not one of [fail, continue, branch, ask]"));
    }
    RetryDef r = n.retry();
    if (r == null) return;
    if (r.maxAttempts() != null && (r.maxAttempts() < 1 || r.maxAttempts() > MAX_ATTEMPTS)) {
      v.add(Violation.of(path + "/retry/maxAttempts", "retry.invalid",
          "maxAttempts must be between 1 and " + MAX_ATTEMPTS + " (1 means no retries)"));
    }
    if (r.backoffCoefficient() != null && (r.backoffCoefficient() < 1.0 || r.backoffCoefficient() > 100)) {
      v.add(Violation.of(path + "/retry/backoffCoefficient", "retry.invalid", "backoffCoefficient must be between 1 and 100"));
    }
    Optional<Duration> initial = duration(r.initialInterval(), path + "/retry/initialInterval", v);
    Optional<Duration> max = duration(r.maxInterval(), path + "/retry/maxInterval", v);
    if (initial.isPresent() && initial.get().isZero()) {
      v.add(Violation.of(path + "/retry/initialInterval", "retry.invalid", "initialInterval must be more than 0"));
    }
    Optional<Duration> first = r.initialInterval() == null ? Optional.of(RetryDef.DEFAULT_INITIAL_INTERVAL) : initial;
    if (first.isPresent() && max.isPresent() && max.get().compareTo(first.get()) < 0) {
      v.add(Violation.of(path + "/retry/maxInterval", "retry.invalid",
          "maxInterval must not be less than initialInterval (" + Durations.format(first.get()) + ")"));
    }
  }

  /** Checks type and config; returns the node's outgoing ports (empty when unknown). */
  private Set<String> nodeConfig(NodeDef n, String path, Graph graph, List<Violation> v) {
    if (n.type() == null) return Set.of();
    Optional<NodeRegistry.Entry> entry = registry.find(n.type());
    if (entry.isEmpty()) {
      v.add(Violation.of(path + "/type", "node.type_unknown", "unknown node type '" + n.type() + "'"));
      return Set.of();
    }
    List<Violation> schema = registry.checkSchema(n.type(), n.config(), path + "/config");
    v.addAll(schema);
    // A config that fails its schema does not tell which ports the node has.
    if (!schema.isEmpty()) return Set.of();
    Set<String> ports = new LinkedHashSet<>();
    if (n.onErrorMode() == OnError.BRANCH) ports.add("error");
    typed(entry.get().type(), n, path, graph, v, ports);
    return ports;
  }

  private <C extends Record> void typed(NodeType<C> type, NodeDef n, String path, Graph graph, List<Violation> v,
      Set<String> ports) {
    C config;
    try {
      config = registry.bind(type, n.config());
    } catch (NodeFailure e) {
      if (hasTemplate(n.config())) {
        // A templated value where a typed one is expected binds only at run time.
        ports.add("*");
      } else {
        // The schema passed but the value still does not bind (e.g. a number too large for its field).
        v.add(Violation.of(path + "/config", "config.invalid", e.getMessage()));
      }
      return;
    }
    ports.addAll(type.ports(config));
    GraphContext ctx = new GraphContext() {
      public NodeDef node() {
        return n;
      }

      public Set<String> predecessors() {
        return n.id() == null ? Set.of() : graph.predecessors(n.id());
      }

      public Set<String> nodeIds() {
        return graph.nodeIds();
      }
    };
    type.validate(config, ctx).forEach(x -> v.add(Violation.of(path + "/config" + x.path(), x.code(), x.message())));
  }

  private static boolean hasTemplate(tools.jackson.databind.JsonNode n) {
    if (n == null) return false;
    if (n.isString()) return dev.weft.expression.Templates.hasTemplate(n.stringValue());
    for (tools.jackson.databind.JsonNode child : n) {
      if (hasTemplate(child)) return true;
    }
    return false;
  }

  private static void edges(WorkflowDefinition def, Map<String, Integer> index, Map<String, Set<String>> ports,
      List<Violation> v) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < def.edges().size(); i++) {
      EdgeDef e = def.edges().get(i);
      String path = "/edges/" + i;
      if (e.from() != null && !index.containsKey(e.from())) {
        v.add(Violation.of(path + "/from", "edge.unknown_node", "no node has id '" + e.from() + "'"));
      }
      if (e.to() != null && !index.containsKey(e.to())) {
        v.add(Violation.of(path + "/to", "edge.unknown_node", "no node has id '" + e.to() + "'"));
      }
      if (e.from() != null && index.containsKey(e.from())) {
        Set<String> p = ports.getOrDefault(e.from(), Set.of());
        boolean typeKnown = !p.isEmpty();
        if (typeKnown && !p.contains("*") && !p.contains(e.portOrMain())) {
          v.add(Violation.of(e.port() == null ? path : path + "/port", "edge.unknown_port",
              "node '" + e.from() + "' has no port '" + e.portOrMain() + "'; its ports are "
                  + p.stream().sorted().toList()));
        }
      }
      if (e.from() != null && e.to() != null && !seen.add(e.from() + "\u0000" + e.portOrMain() + "\u0000" + e.to())) {
        v.add(Violation.of(path, "edge.duplicate", "the same edge is listed twice"));
      }
    }
  }

  /** {@code continue} needs a main port to continue on; {@code branch} needs an edge to branch to. */
  private static void errorModes(WorkflowDefinition def, Map<String, Integer> index, Map<String, Set<String>> ports,
      List<Violation> v) {
    for (int i = 0; i < def.nodes().size(); i++) {
      NodeDef n = def.nodes().get(i);
      if (n.id() == null || index.get(n.id()) != i || OnError.fromWire(n.onError()).isEmpty()) continue;
      Set<String> p = ports.getOrDefault(n.id(), Set.of());
      if (n.onErrorMode() == OnError.CONTINUE && !p.isEmpty() && !p.contains("*") && !p.contains(EdgeDef.MAIN)) {
        v.add(Violation.of("/nodes/" + i + "/onError", "node.on_error_invalid", "a '" + n.type()
            + "' node has no main port to continue on; use onError: branch and an edge from port 'error'"));
      }
      if (n.onErrorMode() == OnError.BRANCH
          && def.edges().stream().noneMatch(e -> n.id().equals(e.from()) && "error".equals(e.port()))) {
        v.add(Violation.of("/nodes/" + i + "/onError", "node.error_edge_missing",
            "onError: branch needs an edge from port 'error' of '" + n.id() + "'"));
      }
    }
  }

  private static void graphShape(WorkflowDefinition def, Graph graph, Map<String, Integer> index, List<Violation> v) {
    Set<String> inCycle = new HashSet<>();
    for (List<String> cycle : graph.cycles()) {
      inCycle.addAll(cycle);
      String first = cycle.stream().min((a, b) -> Integer.compare(index.get(a), index.get(b))).orElseThrow();
      v.add(Violation.of("/nodes/" + index.get(first), "graph.cycle",
          "nodes " + cycle + " form a cycle; a workflow is a directed acyclic graph"));
    }
    Set<String> reachable = graph.reachable();
    for (NodeDef n : def.nodes()) {
      if (n.id() == null || !index.get(n.id()).equals(def.nodes().indexOf(n))) continue;
      if (!reachable.contains(n.id()) && !inCycle.contains(n.id())) {
        v.add(Violation.of("/nodes/" + index.get(n.id()), "graph.unreachable",
            "node '" + n.id() + "' cannot be reached from any start node"));
      }
    }
  }

  private void expressionsOf(NodeDef n, String path, Graph graph, Map<String, Integer> index, boolean edgesRead,
      List<Violation> v) {
    if (n.type() == null || n.id() == null) return;
    Optional<NodeRegistry.Entry> entry = registry.find(n.type());
    if (entry.isEmpty()) return;
    ConfigShape shape = entry.get().shape();
    Set<String> ancestors = graph.ancestors(n.id());
    for (ConfigShape.Found f : shape.expressionsIn(n.config())) {
      String at = path + "/config" + f.pointer();
      if (f.error() != null) {
        v.add(Violation.of(at, f.error().code(), f.error().getMessage()));
        continue;
      }
      try {
        for (String ref : expressions.compile(f.expression(), f.perItem()).referencedNodes()) {
          if (!index.containsKey(ref)) {
            v.add(Violation.of(at, "expr.unknown_node",
                "`" + f.expression() + "` reads nodes." + ref + ", but no node has id '" + ref + "'"));
          } else if (edgesRead && !ancestors.contains(ref)) {
            v.add(Violation.of(at, "expr.not_upstream", "`" + f.expression() + "` reads nodes." + ref
                + ", which does not run before '" + n.id() + "' (it is not upstream)"));
          }
        }
      } catch (ExpressionException e) {
        v.add(Violation.of(at, e.code(), "`" + f.expression() + "`: " + e.getMessage()));
      }
    }
  }

  private static Optional<Duration> duration(String text, String path, List<Violation> v) {
    if (text == null) return Optional.empty();
    try {
      return Optional.of(Durations.parse(text));
    } catch (IllegalArgumentException e) {
      v.add(Violation.of(path, "duration.invalid", e.getMessage()));
      return Optional.empty();
    }
  }
}
