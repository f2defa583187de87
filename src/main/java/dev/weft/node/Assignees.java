package dev.weft.node;

import dev.weft.definition.Violation;
import dev.weft.expression.Templates;
import dev.weft.security.WeftPrincipal;
import java.util.ArrayList;
import java.util.List;

/** Checks lists of people: principal ids, {@code role:<role>} and {@code group:<group>}. */
public final class Assignees {
  private Assignees() {}

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
      } else if (a.startsWith("role:") && !WeftPrincipal.ROLES.contains(a.substring(5))) {
        v.add(Violation.of(at, code, "'" + a.substring(5) + "' is not a role; roles are " + WeftPrincipal.ROLES));
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
