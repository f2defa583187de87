package dev.weft.api;

import dev.weft.config.ServesApi;
import dev.weft.security.ApiKeyService;
import dev.weft.security.WeftPrincipal;
import dev.weft.store.ApiKeyRecord;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** API keys (admin only): issued once with the key, listed and read without it, revoked. */
@RestController
@ServesApi
@RequestMapping(path = "/api/keys", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "API keys")
public class ApiKeyController {
  private final ApiKeyService keys;
  private final Paging paging;

  public ApiKeyController(ApiKeyService keys, Paging paging) {
    this.keys = keys;
    this.paging = paging;
  }

  @Operation(summary = "Create an API key", description = "The answer holds the key itself: the only time it is shown. "
      + "Only its SHA-256 hash is stored.")
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Map<String, Object>> create(
      @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "{principal, roles, groups?, description?, expiresAt?}",
          content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = KeyRequest.class)))
      @RequestBody String body, @AuthenticationPrincipal WeftPrincipal caller) {
    ApiKeyService.Issued issued = keys.create(JsonBodies.parse(body), caller);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", issued.record().id());
    out.put("key", issued.key());
    out.putAll(view(issued.record()));
    return ResponseEntity.created(URI.create("/api/keys/" + issued.record().id())).header("Cache-Control", "no-store").body(out);
  }

  /** The documented shape of a creation request (the body is read by hand, for exact error paths). */
  record KeyRequest(
      @Schema(description = "the principal id the key acts as", requiredMode = Schema.RequiredMode.REQUIRED) String principal,
      @Schema(description = "admin, editor, operator, viewer", requiredMode = Schema.RequiredMode.REQUIRED) List<String> roles,
      @Schema(description = "groups, for approver lists such as group:finance") List<String> groups,
      @Schema(description = "what the key is for") String description,
      @Schema(description = "when the key stops working; default never", format = "date-time") String expiresAt) {}

  @Operation(summary = "List API keys", description = "Newest first, never with the key or its hash; revoked keys with ?revoked=true.")
  @GetMapping
  Map<String, Object> list(@RequestParam(defaultValue = "false") boolean revoked,
      @Parameter(description = "page size, 1 to weft.api.max-page-size (500)", schema = @Schema(minimum = "1", maximum = "500"))
      @RequestParam(required = false) Integer limit, @RequestParam(defaultValue = "0") int offset) {
    int n = paging.limit(limit);
    if (offset < 0) throw ApiProblem.badRequest("query.offset", "request.invalid_parameter", "offset must not be negative");
    List<Map<String, Object>> items = keys.list(revoked, n, offset).stream().map(ApiKeyController::view).toList();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("keys", items);
    if (items.size() == n) out.put("nextOffset", offset + n);
    return out;
  }

  @Operation(summary = "Read an API key", description = "Never with the key or its hash.")
  @GetMapping("/{id}")
  Map<String, Object> get(@PathVariable String id) {
    return view(keys.get(id));
  }

  @Operation(summary = "Revoke an API key", description = "At once: the key is refused (401) from the next request on. "
      + "409 key.last_admin for the last active admin key.")
  @DeleteMapping("/{id}")
  ResponseEntity<Void> revoke(@PathVariable String id, @AuthenticationPrincipal WeftPrincipal caller) {
    keys.revoke(id, caller);
    return ResponseEntity.noContent().build();
  }

  private static Map<String, Object> view(ApiKeyRecord k) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", k.id());
    m.put("prefix", k.prefix());
    m.put("principal", k.principal());
    m.put("roles", k.roles());
    m.put("groups", k.groups());
    m.put("description", k.description());
    m.put("createdAt", k.createdAt());
    m.put("createdBy", k.createdBy());
    m.put("expiresAt", k.expiresAt());
    m.put("lastUsedAt", k.lastUsedAt());
    m.put("revokedAt", k.revokedAt());
    m.put("revokedBy", k.revokedBy());
    return m;
  }
}
