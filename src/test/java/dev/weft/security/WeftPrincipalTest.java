package dev.weft.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.engine.Actor;
import dev.weft.node.Assignees;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeftPrincipalTest {

  @Test
  void assigneeListsKnowTheSameRolesAsKeys() {
    assertThat(Assignees.ROLES).isEqualTo(WeftPrincipal.ROLES);
  }

  @Test
  void aPrincipalAndTheActorARunSeesMatchTheSameAssignees() {
    WeftPrincipal p = new WeftPrincipal("ann", List.of("operator"), List.of("finance"));
    Actor a = new Actor(p.id(), p.roles(), p.groups());
    for (String assignee : List.of("ann", "bob", "role:operator", "role:admin", "group:finance", "group:ops")) {
      assertThat(a.matches(assignee)).as(assignee).isEqualTo(p.matches(assignee));
    }
    assertThat(a.matchesAny(List.of("bob", "group:finance"))).isTrue();
  }
}
