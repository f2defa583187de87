package dev.weft.security;

import java.util.List;

/**
 * Who acts: the principal an API key or a token belongs to, with its roles ({@code admin}, {@code editor},
 * {@code operator}, {@code viewer}), groups and tenant. Travels into runs (who started it, who decides) as
 * data, never with the key itself. A principal sees and touches only its tenant's resources.
 */
public record WeftPrincipal(String id, List<String> roles, List<String> groups, String tenant) {
  /** The engine's own actions (timeouts, escalations) and runs started outside the API. */
  public static final WeftPrincipal SYSTEM = new WeftPrincipal("system", List.of(), List.of());
  /** The roles' wire names, most powerful first; each includes the ones after it ({@link Role}). */
  public static final List<String> ROLES = java.util.Arrays.stream(Role.values()).map(Role::wire).toList();
  /** Who starts a run through a webhook: the caller of a public hook path has no key. */
  public static final WeftPrincipal WEBHOOK = new WeftPrincipal("webhook", List.of(), List.of());

  public WeftPrincipal {
    roles = roles == null ? List.of() : List.copyOf(roles);
    groups = groups == null ? List.of() : List.copyOf(groups);
    tenant = tenant == null ? dev.weft.domain.Tenants.DEFAULT : tenant;
  }

  /** A principal of the default tenant. */
  public WeftPrincipal(String id, List<String> roles, List<String> groups) {
    this(id, roles, groups, null);
  }

  /**
   * This principal with the roles its roles include ({@code admin} is also editor, operator and
   * viewer): what runs see, so that {@code role:operator} names admins too.
   */
  public WeftPrincipal withImpliedRoles() {
    int strongest = roles.stream().mapToInt(ROLES::indexOf).filter(i -> i >= 0).min().orElse(ROLES.size());
    java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(roles);
    all.addAll(ROLES.subList(strongest, ROLES.size()));
    return new WeftPrincipal(id, List.copyOf(all), groups, tenant);
  }

  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  /**
   * Whether this principal is named by an assignee entry: its id, {@code role:<role>} or
   * {@code group:<group>}.
   */
  public boolean matches(String assignee) {
    return dev.weft.node.Assignees.names(assignee, id, roles, groups);
  }

  /** The assignee entries that name this principal: its id, {@code role:<r>} and {@code group:<g>}. */
  public List<String> assigneeNames() {
    List<String> names = new java.util.ArrayList<>();
    names.add(id);
    roles.forEach(r -> names.add("role:" + r));
    groups.forEach(g -> names.add("group:" + g));
    return List.copyOf(names);
  }

  public boolean matchesAny(List<String> assignees) {
    return assignees.stream().anyMatch(this::matches);
  }
}
