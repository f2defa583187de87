package dev.weft.validate;

import dev.weft.definition.DefinitionLimits;
import dev.weft.definition.DefinitionReader;
import dev.weft.definition.Durations;
import dev.weft.definition.EdgeDef;
import dev.weft.definition.Execution;
import dev.weft.definition.Graph;
import dev.weft.definition.Json;
import dev.weft.definition.JsonPointers;
import dev.weft.definition.NodeDef;
import dev.weft.definition.OnError;
import dev.weft.definition.ParsedDefinition;
import dev.weft.definition.RetryDef;
import dev.weft.definition.SubGraph;
import dev.weft.definition.TriggerDef;
import dev.weft.definition.Violation;
import dev.weft.definition.WorkflowDefinition;
import dev.weft.expression.ExpressionEngine;
import dev.weft.expression.ExpressionException;
import dev.weft.node.ConfigShape;
import dev.weft.node.GraphContext;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeKind;
import dev.weft.node.NodeRegistry;
import dev.weft.node.NodeType;
import dev.weft.node.loop.LoopNode;
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
import tools.jackson.databind.node.ObjectNode;

/**
 * Validates a definition in one pass and reports every violation with its JSON pointer and stable
 * code: structure, ids, node types, configs (against each type's schema and its own checks), edges and
 * ports, cycles, reachability, expressions and their node references, durations, retry policies and
 * limits. A loop's body is a graph of its own, checked like the definition's at its own paths
 * ({@code /nodes/2/config/body/nodes/0/...}), with the loop scoping rules on top: what a body node may
 * read, what may read it, how deep loops nest.
 */
public final class DefinitionValidator {
  public static final Pattern WORKFLOW_ID = Pattern.compile("[a-z][a-z0-9-]{0,63}");
  public static final Pattern NODE_ID = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
  private static final Pattern WEBHOOK_PATH = Pattern.compile("[A-Za-z0-9][A-Za-z0-9/_.-]{0,199}");
  private static final Set<String> TRIGGERS = Set.of("manual", "webhook", "schedule", "chat");
  private static final int MAX_ATTEMPTS = 100;
  private static final Duration MAX_TIMEOUT = Duration.ofDays(7);
  /** A loop's {@code until}: evaluated after each iteration, in the iteration's scope. */
  private static final String UNTIL = "/until";

  private final NodeRegistry registry;
  private final ExpressionEngine expressions;
  private final DefinitionLimits limits;
  private final DefinitionReader reader;

  public DefinitionValidator(NodeRegistry registry, ExpressionEngine expressions, DefinitionLimits limits) {
    this.registry = registry;
    this.expressions = expressions;
    this.limits = limits;
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
    inputSchema(def.inputSchema(), def.trigger(), v);
    // Like nodes or edges over the limit at the top level: one violation, their entries are not checked.
    if (overLimits(def, v)) return new ValidationReport(def, v);
    // Edges that could not be read do not tell which nodes run before which.
    JsonNode es = parsed.raw().get("edges");
    boolean edgesRead = es == null || es.isNull() || es.isArray() && es.size() == def.edges().size();
    List<Level> graphs = new ArrayList<>();
    Map<String, Placed> ids = new HashMap<>();
    read(new Level("", def.nodes(), def.edges(), edgesRead, null, null), graphs, ids, v);
    for (Level g : graphs) graph(g, ids, v);
    return new ValidationReport(def, v);
  }

  /** A workflow's {@code inputSchema}: a self-contained draft 2020-12 schema of an object. */
  private static void inputSchema(JsonNode schema, TriggerDef trigger, List<Violation> v) {
    if (schema == null) return;
    List<Violation> problems = dev.weft.node.JsonSchemas.checkSchema(schema, "definition.input_schema_invalid");
    problems.forEach(p -> v.add(Violation.of("/inputSchema" + p.path(), p.code(), p.message())));
    if (!problems.isEmpty()) return;
    if (schema.has("type") && !"object".equals(schema.get("type").asString(""))) {
      v.add(Violation.of("/inputSchema/type", "definition.input_schema_invalid", "a run's input is an object: \"type\": \"object\""));
    } else if (trigger != null && "schedule".equals(trigger.type())
        && !dev.weft.node.JsonSchemas.errors(schema, dev.weft.definition.Json.object()).isEmpty()) {
      // A schedule starts every run with {}: a schema that refuses it would fail every scheduled start.
      v.add(Violation.of("/inputSchema", "definition.input_schema_schedule",
          "a scheduled workflow's runs start with the input {}, which this inputSchema refuses"));
    }
  }

