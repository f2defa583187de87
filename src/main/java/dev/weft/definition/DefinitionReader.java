package dev.weft.definition;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads the v1 definition format into records, collecting every structural problem (wrong JSON types,
 * missing or unknown fields) with its JSON pointer instead of stopping at the first.
 */
public final class DefinitionReader {
  private static final Set<String> ROOT_FIELDS = Set.of("id", "name", "description", "trigger", "nodes", "edges", "onFailure",
      "inputSchema");
  private static final Set<String> ON_FAILURE_FIELDS = Set.of("workflowId");
  private static final Set<String> NODE_FIELDS = Set.of("id", "type", "name", "config", "timeout", "retry", "onError", "execution");
  private static final Set<String> EDGE_FIELDS = Set.of("from", "port", "to");
  private static final Set<String> RETRY_FIELDS =
      Set.of("maxAttempts", "initialInterval", "backoffCoefficient", "maxInterval", "nonRetryableErrors");
  private static final Set<String> TRIGGER_FIELDS =
      Set.of("type", "path", "wait", "cron", "every", "timezone", "verify", "maxBodyBytes");
  private static final Set<String> VERIFY_FIELDS =
      Set.of("type", "format", "credential", "header", "algorithm", "encoding", "prefix", "toleranceSeconds");
  private static final Set<String> SUBGRAPH_FIELDS = Set.of("nodes", "edges");

  private final DefinitionLimits limits;

  public DefinitionReader(DefinitionLimits limits) {
    this.limits = limits;
  }

