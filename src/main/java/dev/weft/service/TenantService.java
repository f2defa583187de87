package dev.weft.service;

import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.domain.DomainException;
import dev.weft.security.ApiKeyService;
import dev.weft.security.WeftPrincipal;
import dev.weft.store.AuditLog;
import dev.weft.store.TenantRecord;
import dev.weft.store.TenantStore;
import dev.weft.domain.Tenants;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tenants, managed by the install's operators: admins of the {@link Tenants#DEFAULT default} tenant.
 * To every other caller these operations do not exist (404, as for a resource of another tenant: no
 * existence leak). A new tenant comes with its first admin key, shown once; from then on its admins
 * manage their own keys, credentials and workflows and see nothing of any other tenant.
 */
public class TenantService {
  /** The tiers a tenant may have: they select its rate limits and budgets (docs/security.md). */
  public static final List<String> TIERS = List.of("free", "pro", "enterprise");
  static final int MAX_NAME = 200;
  private static final Set<String> CREATE_FIELDS = Set.of("id", "name", "tier", "adminPrincipal");
  private static final Set<String> UPDATE_FIELDS = Set.of("name", "tier");

  private final TenantStore store;
  private final ApiKeyService keys;
  private final AuditLog audit;
  private final Clock clock;

  public TenantService(TenantStore store, ApiKeyService keys, AuditLog audit, Clock clock) {
    this.store = store;
    this.keys = keys;
    this.audit = audit;
    this.clock = clock;
  }

  /** A tenant just created and the key of its first admin, which nobody sees again. */
  public record Created(TenantRecord tenant, ApiKeyService.Issued adminKey) {}

  public Created create(JsonNode body, WeftPrincipal caller) {
    operator(caller);
    List<Violation> errors = new ArrayList<>();
    object(body, "{id, name, tier?, adminPrincipal?}");
    unknownFields(body, CREATE_FIELDS, errors);
    String id = text(body, "id");
    if (id == null) {
      errors.add(Violation.of("/id", "tenant.id_required", "id is required"));
    } else if (!Tenants.ID.matcher(id).matches()) {
      errors.add(Violation.of("/id", "tenant.id_invalid", "a tenant id is 2-40 lower-case letters, digits and '-', starting with a letter"));
    }
    String name = name(body, errors);
    String tier = tier(body, errors);
    String admin = text(body, "adminPrincipal");
    if (admin != null && !ApiKeyService.validPrincipal(admin)) {
      errors.add(Violation.of("/adminPrincipal", "key.principal_invalid", "a principal id is 1-128 letters, digits and . _ @ + -, "
          + "starting with a letter or digit, and not reserved"));
    }
    if (!errors.isEmpty()) throw DomainException.invalid("tenant.invalid", "the tenant request is invalid", errors);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    TenantRecord t = new TenantRecord(id, name == null ? id : name, tier, now, caller.id(), now, null, null);
    if (!store.insert(t)) throw DomainException.conflict("/id", "tenant.exists", "a tenant '" + id + "' exists");
    audit.record(caller.id(), "tenant.create", "tenant", id, null, null, Json.object().put("name", t.name()).put("tier", tier));
    ApiKeyService.Issued key;
    try (Tenants.Scope ignored = Tenants.open(id)) {
      key = keys.issueAdmin(admin == null ? "admin" : admin, caller.id() + "@" + Tenants.DEFAULT, "tenant.create");
    }
    return new Created(t, key);
  }

  public List<TenantRecord> list(WeftPrincipal caller, boolean includeDisabled, int limit, int offset) {
    operator(caller);
    return store.list(includeDisabled, limit, offset);
  }

  public TenantRecord get(WeftPrincipal caller, String id) {
    operator(caller);
    return store.find(id).orElseThrow(() -> notFound(id));
  }

  public TenantRecord update(WeftPrincipal caller, String id, JsonNode body) {
    TenantRecord t = get(caller, id);
    List<Violation> errors = new ArrayList<>();
    object(body, "{name?, tier?}");
    unknownFields(body, UPDATE_FIELDS, errors);
    String name = name(body, errors);
    String tier = body.has("tier") ? tier(body, errors) : t.tier();
    if (!errors.isEmpty()) throw DomainException.invalid("tenant.invalid", "the tenant request is invalid", errors);
    store.update(id, name == null ? t.name() : name, tier, clock.instant());
    ObjectNode details = Json.object();
    if (name != null) details.put("name", name);
    if (body.has("tier")) details.put("tier", tier);
    audit.record(caller.id(), "tenant.update", "tenant", id, null, null, details);
    return get(caller, id);
  }

  /** Disables a tenant: its keys and tokens are refused from the next request on; its data and runs stay. */
  public void disable(WeftPrincipal caller, String id) {
    get(caller, id);
    if (Tenants.DEFAULT.equals(id)) {
      throw DomainException.conflict("path.id", "tenant.default", "the default tenant holds the install's operators; it cannot be disabled");
    }
    store.setDisabled(id, clock.instant(), caller.id());
    audit.record(caller.id(), "tenant.disable", "tenant", id, null, null, null);
  }

  public TenantRecord enable(WeftPrincipal caller, String id) {
    get(caller, id);
    store.setDisabled(id, clock.instant(), null);
    audit.record(caller.id(), "tenant.enable", "tenant", id, null, null, null);
    return get(caller, id);
  }

  /** Whether {@code id} is a tenant whose callers may act (webhooks, tokens). */
  public boolean active(String id) {
    return id != null && store.active(id);
  }

  /** Only the install's operators manage tenants; to anyone else the tenants API does not exist. */
  private static void operator(WeftPrincipal caller) {
    if (!Tenants.DEFAULT.equals(caller.tenant())) {
      throw DomainException.notFound("", "request.not_found", "no such resource");
    }
  }

  private static DomainException notFound(String id) {
    return DomainException.notFound("path.id", "tenant.not_found", "no tenant '" + id + "'");
  }

  private static void object(JsonNode body, String shape) {
    if (body == null || !body.isObject()) throw DomainException.invalid("", "json.type", "a tenant request is an object " + shape);
  }

  private static void unknownFields(JsonNode body, Set<String> fields, List<Violation> errors) {
    for (String f : body.propertyNames()) {
      if (!fields.contains(f)) errors.add(Violation.of("/" + f, "request.unknown_field", "unknown field '" + f + "'; expected " + fields));
    }
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    return v == null || v.isNull() ? null : v.isString() ? v.stringValue() : v.toString();
  }

  private static String name(JsonNode body, List<Violation> errors) {
    String name = text(body, "name");
    if (name != null && (name.isBlank() || name.length() > MAX_NAME || !body.get("name").isString())) {
      errors.add(Violation.of("/name", "tenant.name_invalid", "a name is 1-" + MAX_NAME + " characters"));
      return null;
    }
    return name;
  }

  private static String tier(JsonNode body, List<Violation> errors) {
    String tier = text(body, "tier");
    if (tier != null && !TIERS.contains(tier)) {
      errors.add(Violation.of("/tier", "tenant.tier_invalid", "tier is one of " + TIERS + " (or absent: the default tier)"));
      return null;
    }
    return tier;
  }
}
