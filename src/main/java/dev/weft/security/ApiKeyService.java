package dev.weft.security;

import dev.weft.domain.DomainException;
import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.store.ApiKeyRecord;
import dev.weft.store.ApiKeyStore;
import dev.weft.store.AuditLog;
import dev.weft.domain.Tenants;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * API keys: issuing (the key is returned once and only its hash is stored), revoking, reading, and
 * resolving a presented key to its principal. Every change is written to the audit log, never with the
 * key or its hash.
 */
public class ApiKeyService {
  /** Principal ids: no {@code :} (assignee lists use {@code role:x} and {@code group:x}). */
  static final Pattern PRINCIPAL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}");
  static final Pattern GROUP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  /** Ids Weft acts as itself: a key for them would let a caller pass for the engine or a webhook. */
  static final Set<String> RESERVED = Set.of(WeftPrincipal.SYSTEM.id(), WeftPrincipal.WEBHOOK.id(), "anonymous");
  static final int MAX_DESCRIPTION = 500;
  private static final Set<String> FIELDS = Set.of("principal", "roles", "groups", "description", "expiresAt");

  private final ApiKeyStore store;
  private final AuditLog audit;
  private final Clock clock;
  private final Duration lastUsedGranularity;

  public ApiKeyService(ApiKeyStore store, AuditLog audit, Clock clock, Duration lastUsedGranularity) {
    this.store = store;
    this.audit = audit;
    this.clock = clock;
    this.lastUsedGranularity = lastUsedGranularity;
  }

  /** What a new key is for: checked in full by {@link #parse}. */
  public record NewKey(String principal, List<Role> roles, List<String> groups, String description, Instant expiresAt) {}

  /** A key just issued: its record and the key itself, which nobody sees again. */
  public record Issued(ApiKeyRecord record, String key) {}

  /** A key that was presented and is valid: its id and whom it stands for. */
  public record Authenticated(String keyId, WeftPrincipal principal) {}

  /** Issues a key as {@code body} asks; 400 {@code key.invalid} with every violation. */
  public Issued create(JsonNode body, WeftPrincipal actor) {
    return issue(parse(body), ApiKeys.generate(), actor.id(), "api");
  }

  /**
   * Issues an admin key for {@code principal} in the current tenant (a new tenant's first key), audited
   * as made by {@code createdBy}; the caller shows the key once.
   */
  public Issued issueAdmin(String principal, String createdBy, String source) {
    if (!validPrincipal(principal)) throw DomainException.invalid("/adminPrincipal", "key.principal_invalid", PRINCIPAL_RULE);
    return issue(new NewKey(principal, List.of(Role.ADMIN), List.of(), "first admin key of the tenant", null),
        ApiKeys.generate(), createdBy, source);
  }

  /**
   * Stores the hash of {@code key} for {@code k} and audits it ({@code source}: how the key came to
   * be); the caller shows {@code key} once, or never.
   */
  Issued issue(NewKey k, String key, String createdBy, String source) {
    ApiKeyRecord r = new ApiKeyRecord(ApiKeys.newId(), ApiKeys.displayPrefix(key), k.principal(),
        k.roles().stream().map(Role::wire).toList(), k.groups(), k.description(), clock.instant().truncatedTo(ChronoUnit.MICROS),
        createdBy, k.expiresAt(), null, null, null, Tenants.current());
    store.insert(r, ApiKeys.hash(key));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("principal", r.principal());
    details.put("roles", r.roles());
    details.put("groups", r.groups());
    details.put("prefix", r.prefix());
    if (r.expiresAt() != null) details.put("expiresAt", r.expiresAt().toString());
    details.put("source", source);
    audit.record(createdBy, "key.create", "api_key", r.id(), null, null, Json.MAPPER.valueToTree(details));
    return new Issued(r, key);
  }

  /** Revokes a key (again: nothing happens); 404 when unknown, 409 {@code key.last_admin}. */
  public void revoke(String id, WeftPrincipal actor) {
    switch (store.revoke(id, actor.id(), clock.instant())) {
      case NOT_FOUND -> throw notFound(id);
      case LAST_ADMIN -> throw DomainException.conflict("path.id", "key.last_admin",
          "key '" + id + "' is the last active admin key; create another admin key before revoking it");
      case ALREADY_REVOKED -> { }
      case REVOKED -> {
        ApiKeyRecord k = get(id);
        audit.record(actor.id(), "key.revoke", "api_key", id, null, null,
            Json.MAPPER.valueToTree(Map.of("principal", k.principal(), "prefix", k.prefix())));
      }
    }
  }

  public ApiKeyRecord get(String id) {
    return store.find(id).orElseThrow(() -> notFound(id));
  }

  public List<ApiKeyRecord> list(boolean includeRevoked, int limit, int offset) {
    return store.list(includeRevoked, limit, offset);
  }

  /**
   * The principal of a presented key, when the key is known, not revoked and not expired. Records its
   * use at most once per granularity, so most requests cost one indexed read and no write.
   */
  public Optional<Authenticated> authenticate(String key) {
    if (key.isEmpty() || key.length() > ApiKeys.MAX_LENGTH) return Optional.empty();
    Instant now = clock.instant();
    Optional<ApiKeyRecord> found = store.findByHash(ApiKeys.hash(key)).filter(k -> k.active(now));
    found.filter(k -> k.lastUsedAt() == null || k.lastUsedAt().isBefore(now.minus(lastUsedGranularity)))
        .ifPresent(k -> {
          try (Tenants.Scope ignored = Tenants.open(k.tenant())) {
            store.touch(k.id(), now, lastUsedGranularity);
          }
        });
    return found.map(k -> new Authenticated(k.id(), new WeftPrincipal(k.principal(), k.roles(), k.groups(), k.tenant())));
  }

  static final String PRINCIPAL_RULE =
      "a principal id is 1-128 letters, digits and . _ @ + -, starting with a letter or digit, and not reserved";

  /** Whether {@code principal} may be the principal of a key. */
  public static boolean validPrincipal(String principal) {
    return principal != null && PRINCIPAL.matcher(principal).matches() && !RESERVED.contains(principal);
  }

  /** Checks a creation request in one pass: every violation with its JSON pointer. */
  NewKey parse(JsonNode body) {
    List<Violation> errors = new ArrayList<>();
    if (body == null || !body.isObject()) {
      throw DomainException.invalid("", "json.type", "a key request is an object {principal, roles, groups?, description?, expiresAt?}");
    }
    for (String f : body.propertyNames()) {
      if (!FIELDS.contains(f)) errors.add(Violation.of("/" + f, "request.unknown_field", "unknown field '" + f + "'; expected " + FIELDS));
    }
    String principal = null;
    JsonNode p = body.get("principal");
    if (p == null || p.isNull() || (p.isString() && p.stringValue().isBlank())) {
      errors.add(Violation.of("/principal", "key.principal_required", "principal (the id the key acts as) is required"));
    } else if (!p.isString() || !PRINCIPAL.matcher(p.stringValue()).matches()) {
      errors.add(Violation.of("/principal", "key.principal_invalid",
          "a principal id is 1-128 letters, digits and . _ @ + -, starting with a letter or digit"));
    } else if (RESERVED.contains(p.stringValue())) {
      errors.add(Violation.of("/principal", "key.principal_reserved", "'" + p.stringValue() + "' is reserved for Weft itself"));
    } else {
      principal = p.stringValue();
    }
    Set<Role> roles = new LinkedHashSet<>();
    JsonNode rs = body.get("roles");
    if (rs == null || rs.isNull() || (rs.isArray() && rs.isEmpty())) {
      errors.add(Violation.of("/roles", "key.roles_required", "roles is a non-empty list of admin, editor, operator, viewer"));
    } else if (!rs.isArray()) {
      errors.add(Violation.of("/roles", "json.type", "roles is a list of admin, editor, operator, viewer"));
    } else {
      for (int i = 0; i < rs.size(); i++) {
        JsonNode r = rs.get(i);
        Optional<Role> role = r.isString() ? Role.of(r.stringValue()) : Optional.empty();
        if (role.isEmpty()) {
          errors.add(Violation.of("/roles/" + i, "key.role_invalid", "unknown role " + r + "; roles are admin, editor, operator, viewer"));
        } else {
          roles.add(role.get());
        }
      }
    }
    Set<String> groups = new LinkedHashSet<>();
    JsonNode gs = body.get("groups");
    if (gs != null && !gs.isNull()) {
      if (!gs.isArray()) {
        errors.add(Violation.of("/groups", "json.type", "groups is a list of group names"));
      } else {
        for (int i = 0; i < gs.size(); i++) {
          JsonNode g = gs.get(i);
          if (g.isString() && GROUP.matcher(g.stringValue()).matches()) {
            groups.add(g.stringValue());
          } else {
            errors.add(Violation.of("/groups/" + i, "key.group_invalid",
                "a group name is 1-64 letters, digits and . _ -, starting with a letter or digit"));
          }
        }
      }
    }
    String description = null;
    JsonNode d = body.get("description");
    if (d != null && !d.isNull()) {
      if (!d.isString() || d.stringValue().length() > MAX_DESCRIPTION) {
        errors.add(Violation.of("/description", "key.description_invalid", "description is text of at most " + MAX_DESCRIPTION + " characters"));
      } else {
        description = d.stringValue();
      }
    }
    Instant expiresAt = null;
    JsonNode e = body.get("expiresAt");
    if (e != null && !e.isNull()) {
      try {
        expiresAt = OffsetDateTime.parse(e.isString() ? e.stringValue() : "-").toInstant().truncatedTo(ChronoUnit.MICROS);
        if (!expiresAt.isAfter(clock.instant())) {
          errors.add(Violation.of("/expiresAt", "key.expires_invalid", "expiresAt is in the past"));
        }
      } catch (DateTimeParseException ex) {
        errors.add(Violation.of("/expiresAt", "key.expires_invalid", "expiresAt is a timestamp such as 2030-01-31T12:00:00Z"));
      }
    }
    if (!errors.isEmpty()) {
      throw DomainException.invalid("key.invalid", errors.size() + " problem(s) in the key request", errors);
    }
    return new NewKey(principal, List.copyOf(roles), List.copyOf(groups), description, expiresAt);
  }

  private static DomainException notFound(String id) {
    return DomainException.notFound("path.id", "key.not_found", "no API key '" + id + "'");
  }
}