  public ParsedDefinition read(String json) {
    if (json == null || json.isBlank()) {
      return failed(List.of(Violation.of("", "json.syntax", "the definition is empty")));
    }
    int bytes = json.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > limits.maxBytes()) {
      return failed(List.of(Violation.of("", "limit.size",
          "the definition is " + bytes + " bytes; the limit is " + limits.maxBytes())));
    }
    JsonNode raw;
    try {
      raw = Json.parse(json);
    } catch (JacksonException e) {
      return failed(List.of(Violation.of("", "json.syntax", "not valid JSON: " + e.getOriginalMessage())));
    }
    return read(raw);
  }

  public ParsedDefinition read(JsonNode raw) {
    List<Violation> v = new ArrayList<>();
    if (raw == null || !raw.isObject()) {
      v.add(Violation.of("", "json.type", "a definition is a JSON object"));
      return new ParsedDefinition(new WorkflowDefinition(null, null, null, TriggerDef.MANUAL, List.of(), List.of()), raw, v);
    }
    unknownFields(raw, "", ROOT_FIELDS, v);
    String id = string(raw, "", "id", false, v);
    String name = string(raw, "", "name", true, v);
    if (name != null && name.isBlank()) v.add(Violation.of("/name", "definition.required", "name must not be blank"));
    if (name != null && name.length() > limits.maxNameLength()) {
      v.add(Violation.of("/name", "limit.name_length", "name is longer than " + limits.maxNameLength() + " characters"));
    }
    String description = string(raw, "", "description", false, v);
    TriggerDef trigger = trigger(raw.get("trigger"), v);
    List<NodeDef> nodes = new ArrayList<>();
    JsonNode ns = raw.get("nodes");
    if (ns == null || ns.isNull()) {
      v.add(Violation.of("/nodes", "definition.required", "nodes is required"));
    } else if (!ns.isArray()) {
      v.add(Violation.of("/nodes", "json.type", "nodes must be an array"));
    } else if (ns.isEmpty()) {
      v.add(Violation.of("/nodes", "definition.no_nodes", "a workflow needs at least one node"));
    } else if (ns.size() > limits.maxNodes()) {
      v.add(Violation.of("/nodes", "limit.nodes", ns.size() + " nodes; the limit is " + limits.maxNodes()));
    } else {
      for (int i = 0; i < ns.size(); i++) nodes.add(node(ns.get(i), "/nodes/" + i, v));
    }
    List<EdgeDef> edges = new ArrayList<>();
    JsonNode es = raw.get("edges");
    if (es != null && !es.isNull()) {
      if (!es.isArray()) {
        v.add(Violation.of("/edges", "json.type", "edges must be an array"));
      } else if (es.size() > limits.maxEdges()) {
        v.add(Violation.of("/edges", "limit.edges", es.size() + " edges; the limit is " + limits.maxEdges()));
      } else {
        for (int i = 0; i < es.size(); i++) edges.add(edge(es.get(i), "/edges/" + i, v));
      }
    }
    OnFailureDef onFailure = onFailure(raw.get("onFailure"), v);
    JsonNode inputSchema = raw.get("inputSchema");
    if (inputSchema != null && inputSchema.isNull()) inputSchema = null;
    if (inputSchema != null && !inputSchema.isObject()) {
      v.add(Violation.of("/inputSchema", "json.type", "inputSchema must be a JSON schema object"));
      inputSchema = null;
    }
    return new ParsedDefinition(new WorkflowDefinition(id, name, description, trigger, nodes, edges, onFailure, inputSchema),
        raw, v);
  }

  private static OnFailureDef onFailure(JsonNode f, List<Violation> v) {
    if (f == null || f.isNull()) return null;
    if (!f.isObject()) {
      v.add(Violation.of("/onFailure", "json.type", "onFailure must be an object {workflowId}"));
      return null;
    }
    unknownFields(f, "/onFailure", ON_FAILURE_FIELDS, v);
    String workflowId = string(f, "/onFailure", "workflowId", true, v);
    return workflowId == null ? null : new OnFailureDef(workflowId);
  }

  /**
   * Reads a graph nested in a node's config (a loop's {@code body}: {@code {nodes, edges}}) at
   * {@code path}, with the same checks as the definition's own nodes and edges. Absent or {@code null}
   * lists are empty (the node type says whether that is allowed). Nested graphs count toward the
   * definition's limits, which the validator checks over the whole definition.
   *
   * @return the graph, or {@code null} when {@code body} is not an object
   */
  public SubGraph readSubGraph(JsonNode body, String path, List<Violation> v) {
    if (body == null || !body.isObject()) return null;
    unknownFields(body, path, SUBGRAPH_FIELDS, v);
    List<NodeDef> nodes = new ArrayList<>();
    JsonNode ns = body.get("nodes");
    if (ns != null && !ns.isNull()) {
      if (!ns.isArray()) v.add(Violation.of(path + "/nodes", "json.type", "nodes must be an array"));
      else for (int i = 0; i < ns.size(); i++) nodes.add(node(ns.get(i), path + "/nodes/" + i, v));
    }
    List<EdgeDef> edges = new ArrayList<>();
    JsonNode es = body.get("edges");
    if (es != null && !es.isNull()) {
      if (!es.isArray()) v.add(Violation.of(path + "/edges", "json.type", "edges must be an array"));
      else for (int i = 0; i < es.size(); i++) edges.add(edge(es.get(i), path + "/edges/" + i, v));
    }
    return new SubGraph(nodes, edges);
  }

  private static ParsedDefinition failed(List<Violation> v) {
    return new ParsedDefinition(new WorkflowDefinition(null, null, null, TriggerDef.MANUAL, List.of(), List.of()), null, v);
  }

  private NodeDef node(JsonNode n, String path, List<Violation> v) {
    if (!n.isObject()) {
      v.add(Violation.of(path, "json.type", "a node is a JSON object"));
      return new NodeDef(null, null, null, Json.object(), null, null, null);
    }
    unknownFields(n, path, NODE_FIELDS, v);
    String id = string(n, path, "id", true, v);
    String type = string(n, path, "type", true, v);
    String name = string(n, path, "name", false, v);
    JsonNode config = n.get("config");
    if (config == null || config.isNull()) {
      config = Json.object();
    } else if (!config.isObject()) {
      v.add(Violation.of(path + "/config", "json.type", "config must be an object"));
      config = Json.object();
    }
    String timeout = string(n, path, "timeout", false, v);
    RetryDef retry = retry(n.get("retry"), path + "/retry", v);
    String onError = string(n, path, "onError", false, v);
    String execution = string(n, path, "execution", false, v);
    return new NodeDef(id, type, name, config, timeout, retry, onError, execution);
  }

  private RetryDef retry(JsonNode r, String path, List<Violation> v) {
    if (r == null || r.isNull()) return null;
    if (!r.isObject()) {
      v.add(Violation.of(path, "json.type", "retry must be an object"));
      return null;
    }
    unknownFields(r, path, RETRY_FIELDS, v);
    Integer max = null;
    JsonNode m = r.get("maxAttempts");
    if (m != null && !m.isNull()) {
      if (m.isIntegralNumber() && m.canConvertToInt()) max = m.intValue();
      else v.add(Violation.of(path + "/maxAttempts", "json.type", "maxAttempts must be an integer"));
    }
    Double backoff = null;
    JsonNode b = r.get("backoffCoefficient");
    if (b != null && !b.isNull()) {
      if (b.isNumber()) backoff = b.doubleValue();
      else v.add(Violation.of(path + "/backoffCoefficient", "json.type", "backoffCoefficient must be a number"));
    }
    List<String> nonRetryable = null;
    JsonNode nr = r.get("nonRetryableErrors");
    if (nr != null && !nr.isNull()) {
      nonRetryable = new ArrayList<>();
      if (!nr.isArray()) {
        v.add(Violation.of(path + "/nonRetryableErrors", "json.type", "nonRetryableErrors must be an array of strings"));
      } else {
        for (int i = 0; i < nr.size(); i++) {
          if (nr.get(i).isString()) nonRetryable.add(nr.get(i).stringValue());
          else v.add(Violation.of(path + "/nonRetryableErrors/" + i, "json.type", "must be a string"));
        }
      }
    }
    return new RetryDef(max, string(r, path, "initialInterval", false, v), backoff,
        string(r, path, "maxInterval", false, v), nonRetryable);
  }

  private EdgeDef edge(JsonNode e, String path, List<Violation> v) {
    if (!e.isObject()) {
      v.add(Violation.of(path, "json.type", "an edge is a JSON object"));
      return new EdgeDef(null, null, null);
    }
    unknownFields(e, path, EDGE_FIELDS, v);
    return new EdgeDef(string(e, path, "from", true, v), string(e, path, "port", false, v), string(e, path, "to", true, v));
  }

  private TriggerDef trigger(JsonNode t, List<Violation> v) {
    if (t == null || t.isNull()) return TriggerDef.MANUAL;
    if (!t.isObject()) {
      v.add(Violation.of("/trigger", "json.type", "trigger must be an object"));
      return TriggerDef.MANUAL;
    }
    unknownFields(t, "/trigger", TRIGGER_FIELDS, v);
    Integer maxBody = integer(t, "/trigger", "maxBodyBytes", v);
    return new TriggerDef(string(t, "/trigger", "type", true, v), string(t, "/trigger", "path", false, v),
        string(t, "/trigger", "wait", false, v), string(t, "/trigger", "cron", false, v),
        string(t, "/trigger", "every", false, v), string(t, "/trigger", "timezone", false, v),
        verify(t.get("verify"), v), maxBody);
  }

  private static WebhookVerify verify(JsonNode f, List<Violation> v) {
    if (f == null || f.isNull()) return null;
    String path = "/trigger/verify";
    if (!f.isObject()) {
      v.add(Violation.of(path, "json.type", "verify must be an object"));
      return null;
    }
    unknownFields(f, path, VERIFY_FIELDS, v);
    return new WebhookVerify(string(f, path, "type", true, v), string(f, path, "format", false, v),
        string(f, path, "credential", true, v), string(f, path, "header", false, v), string(f, path, "algorithm", false, v),
        string(f, path, "encoding", false, v), string(f, path, "prefix", false, v), integer(f, path, "toleranceSeconds", v));
  }

  private static Integer integer(JsonNode obj, String path, String field, List<Violation> v) {
    JsonNode f = obj.get(field);
    if (f == null || f.isNull()) return null;
    if (!f.isIntegralNumber() || !f.canConvertToInt()) {
      v.add(Violation.of(path + "/" + field, "json.type", field + " must be an integer of at most " + Integer.MAX_VALUE));
      return null;
    }
    return f.intValue();
  }

  private static String string(JsonNode obj, String path, String field, boolean required, List<Violation> v) {
    JsonNode f = obj.get(field);
    if (f == null || f.isNull()) {
      if (required) v.add(Violation.of(path + "/" + field, "definition.required", field + " is required"));
      return null;
    }
    if (!f.isString()) {
      v.add(Violation.of(path + "/" + field, "json.type", field + " must be a string"));
      return null;
    }
    return f.stringValue();
  }

  private static void unknownFields(JsonNode obj, String path, Set<String> known, List<Violation> v) {
    obj.propertyNames().forEach(name -> {
      if (!known.contains(name)) {
        v.add(Violation.of(JsonPointers.child(path, name), "definition.unknown_field",
            "unknown field '" + name + "'; expected one of " + known.stream().sorted().toList()));
      }
    });
  }
}