  /**
   * One graph the validator checks: the definition's own, or a loop's body, nested in the loop node's
   * config and checked the same way, with the same codes, at its own paths.
   */
  private static final class Level {
    /** {@code ""} for the definition, e.g. {@code /nodes/2/config/body} for a body. */
    final String path;
    final List<NodeDef> nodes;
    final List<EdgeDef> edges;
    /** Whether every edge could be read: only then does the graph tell which nodes run before which. */
    final boolean edgesRead;
    /** The graph holding the loop node whose body this is; {@code null} for the definition. */
    final Level parent;
    final NodeDef loop;
    /** How many loops this graph is in: 0 for the definition. */
    final int depth;
    final Graph graph;
    /** The first position of each node id in this graph. */
    final Map<String, Integer> index = new HashMap<>();
    /** The bodies of this graph's loop nodes, by the loop's position. */
    final Map<Integer, Level> bodies = new HashMap<>();
    private final Map<String, Set<String>> ancestors = new HashMap<>();

    Level(String path, List<NodeDef> nodes, List<EdgeDef> edges, boolean edgesRead, Level parent, NodeDef loop) {
      this.path = path;
      this.nodes = nodes;
      this.edges = edges;
      this.edgesRead = edgesRead;
      this.parent = parent;
      this.loop = loop;
      this.depth = parent == null ? 0 : parent.depth + 1;
      this.graph = new Graph(nodes, edges);
    }

    String node(int i) {
      return path + "/nodes/" + i;
    }

    String edge(int i) {
      return path + "/edges/" + i;
    }

    Set<String> ancestors(String id) {
      return ancestors.computeIfAbsent(id, graph::ancestors);
    }

    /** Whether {@code other} is this graph or lies in it (in a loop body of it, at any depth). */
    boolean encloses(Level other) {
      for (Level l = other; l != null; l = l.parent) {
        if (l == this) return true;
      }
      return false;
    }

    String describe() {
      return parent == null ? "the workflow's top-level graph" : "the body of loop '" + loop.id() + "'";
    }
  }

  /** Where a node id is defined (first). */
  private record Placed(Level level, int position) {
    String path() {
      return level.node(position);
    }
  }

  private boolean isLoop(String type) {
    return registry.find(type).map(e -> e.type() instanceof LoopNode).orElse(false);
  }

  /**
   * {@code limit.nodes} and {@code limit.edges} counting the loop bodies too (the reader has checked the
   * definition's own lists); true when one is over.
   */
  private boolean overLimits(WorkflowDefinition def, List<Violation> v) {
    int[] nested = {0, 0};
    for (NodeDef n : def.nodes()) {
      if (isLoop(n.type())) countBody(n.config(), nested);
    }
    boolean over = false;
    int nodes = def.nodes().size() + nested[0];
    if (nested[0] > 0 && nodes > limits.maxNodes()) {
      v.add(Violation.of("/nodes", "limit.nodes", nodes + " nodes, " + nested[0] + " of them in loop bodies; the limit is "
          + limits.maxNodes() + " for the whole definition"));
      over = true;
    }
    int edges = def.edges().size() + nested[1];
    if (nested[1] > 0 && edges > limits.maxEdges() && v.stream().noneMatch(x -> x.code().equals("limit.edges"))) {
      v.add(Violation.of("/edges", "limit.edges", edges + " edges, " + nested[1] + " of them in loop bodies; the limit is "
          + limits.maxEdges() + " for the whole definition"));
      over = true;
    }
    return over;
  }

