package dev.weft.security;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * What a key may do. Each role includes the ones below it: {@code admin > editor > operator > viewer}.
 * The wire name is the lower-case name; Spring Security sees {@code ROLE_<NAME>}.
 */
public enum Role {
  /** Manages keys and reads the audit log; everything else too. */
  ADMIN,
  /** Creates, changes and archives workflows. */
  EDITOR,
  /** Starts and controls runs. */
  OPERATOR,
  /** Reads workflows, runs, events and node types. */
  VIEWER;

  /** The hierarchy in Spring Security's notation. */
  public static final String HIERARCHY = """
      ROLE_ADMIN > ROLE_EDITOR
      ROLE_EDITOR > ROLE_OPERATOR
      ROLE_OPERATOR > ROLE_VIEWER""";

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public String authority() {
    return "ROLE_" + name();
  }

  public static Optional<Role> of(String wire) {
    return Arrays.stream(values()).filter(r -> r.wire().equals(wire)).findFirst();
  }

  /**
   * What Spring Security sees of a principal's roles (wire names): {@code ROLE_<NAME>} for each one that
   * is a Weft role; the hierarchy adds the roles below. The same for a key and a token.
   */
  public static List<GrantedAuthority> authorities(List<String> roles) {
    return roles.stream().flatMap(r -> of(r).stream()).<GrantedAuthority>map(r -> new SimpleGrantedAuthority(r.authority())).toList();
  }
}
