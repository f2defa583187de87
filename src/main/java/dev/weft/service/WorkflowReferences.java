package dev.weft.service;

import dev.weft.definition.Json;
import dev.weft.definition.OnFailureDef;
import dev.weft.definition.TriggerDef;
import dev.weft.definition.Violation;
import dev.weft.definition.WorkflowDefinition;
import dev.weft.expression.Templates;
import dev.weft.node.loop.LoopNode;
import dev.weft.node.subworkflow.SubworkflowNode;
import dev.weft.security.Role;
import dev.weft.security.WeftPrincipal;
import dev.weft.store.VersionRecord;
import dev.weft.store.WorkflowRecord;
import dev.weft.store.WorkflowStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The save-time checks of a definition that need the store: the workflows its {@code subworkflow} nodes
 * (loop bodies included) and its {@code onFailure} name. A target must exist, not be archived and have
 * a pinned version; running it must not lead back to the workflow being saved; and whoever saves a
 * workflow that starts others must be allowed to start runs. The credentials its http nodes name
 * ({@code auth.credential}, loop bodies included) and its webhook trigger's {@code verify.credential} must exist. A {@code workflowId} or {@code version}
 * holding a template is not checked (it is known only at run time).
 */
final class WorkflowReferences {
  /** How many subworkflow levels the recursion check follows below the workflow being saved. */
  static final int MAX_DEPTH = 16;
  /** How many loop bodies nested in one another are searched for subworkflow nodes. */
  private static final int MAX_NESTING = 32;

  private final WorkflowStore store;
  private final WorkflowService.CredentialAccess credentialAccess;

  WorkflowReferences(WorkflowStore store, WorkflowService.CredentialAccess credentialAccess) {
    this.store = store;
    this.credentialAccess = credentialAccess;
  }

  /** A credential named by the definition: the pointer of the field that names it, and the name. */
  record CredentialUse(String path, String name) {}

  /** A subworkflow node: where it is and what it runs ({@code version} null for the latest). */
  record Call(String path, String workflowId, Integer version) {}

  /**
   * Every violation of {@code def}, saved as workflow {@code selfId} (null when it has none yet) by
   * {@code caller}.
   */
  List<Violation> check(WorkflowDefinition def, String selfId, WeftPrincipal caller) {
    List<Violation> v = new ArrayList<>();
    List<Call> calls = calls(def);
    boolean mayRun = caller != null && caller.withImpliedRoles().hasRole(Role.OPERATOR.wire());
    Search search = new Search(selfId);
    for (Call c : calls) {
      String at = c.path() + "/config/workflowId";
      if (!mayRun) {
        v.add(Violation.of(at, "subworkflow.forbidden", "'" + (caller == null ? "?" : caller.id()) + "' may not start runs "
            + "(that takes the operator role), so it may not save a workflow whose runs start workflow '" + c.workflowId() + "'"));
      }
      if (c.workflowId().equals(selfId)) {
        v.add(Violation.of(at, "subworkflow.cycle", "workflow '" + selfId + "' would start itself: " + selfId + " → " + selfId));
        continue;
      }
      Optional<WorkflowRecord> target = store.find(c.workflowId());
      if (target.isEmpty()) {
        v.add(Violation.of(at, "subworkflow.unknown", "no workflow '" + c.workflowId() + "' to run"));
        continue;
      }
      if (target.get().archived()) {
        v.add(Violation.of(at, "subworkflow.archived", "workflow '" + c.workflowId() + "' is archived and starts no runs"));
        continue;
      }
      if (c.version() != null && store.version(c.workflowId(), c.version()).isEmpty()) {
        v.add(Violation.of(c.path() + "/config/version", "subworkflow.unknown_version",
            "workflow '" + c.workflowId() + "' has no version " + c.version() + " (its latest is " + target.get().latestVersion() + ")"));
        continue;
      }
      if (selfId == null) continue;
      List<String> chain = search.backToSelf(c.workflowId(), c.version());
      if (chain != null) {
        List<String> whole = new ArrayList<>();
        whole.add(selfId);
        whole.addAll(chain);
        v.add(Violation.of(at, "subworkflow.cycle", "workflow '" + selfId + "' would start itself again: "
            + String.join(" → ", whole)));
      }
    }
    Map<String, CredentialService.Access> known = new HashMap<>();
    for (CredentialUse u : credentialUses(def)) {
      switch (known.computeIfAbsent(u.name(), n -> credentialAccess.access(n, caller))) {
        case UNKNOWN -> v.add(Violation.of(u.path(), "credential.unknown", "no credential '" + u.name() + "'"));
        case FORBIDDEN -> v.add(Violation.of(u.path(), "credential.forbidden", "'" + (caller == null ? "?" : caller.id())
            + "' may not use credential '" + u.name() + "' (its usableBy does not name them)"));
        case OK -> { }
      }
    }
    OnFailureDef onFailure = def.onFailure();
    // Pointing at itself is fine: a run started as an error workflow never starts another.
    if (onFailure != null && onFailure.workflowId() != null && !onFailure.workflowId().equals(selfId)) {
      Optional<WorkflowRecord> target = store.find(onFailure.workflowId());
      if (target.isEmpty()) {
        v.add(Violation.of("/onFailure/workflowId", "onfailure.unknown", "no workflow '" + onFailure.workflowId()
            + "' to run when a run fails"));
      } else if (target.get().archived()) {
        v.add(Violation.of("/onFailure/workflowId", "onfailure.archived", "workflow '" + onFailure.workflowId()
            + "' is archived and starts no runs"));
      }
    }
    return v;
  }