  /** Adds the nodes and edges of a loop's body (raw config), nested bodies included, to {@code counts}. */
  private void countBody(JsonNode loopConfig, int[] counts) {
    JsonNode body = loopConfig == null ? null : loopConfig.get("body");
    if (body == null || !body.isObject()) return;
    JsonNode es = body.get("edges");
    if (es != null && es.isArray()) counts[1] += es.size();
    JsonNode ns = body.get("nodes");
    if (ns == null || !ns.isArray()) return;
    counts[0] += ns.size();
    for (JsonNode n : ns) {
      JsonNode type = n.get("type");
      if (type != null && type.isString() && isLoop(type.stringValue())) countBody(n.get("config"), counts);
    }
  }

  /**
   * Collects the graphs in document order (a loop's body right after the loop node) and checks the node
   * ids: unique across the whole definition, bodies included.
   */
  private void read(Level g, List<Level> graphs, Map<String, Placed> ids, List<Violation> v) {
    graphs.add(g);
    for (int i = 0; i < g.nodes.size(); i++) {
      NodeDef n = g.nodes.get(i);
      String id = n.id();
      if (id != null) {
        if (!NODE_ID.matcher(id).matches()) {
          v.add(Violation.of(g.node(i) + "/id", "node.id_invalid",
              "node id '" + id + "' must match [a-z][a-z0-9_-]* and be at most 64 characters"));
        }
        Placed prev = ids.putIfAbsent(id, new Placed(g, i));
        if (prev != null) {
          v.add(Violation.of(g.node(i) + "/id", "node.id_duplicate",
              "node id '" + id + "' is already used by " + prev.path()));
        }
        g.index.putIfAbsent(id, i);
      }
      if (!isLoop(n.type())) continue;
      // A body that is missing or not an object is a schema violation of the loop's config.
      String path = g.node(i) + "/config/body";
      JsonNode raw = n.config() == null ? null : n.config().get("body");
      SubGraph body = reader.readSubGraph(raw, path, v);
      if (body == null) continue;
      JsonNode es = raw.get("edges");
      Level child = new Level(path, body.nodes(), body.edges(), es == null || es.isNull() || es.isArray(), g, n);
      g.bodies.put(i, child);
      read(child, graphs, ids, v);
    }
  }

