package dev.weft.service;

import dev.weft.definition.Json;
import dev.weft.domain.DomainException;
import dev.weft.node.CredentialResolver;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeFailure;
import dev.weft.security.CredentialCrypto;
import dev.weft.security.WeftPrincipal;
import dev.weft.store.AuditLog;
import dev.weft.store.CredentialRecord;
import dev.weft.store.CredentialStore;
import dev.weft.domain.Tenants;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Credentials: created, replaced, deleted and listed by editors (reads show metadata only, never a
 * secret), resolved by activity nodes at run time ({@link CredentialResolver}), their data keys re-wrapped
 * under the current master key on request. Every change and every use is audited, without values.
 */
public class CredentialService implements CredentialResolver {
  /** A credential's name. */
  public static final Pattern NAME = dev.weft.node.CredentialResolver.NAME;
  public static final List<String> TYPES = List.of("apiKey", "bearer", "basic", "header", "custom", "oauth2ClientCredentials");
  /** How an {@code oauth2ClientCredentials} client authenticates to its token endpoint; the first is the default. */
  public static final List<String> AUTH_STYLES = List.of("basic", "body");
  private static final int MAX_SCOPES = 100;
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]{1,256}");
  private static final int MAX_DATA_BYTES = 64 * 1024;

  private final CredentialStore store;
  private final CredentialCrypto crypto;
  private final AuditLog audit;
  private final Clock clock;
  private final List<CredentialResolver.Cache> caches = new java.util.concurrent.CopyOnWriteArrayList<>();

  public CredentialService(CredentialStore store, CredentialCrypto crypto, AuditLog audit, Clock clock) {
    this.store = store;
    this.crypto = crypto;
    this.audit = audit;
    this.clock = clock;
  }

  /** {@code cache} is told of every credential replaced or deleted here, to drop what it derived from it. */
  public void register(CredentialResolver.Cache cache) {
    caches.add(cache);
  }

  private void forget(String name) {
    String tenant = Tenants.current();
    caches.forEach(c -> c.forget(tenant, name));
  }

  public CredentialRecord create(JsonNode body, WeftPrincipal caller) {
    requireObject(body);
    String name = name(body.get("name"));
    String type = type(body.get("type"));
    JsonNode data = data(type, body.get("data"));
    List<String> usableBy = usableBy(body.get("usableBy"));
    Instant now = clock.instant();
    CredentialRecord c = sealed(name, type, data, now, caller.id(), null).withUsableBy(usableBy);
    if (!store.insert(c)) throw DomainException.conflict("/name", "credential.exists", "a credential '" + name + "' exists");
    audit.record(caller.id(), "credential.create", "credential", name, null, null, Json.object().put("type", type));
    return c;
  }

  public CredentialRecord replace(String name, JsonNode body, WeftPrincipal caller) {
    requireObject(body);
    JsonNode given = body.get("name");
    if (given != null && !(given.isString() && given.stringValue().equals(name))) {
      throw DomainException.invalid("/name", "credential.invalid", "name must be absent or '" + name + "' (a credential is not renamed)");
    }
    String type = type(body.get("type"));
    JsonNode data = data(type, body.get("data"));
    List<String> usableBy = usableBy(body.get("usableBy"));
    CredentialRecord old = get(name);
    CredentialRecord c = sealed(name, type, data, old.createdAt(), old.createdBy(), caller.id()).withUsableBy(usableBy);
    if (!store.update(c)) throw notFound(name);
    forget(name);
    audit.record(caller.id(), "credential.update", "credential", name, null, null, Json.object().put("type", type));
    return store.find(name).orElseThrow(() -> notFound(name));
  }

  public void delete(String name, WeftPrincipal caller) {
    if (!store.delete(name)) throw notFound(name);
    forget(name);
    audit.record(caller.id(), "credential.delete", "credential", name, null, null, null);
  }

  public CredentialRecord get(String name) {
    return store.find(name).orElseThrow(() -> notFound(name));
  }

  public boolean exists(String name) {
    return store.exists(name);
  }

  public List<CredentialRecord> list(int limit, int offset) {
    return store.list(limit, offset);
  }

  /** What a master-key rotation did: how many data keys were re-wrapped, and which could not be. */
  public record Rotation(long kekKeyId, int rewrapped, List<String> failed) {}

  /**
   * Re-wraps every data key, of every tenant, not wrapped by the primary KEK key under it; the data's
   * ciphertext stays. The master key is the install's, so only its operators (admins of the default
   * tenant) rotate it; to anyone else the endpoint does not exist.
   */
  public Rotation rotateMasterKey(WeftPrincipal caller) {
    if (!Tenants.DEFAULT.equals(caller.tenant())) {
      throw DomainException.notFound("", "request.not_found", "no such endpoint in this tenant");
    }
    long primary = crypto.primaryKeyId();
    int done = 0;
    List<String> failed = new ArrayList<>();
    for (String tenant : store.tenants()) {
      try (Tenants.Scope ignored = Tenants.open(tenant)) {
        int offset = 0;
        for (List<CredentialRecord> page; !(page = store.list(200, offset)).isEmpty(); offset += page.size()) {
          for (CredentialRecord c : page) {
            if (c.kekKeyId() == primary) continue;
            try {
              CredentialCrypto.Sealed s = crypto.rewrap(tenant, c.id(), sealedOf(c));
              if (store.rewrap(c.id(), c.wrappedKey(), s.kekKeyId(), s.wrappedKey())) done++;
            } catch (GeneralSecurityException e) {
              failed.add(Tenants.DEFAULT.equals(tenant) ? c.name() : tenant + "/" + c.name());
            }
          }
        }
      }
    }
    ObjectNode details = Json.object().put("kekKeyId", primary).put("rewrapped", done);
    failed.forEach(details.putArray("failed")::add);
    audit.record(caller.id(), "credential.rotate_master_key", "credential", "*", null, null, details);
    return new Rotation(primary, done, failed);
  }

  /** The decrypted data, for a use at run time: audited with the run, node and the principal who started the run. */
  @Override
  public Optional<Secret> resolve(String name, NodeContext ctx) {
    Optional<CredentialRecord> found = store.find(name);
    if (found.isEmpty()) return Optional.empty();
    CredentialRecord c = found.get();
    byte[] plain;
    try {
      plain = crypto.open(Tenants.current(), c.id(), sealedOf(c));
    } catch (GeneralSecurityException e) {
      throw new NodeFailure("credential.undecryptable", "credential '" + name + "' cannot be decrypted with the configured"
          + " master key(s)", false);
    }
    String runId = ctx == null ? null : ctx.runId();
    String startedBy = runId == null ? null : audit.list(new AuditLog.Filter(null, "run.start", runId, null, null, null), null, 1)
        .stream().map(AuditLog.Entry::principal).findFirst().orElse(null);
    audit.record(startedBy == null ? "system" : startedBy, "credential.use", "credential", name, runId,
        ctx == null ? null : ctx.nodeId(), Json.object().put("type", c.type()));
    store.touch(name, clock.instant(), Duration.ZERO);
    // A replaced credential gets a new id: the version changes with every replacement.
    return Optional.of(new Secret(name, c.type(), Json.parse(new String(plain, java.nio.charset.StandardCharsets.UTF_8)),
        Tenants.current(), c.id() + "@" + c.updatedAt()));
  }

  /**
   * The decrypted data of {@code name} in the current tenant, to check a webhook request before any run
   * exists. Not counted as a use, so that a refused request writes nothing: {@link #recordWebhookUse} counts
   * it once the request passed.
   *
   * @throws GeneralSecurityException when no configured key decrypts it
   */
  public Optional<Secret> openForWebhook(String name) throws GeneralSecurityException {
    Optional<CredentialRecord> found = store.find(name);
    if (found.isEmpty()) return Optional.empty();
    CredentialRecord c = found.get();
    byte[] plain = crypto.open(Tenants.current(), c.id(), sealedOf(c));
    return Optional.of(new Secret(name, c.type(), Json.parse(new String(plain, java.nio.charset.StandardCharsets.UTF_8))));
  }

  /** A request to {@code /hooks/<path>} that credential {@code name} verified started run {@code runId}: a use, audited. */
  public void recordWebhookUse(String name, String type, String path, String runId) {
    audit.record(WeftPrincipal.WEBHOOK.id(), "credential.use", "credential", name, runId, null,
        Json.object().put("type", type).put("webhook", path));
    store.touch(name, clock.instant(), Duration.ZERO);
  }

  private CredentialRecord sealed(String name, String type, JsonNode data, Instant createdAt, String createdBy, String updatedBy) {
    String id = UUID.randomUUID().toString();
    CredentialCrypto.Sealed s = crypto.seal(Tenants.current(), id, Json.MAPPER.writeValueAsBytes(data));
    Instant now = clock.instant();
    return new CredentialRecord(name, id, type, publicData(type, data), s.kekKeyId(), s.wrappedKey(), s.ciphertext(), createdAt,
        createdBy, now, updatedBy == null ? createdBy : updatedBy, null);
  }

  private static CredentialCrypto.Sealed sealedOf(CredentialRecord c) {
    return new CredentialCrypto.Sealed(c.kekKeyId(), c.wrappedKey(), c.ciphertext());
  }

  /**
   * The fields a read may show: an apiKey's header or parameter name and where it goes; an OAuth2 client's
   * token endpoint, client id (not a secret in OAuth2), scopes, audience and auth style; nothing of other types.
   */
  private static ObjectNode publicData(String type, JsonNode data) {
    ObjectNode p = Json.object();
    if ("apiKey".equals(type)) {
      p.put("name", data.get("name").stringValue());
      p.put("in", data.get("in").stringValue());
    }
    if ("oauth2ClientCredentials".equals(type)) {
      p.put("tokenUrl", data.get("tokenUrl").stringValue());
      p.put("clientId", data.get("clientId").stringValue());
      p.set("scopes", data.has("scopes") ? data.get("scopes").deepCopy() : tools.jackson.databind.node.JsonNodeFactory.instance.arrayNode());
      if (data.has("audience")) p.put("audience", data.get("audience").stringValue());
      p.put("authStyle", data.has("authStyle") ? data.get("authStyle").stringValue() : AUTH_STYLES.getFirst());
    }
    return p;
  }

  /** Whether a credential may be named by a workflow {@code caller} saves or a node {@code caller} tests. */
  public enum Access { OK, UNKNOWN, FORBIDDEN }

  /**
   * Seed 002's "do you have the API keys each node needs?": the credential exists in the caller's tenant,
   * and its {@code usableBy} (when set) names the caller, by id, role (roles include the ones below them)
   * or group. Without {@code usableBy} every editor may use it.
   */
  public Access access(String name, WeftPrincipal caller) {
    Optional<CredentialRecord> c = store.find(name);
    if (c.isEmpty()) return Access.UNKNOWN;
    List<String> who = c.get().usableBy();
    if (who == null || who.isEmpty()) return Access.OK;
    return caller != null && caller.withImpliedRoles().matchesAny(who) ? Access.OK : Access.FORBIDDEN;
  }

  /** Who may use a credential: absent or null for any editor; else 1-50 assignee entries. */
  private static List<String> usableBy(JsonNode n) {
    if (n == null || n.isNull()) return null;
    if (!n.isArray() || n.isEmpty() || n.size() > 50) {
      throw DomainException.invalid("/usableBy", "credential.invalid",
          "usableBy is a list of 1-50 principal ids, role:<role> or group:<group> (or absent: any editor)");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      JsonNode a = n.get(i);
      if (!a.isString() || a.stringValue().isBlank() || a.stringValue().length() > 200 || a.stringValue().contains("{{")) {
        throw DomainException.invalid("/usableBy/" + i, "credential.invalid", "an entry is a principal id, role:<role> or group:<group>");
      }
      out.add(a.stringValue());
    }
    List<dev.weft.definition.Violation> bad = dev.weft.node.Assignees.check(out, "/usableBy", "credential.invalid");
    if (!bad.isEmpty()) throw DomainException.invalid("credential.invalid", bad.getFirst().message(), bad);
    return List.copyOf(out);
  }

  private static void requireObject(JsonNode body) {
    if (body == null || !body.isObject()) throw DomainException.invalid("", "credential.invalid", "the body must be a JSON object");
  }

  private static String name(JsonNode n) {
    if (n == null || !n.isString() || !NAME.matcher(n.stringValue()).matches()) {
      throw DomainException.invalid("/name", "credential.invalid", "name must match [a-z0-9][a-z0-9_-]{0,62}");
    }
    return n.stringValue();
  }

  private static String type(JsonNode n) {
    if (n == null || !n.isString() || !TYPES.contains(n.stringValue())) {
      throw DomainException.invalid("/type", "credential.invalid", "type must be one of " + String.join(", ", TYPES));
    }
    return n.stringValue();
  }

  /** The data, checked against its type; messages never echo a value. */
  private static JsonNode data(String type, JsonNode data) {
    if (data == null || !data.isObject()) throw DomainException.invalid("/data", "credential.invalid", "data must be an object");
    if (Json.MAPPER.writeValueAsBytes(data).length > MAX_DATA_BYTES) {
      throw DomainException.invalid("/data", "credential.invalid", "data exceeds " + MAX_DATA_BYTES + " bytes");
    }
    switch (type) {
      case "apiKey" -> {
        only(data, Set.of("name", "in", "value"));
        String name = text(data, "name");
        if (!HEADER_NAME.matcher(name).matches()) {
          throw DomainException.invalid("/data/name", "credential.invalid", "name must be a header or query parameter name");
        }
        String in = text(data, "in");
        if (!in.equals("header") && !in.equals("query")) {
          throw DomainException.invalid("/data/in", "credential.invalid", "in must be header or query");
        }
        text(data, "value");
      }
      case "bearer" -> {
        only(data, Set.of("token"));
        text(data, "token");
      }
      case "basic" -> {
        only(data, Set.of("username", "password"));
        text(data, "username");
        JsonNode p = data.get("password");
        if (p == null || !p.isString()) throw DomainException.invalid("/data/password", "credential.invalid", "password must be a string");
      }
      case "header" -> {
        only(data, Set.of("headers"));
        JsonNode h = data.get("headers");
        if (h == null || !h.isObject() || h.isEmpty()) {
          throw DomainException.invalid("/data/headers", "credential.invalid", "headers must be a non-empty object of header → value");
        }
        for (var e : h.properties()) {
          String at = dev.weft.definition.JsonPointers.child("/data/headers", e.getKey());
          if (!HEADER_NAME.matcher(e.getKey()).matches()) throw DomainException.invalid(at, "credential.invalid", "not a header name");
          if (!e.getValue().isString()) throw DomainException.invalid(at, "credential.invalid", "a header value must be a string");
        }
      }
      case "oauth2ClientCredentials" -> {
        only(data, Set.of("tokenUrl", "clientId", "clientSecret", "scopes", "audience", "authStyle"));
        String url = text(data, "tokenUrl");
        try {
          java.net.URI u = java.net.URI.create(url);
          if (u.getScheme() == null || !u.getScheme().matches("(?i)https?") || u.getHost() == null || u.getRawUserInfo() != null
              || u.getRawFragment() != null) {
            throw new IllegalArgumentException();
          }
        } catch (IllegalArgumentException e) {
          throw DomainException.invalid("/data/tokenUrl", "credential.invalid",
              "tokenUrl must be an absolute http(s) URL without user info or fragment");
        }
        text(data, "clientId");
        text(data, "clientSecret");
        JsonNode scopes = data.get("scopes");
        if (scopes != null) {
          if (!scopes.isArray() || scopes.size() > MAX_SCOPES) {
            throw DomainException.invalid("/data/scopes", "credential.invalid", "scopes must be a list of at most " + MAX_SCOPES
                + " scope names");
          }
          for (int i = 0; i < scopes.size(); i++) {
            JsonNode sc = scopes.get(i);
            // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
            if (!sc.isString() || !sc.stringValue().matches("[\\x21\\x23-\\x5B\\x5D-\\x7E]+")) {
              throw DomainException.invalid("/data/scopes/" + i, "credential.invalid",
                  "a scope is printable ASCII without spaces, quotes or backslashes");
            }
          }
        }
        if (data.has("audience")) text(data, "audience");
        if (data.has("authStyle")) {
          JsonNode style = data.get("authStyle");
          if (!style.isString() || !AUTH_STYLES.contains(style.stringValue())) {
            throw DomainException.invalid("/data/authStyle", "credential.invalid", "authStyle must be basic or body");
          }
        }
      }
      default -> { } // custom: any object
    }
    return data;
  }

  private static void only(JsonNode data, Set<String> fields) {
    for (String f : data.propertyNames()) {
      if (!fields.contains(f)) {
        throw DomainException.invalid(dev.weft.definition.JsonPointers.child("/data", f), "credential.invalid",
            "unknown field; expected " + String.join(", ", new java.util.TreeSet<>(fields)));
      }
    }
  }

  private static String text(JsonNode data, String field) {
    JsonNode v = data.get(field);
    if (v == null || !v.isString() || v.stringValue().isEmpty()) {
      throw DomainException.invalid("/data/" + field, "credential.invalid", field + " must be a non-empty string");
    }
    return v.stringValue();
  }

  private static DomainException notFound(String name) {
    return DomainException.notFound("path.name", "credential.not_found", "no credential '" + name + "'");
  }
}