  /**
   * The credentials a definition names, in document order: its webhook trigger's {@code verify.credential},
   * then the http nodes' {@code auth.credential}, loop bodies included.
   */
  static List<CredentialUse> credentialUses(WorkflowDefinition def) {
    List<CredentialUse> out = new ArrayList<>();
    TriggerDef trigger = def.trigger();
    if (trigger != null && "webhook".equals(trigger.type()) && trigger.verify() != null) {
      String name = trigger.verify().credential();
      // A malformed name is the validator's violation (trigger.verify_invalid).
      if (name != null && dev.weft.node.CredentialResolver.NAME.matcher(name).matches()) {
        out.add(new CredentialUse("/trigger/verify/credential", name));
      }
    }
    eachNode(def, (path, type, config) -> {
      if (!"http".equals(type)) return;
      JsonNode name = config.path("auth").get("credential");
      // A malformed name is the node's own violation (http.auth_invalid).
      if (name != null && name.isString() && dev.weft.node.CredentialResolver.NAME.matcher(name.stringValue()).matches()) {
        out.add(new CredentialUse(path + "/config/auth/credential", name.stringValue()));
      }
    });
    return out;
  }

  /** The subworkflow nodes of a definition, loop bodies included, in document order. */
  static List<Call> calls(WorkflowDefinition def) {
    List<Call> out = new ArrayList<>();
    eachNode(def, (path, type, config) -> {
      if (!SubworkflowNode.TYPE.equals(type)) return;
      JsonNode id = config.get("workflowId");
      JsonNode version = config.get("version");
      if (id == null || !id.isString() || id.stringValue().isBlank() || Templates.hasTemplate(id.stringValue())) return;
      // A version that is not a whole number is the schema's violation (or a template, known at run time).
      if (version != null && !version.isNull() && !(version.isIntegralNumber() && version.canConvertToInt())) return;
      out.add(new Call(path, id.stringValue(), version == null || version.isNull() ? null : version.intValue()));
    });
    return out;
  }

  /** What {@link #eachNode} shows of one node: its pointer, type and (object) config. */
  private interface NodeVisitor {
    void visit(String path, String type, JsonNode config);
  }

  /** Every node of a definition with an object config, loop bodies included, in document order. */
  private static void eachNode(WorkflowDefinition def, NodeVisitor visitor) {
    walk(Json.MAPPER.valueToTree(def.nodes()), "/nodes", visitor, 0);
  }

  private static void walk(JsonNode nodes, String base, NodeVisitor visitor, int nesting) {
    if (nodes == null || !nodes.isArray() || nesting > MAX_NESTING) return;
    for (int i = 0; i < nodes.size(); i++) {
      JsonNode n = nodes.get(i);
      String path = base + "/" + i;
      String type = n.path("type").isString() ? n.get("type").stringValue() : null;
      JsonNode config = n.get("config");
      if (config == null || !config.isObject()) continue;
      visitor.visit(path, type, config);
      if (LoopNode.TYPE.equals(type)) walk(config.path("body").get("nodes"), path + "/config/body/nodes", visitor, nesting + 1);
    }
  }

  /** One recursion search: the saved definitions it reads, each read once. */
  private final class Search {
    private final String selfId;
    private final Map<String, Optional<WorkflowDefinition>> loaded = new HashMap<>();

    Search(String selfId) {
      this.selfId = selfId;
    }

    /**
     * The workflows a run of {@code workflowId} passes through until one starts {@code selfId}
     * (ending with it), or null when none does within {@link #MAX_DEPTH} levels.
     */
    List<String> backToSelf(String workflowId, Integer version) {
      List<String> chain = new ArrayList<>();
      chain.add(workflowId);
      return follow(workflowId, version, chain, new HashSet<>());
    }

    private List<String> follow(String workflowId, Integer version, List<String> chain, Set<String> seen) {
      if (!seen.add(workflowId + "@" + version) || chain.size() > MAX_DEPTH) return null;
      Optional<WorkflowDefinition> def = definition(workflowId, version);
      if (def.isEmpty()) return null;
      for (Call c : calls(def.get())) {
        if (c.workflowId().equals(selfId)) {
          List<String> found = new ArrayList<>(chain);
          found.add(selfId);
          return found;
        }
      }
      for (Call c : calls(def.get())) {
        chain.add(c.workflowId());
        List<String> found = follow(c.workflowId(), c.version(), chain, seen);
        if (found != null) return found;
        chain.removeLast();
      }
      return null;
    }

    /** What a run of the workflow would execute: the pinned version, else the latest; none when archived or unknown. */
    private Optional<WorkflowDefinition> definition(String workflowId, Integer version) {
      return loaded.computeIfAbsent(workflowId + "@" + version, key -> store.find(workflowId)
          .filter(w -> !w.archived())
          .flatMap(w -> store.version(workflowId, version != null ? version : w.latestVersion()))
          .map(VersionRecord::definition));
    }
  }
}