  /** Checks one graph: its nodes' settings and configs, its edges, its shape, its expressions. */
  private void graph(Level g, Map<String, Placed> ids, List<Violation> v) {
    Map<String, Set<String>> ports = new HashMap<>();
    for (int i = 0; i < g.nodes.size(); i++) {
      NodeDef n = g.nodes.get(i);
      settings(n, g.node(i), v);
      ports.putIfAbsent(n.id(), nodeConfig(g, i, ids, v));
    }
    // Without readable nodes every edge would be reported as dangling; the violation at nodes says why.
    if (!g.nodes.isEmpty()) {
      edges(g, ids, ports, v);
      errorModes(g, ports, v);
    }
    graphShape(g, v);
    for (int i = 0; i < g.nodes.size(); i++) {
      expressionsOf(g, i, ids, v);
    }
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
        WebhookTriggerRules.check(t, v);
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
    if (Execution.fromWire(n.execution()).isEmpty()) {
      v.add(Violation.of(path + "/execution", "node.execution_invalid",
          "execution '" + n.execution() + "' is not one of [auto, activity, local]"));
    } else if (n.executionMode() == Execution.LOCAL && timeout.isPresent()
        && timeout.get().compareTo(Execution.LOCAL_MAX_TIMEOUT) > 0) {
      v.add(Violation.of(path + "/execution", "node.execution_invalid", "a node with execution 'local' takes a timeout of at most "
          + Durations.format(Execution.LOCAL_MAX_TIMEOUT) + " (this one has " + n.timeout() + "): use 'activity' for longer work"));
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
  private Set<String> nodeConfig(Level g, int i, Map<String, Placed> ids, List<Violation> v) {
    NodeDef n = g.nodes.get(i);
    String path = g.node(i);
    if (n.type() == null) return Set.of();
    Optional<NodeRegistry.Entry> entry = registry.find(n.type());
    if (entry.isEmpty()) {
      v.add(Violation.of(path + "/type", "node.type_unknown", "unknown node type '" + n.type() + "'"));
      return Set.of();
    }
    boolean loop = entry.get().type() instanceof LoopNode;
    if (loop) loopRules(g, n, path, v);
    NodeKind kind = entry.get().type().kind();
    if (n.execution() != null && kind != NodeKind.ACTIVITY && kind != NodeKind.CONTROL) {
      v.add(Violation.of(path + "/execution", "node.execution_invalid", "execution applies to activity nodes (and to control nodes"
          + " that read a large value by reference), not to a " + kind.name().toLowerCase(java.util.Locale.ROOT) + " node such as '"
          + n.type() + "'"));
    }
    List<Violation> schema = registry.checkSchema(n.type(), n.config(), path + "/config");
    // A loop's body is read and checked like the definition's own graph, with the same codes.
    if (loop) schema = schema.stream().filter(x -> !x.path().startsWith(path + "/config/body/")).toList();
    v.addAll(schema);
    // A config that fails its schema does not tell which ports the node has.
    if (!schema.isEmpty()) return Set.of();
    JsonNode config = n.config();
    Level body = g.bodies.get(i);
    if (body != null && config instanceof ObjectNode o) {
      // The body as read (values of the wrong JSON type dropped, each reported already), so that it binds.
      config = o.deepCopy().set("body", Json.MAPPER.valueToTree(new SubGraph(body.nodes, body.edges)));
    }
    Set<String> ports = new LinkedHashSet<>();
    if (n.onErrorMode() == OnError.BRANCH) ports.add("error");
    typed(entry.get().type(), entry.get().shape(), n, config, path, g, ids, v, ports);
    return ports;
  }

  /** What only a loop node breaks: nesting deeper than {@link DefinitionLimits#MAX_LOOP_DEPTH}, {@code onError: ask}. */
  private static void loopRules(Level g, NodeDef n, String path, List<Violation> v) {
    int depth = g.depth + 1;
    if (depth > DefinitionLimits.MAX_LOOP_DEPTH) {
      v.add(Violation.of(path, "loop.too_deep", "loop '" + n.id() + "' is nested " + depth + " loops deep; loops nest at most "
          + DefinitionLimits.MAX_LOOP_DEPTH + " deep (move the inner part into a subworkflow)"));
    }
    if (n.onError() != null && n.onErrorMode() == OnError.ASK) {
      v.add(Violation.of(path + "/onError", "loop.ask_unsupported", "onError: ask is not supported on loop '" + n.id()
          + "': an operator cannot retry a half-run loop; use fail, continue or branch here, or ask on the nodes in its body"));
    }
  }

  private <C extends Record> void typed(NodeType<C> type, ConfigShape shape, NodeDef n, JsonNode config, String path,
      Level g, Map<String, Placed> ids, List<Violation> v, Set<String> ports) {
    C bound;
    try {
      bound = registry.bind(type, config);
    } catch (NodeFailure e) {
      if (hasTemplate(config, "", shape)) {
        // A templated value where a typed one is expected binds only at run time.
        ports.add("*");
      } else {
        // The schema passed but the value still does not bind (e.g. a number too large for its field).
        v.add(Violation.of(path + "/config", "config.invalid", e.getMessage()));
      }
      return;
    }
    ports.addAll(type.ports(bound));
    GraphContext ctx = new GraphContext() {
      public NodeDef node() {
        return n;
      }

      public Set<String> predecessors() {
        return n.id() == null ? Set.of() : g.graph.predecessors(n.id());
      }

      public Set<String> nodeIds() {
        return ids.keySet();
      }
    };
    type.validate(bound, ctx).forEach(x -> v.add(Violation.of(path + "/config" + x.path(), x.code(), x.message())));
  }

  /** Whether a config holds a template outside its literal fields (a code node's source, a loop's body). */
  private static boolean hasTemplate(JsonNode n, String rel, ConfigShape shape) {
    if (n == null || shape.isLiteral(rel)) return false;
    if (n.isString()) return dev.weft.expression.Templates.hasTemplate(n.stringValue());
    if (n.isObject()) {
      for (var e : n.properties()) {
        if (hasTemplate(e.getValue(), JsonPointers.child(rel, e.getKey()), shape)) return true;
      }
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        if (hasTemplate(n.get(i), JsonPointers.child(rel, i), shape)) return true;
      }
    }
    return false;
  }

  private static void edges(Level g, Map<String, Placed> ids, Map<String, Set<String>> ports, List<Violation> v) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < g.edges.size(); i++) {
      EdgeDef e = g.edges.get(i);
      String path = g.edge(i);
      if (e.from() != null && !g.index.containsKey(e.from())) {
        v.add(Violation.of(path + "/from", "edge.unknown_node", noSuchNode(g, e.from(), ids)));
      }
      if (e.to() != null && !g.index.containsKey(e.to())) {
        v.add(Violation.of(path + "/to", "edge.unknown_node", noSuchNode(g, e.to(), ids)));
      }
      if (e.from() != null && g.index.containsKey(e.from())) {
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

  /** Why an edge of {@code g} names a node that is not in {@code g}. */
  private static String noSuchNode(Level g, String id, Map<String, Placed> ids) {
    Placed p = ids.get(id);
    if (p == null) return "no node has id '" + id + "'";
    return "node '" + id + "' is in " + p.level().describe() + ", not in " + g.describe()
        + "; an edge connects two nodes of the same graph";
  }

  /** {@code continue} needs a main port to continue on; {@code branch} needs an edge to branch to. */
  private static void errorModes(Level g, Map<String, Set<String>> ports, List<Violation> v) {
    for (int i = 0; i < g.nodes.size(); i++) {
      NodeDef n = g.nodes.get(i);
      if (n.id() == null || g.index.get(n.id()) != i || OnError.fromWire(n.onError()).isEmpty()) continue;
      Set<String> p = ports.getOrDefault(n.id(), Set.of());
      if (n.onErrorMode() == OnError.CONTINUE && !p.isEmpty() && !p.contains("*") && !p.contains(EdgeDef.MAIN)) {
        v.add(Violation.of(g.node(i) + "/onError", "node.on_error_invalid", "a '" + n.type()
            + "' node has no main port to continue on; use onError: branch and an edge from port 'error'"));
      }
      if (n.onErrorMode() == OnError.BRANCH
          && g.edges.stream().noneMatch(e -> n.id().equals(e.from()) && "error".equals(e.port()))) {
        v.add(Violation.of(g.node(i) + "/onError", "node.error_edge_missing",
            "onError: branch needs an edge from port 'error' of '" + n.id() + "'"));
      }
    }
  }

  private static void graphShape(Level g, List<Violation> v) {
    Set<String> inCycle = new HashSet<>();
    for (List<String> cycle : g.graph.cycles()) {
      inCycle.addAll(cycle);
      String first = cycle.stream().min((a, b) -> Integer.compare(g.index.get(a), g.index.get(b))).orElseThrow();
      v.add(Violation.of(g.node(g.index.get(first)), "graph.cycle", "nodes " + cycle + " form a cycle; "
          + (g.parent == null ? "a workflow" : "a loop body") + " is a directed acyclic graph"));
    }
    Set<String> reachable = g.graph.reachable();
    for (int i = 0; i < g.nodes.size(); i++) {
      NodeDef n = g.nodes.get(i);
      if (n.id() == null || g.index.get(n.id()) != i) continue;
      if (!reachable.contains(n.id()) && !inCycle.contains(n.id())) {
        v.add(Violation.of(g.node(i), "graph.unreachable", "node '" + n.id() + "' cannot be reached from any start node"
            + (g.parent == null ? "" : " of " + g.describe())));
      }
    }
  }

  /**
   * The expressions of a node, and the nodes it reads otherwise (a code node's source): they compile,
   * and they read only nodes the node can see ({@link #readable}). In a loop body they may use
   * {@code item} and {@code index}; so may a loop's {@code until}, which is evaluated in the iteration's
   * scope after each iteration and may read any node of the loop's body.
   */
  private void expressionsOf(Level g, int i, Map<String, Placed> ids, List<Violation> v) {
    NodeDef n = g.nodes.get(i);
    if (n.type() == null || n.id() == null) return;
    Optional<NodeRegistry.Entry> entry = registry.find(n.type());
    if (entry.isEmpty()) return;
    String path = g.node(i);
    boolean loop = entry.get().type() instanceof LoopNode;
    Level body = g.bodies.get(i);
    for (ConfigShape.Found f : entry.get().shape().expressionsIn(n.config())) {
      String at = path + "/config" + f.pointer();
      if (f.error() != null) {
        v.add(Violation.of(at, f.error().code(), f.error().getMessage()));
        continue;
      }
      boolean until = loop && UNTIL.equals(f.pointer());
      try {
        ExpressionEngine.Compiled c = expressions.compile(f.expression(), f.perItem(), until || g.depth > 0);
        for (String ref : c.referencedNodes()) {
          String what = "`" + f.expression() + "` reads nodes." + ref;
          Violation x = until && body != null
              ? readable(n, body, true, ref, ids, what, at, true)
              : readable(n, g, false, ref, ids, what, at, true);
          if (x != null) v.add(x);
        }
      } catch (ExpressionException e) {
        v.add(Violation.of(at, e.code(), "`" + f.expression() + "`: " + e.getMessage()));
      }
    }
    // Found in a script by a pattern: only what loops hide is checked here, nothing else (as before loops).
    for (String ref : entry.get().type().reads(n.config())) {
      String at = Optional.ofNullable(mentioning(n.config(), ref, path + "/config")).orElse(path + "/config");
      Violation x = readable(n, g, false, ref, ids, "the code of '" + n.id() + "' reads nodes." + ref, at, false);
      if (x != null) v.add(x);
    }
  }

  /**
   * Whether {@code reader}, a node of {@code from}, may read node {@code ref}; the violation if not. A
   * node reads the nodes of its own graph upstream of it ({@code wholeGraph}: any node of it, for a
   * loop's {@code until}), and in a loop body also the nodes before the loop, recursively outward: the
   * ancestors of the loop node in its graph, of the loop around that one, and so on. A loop body's nodes
   * are private to the body (and to the bodies nested in it).
   *
   * @param checkGraph whether to report unknown ids, and nodes of the reader's own graph that are not upstream
   */
  private static Violation readable(NodeDef reader, Level from, boolean wholeGraph, String ref, Map<String, Placed> ids,
      String what, String at, boolean checkGraph) {
    Placed p = ids.get(ref);
    if (p == null) {
      return checkGraph ? Violation.of(at, "expr.unknown_node", what + ", but no node has id '" + ref + "'") : null;
    }
    Level home = p.level();
    if (home == from) {
      if (!checkGraph || wholeGraph || !from.edgesRead || from.ancestors(reader.id()).contains(ref)) return null;
      return Violation.of(at, "expr.not_upstream", what + ", which does not run before '" + reader.id()
          + "' (it is not upstream)");
    }
    if (!home.encloses(from)) {
      // In a loop body the reader is not in: what it can read is the output of the outermost such loop.
      Level outermost = home;
      while (!outermost.parent.encloses(from)) outermost = outermost.parent;
      String loop = outermost.loop.id();
      return Violation.of(at, "loop.body_private", what + ", a node inside the body of loop '" + home.loop.id()
          + "'; a loop body's nodes can only be read inside that body: read the output of loop '" + loop + "', nodes."
          + loop + ".output, instead");
    }
    // Outside the loop(s) the reader is in: it must run before the loop that stands in its graph.
    Level inner = from;
    while (inner.parent != home) inner = inner.parent;
    String loop = inner.loop.id();
    if (ref.equals(loop)) {
      return Violation.of(at, "loop.reads_later_node", what + ", the loop it runs in, which has no output before its "
          + "body has finished; only nodes before the loop can be read");
    }
    if (!home.edgesRead || loop == null || home.ancestors(loop).contains(ref)) return null;
    return Violation.of(at, "loop.reads_later_node", what + ", which does not run before loop '" + loop
        + "'; in a loop body only nodes before the loop can be read (and the body's own nodes upstream)");
  }

  /** The pointer of the first string in {@code node} that mentions {@code text}; {@code null} if none does. */
  private static String mentioning(JsonNode node, String text, String at) {
    if (node == null) return null;
    if (node.isString()) return node.stringValue().contains(text) ? at : null;
    if (node.isObject()) {
      for (var e : node.properties()) {
        String found = mentioning(e.getValue(), text, JsonPointers.child(at, e.getKey()));
        if (found != null) return found;
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String found = mentioning(node.get(i), text, JsonPointers.child(at, i));
        if (found != null) return found;
      }
    }
    return null;
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
