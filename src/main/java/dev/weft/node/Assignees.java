package dev.weft.node;

import dev.weft.definition.Violation;
import dev.weft.expression.Templates;
import java.util.ArrayList;
import java.util.List;

/** Checks lists of people: principal ids, {@code role:<role>} and {@code group:<group>}. */
public final class Assignees {
  /**
   * The roles {@code role:<role>} may name, most powerful first (the API's roles: {@code WeftPrincipalTest} keeps
   * the two lists equal).
   */
  public static final List<String> ROLES = List.of("admin", "editor", "operator", "viewer");

  private Assignees() {}

  /** Whether {@code assignee} names the principal {@code id} with these roles and groups. */
  public static boolean names(String assignee, String id, List<String> roles, List<String> groups) {
    if (assignee.startsWith("role:")) return roles.contains(assignee.substring(5));
    if (assignee.startsWith("group:")) return groups.contains(assignee.substring(6));
    return id.equals(assignee);
  }

  public static List<Violation> check(List<String> assignees, String path, String code) {
    List<Violation> v = new ArrayList<>();
    if (assignees == null) return v;
    for (int i = 0; i < assignees.size(); i++) {
      String a = assignees.get(i);
      String at = path + "/" + i;
      if (a == null || a.isBlank()) {
        v.add(Violation.of(at, code, "an assignee is a principal id, role:<role> or group:<group>"));
      } else if (Templates.hasTemplate(a)) {
        continue;
      } else if (a.startsWith("role:") && !ROLES.contains(a.substring(5))) {
        v.add(Violation.of(at, code, "'" + a.substring(5) + "' is not a role; roles are " + ROLES));
      } else if (a.startsWith("group:") && a.length() == 6) {
        v.add(Violation.of(at, code, "name the group after group:"));
      }
    }
    return v;
  }

  /** How many distinct people an approver list names, or -1 when it names a role or group (unbounded). */
  public static int countPeople(List<String> assignees) {
    if (assignees.stream().anyMatch(a -> a.startsWith("role:") || a.startsWith("group:") || Templates.hasTemplate(a))) return -1;
    return (int) assignees.stream().distinct().count();
  }
}
