package dev.weft.api;

import dev.weft.config.ServesApi;
import dev.weft.security.WeftPrincipal;
import dev.weft.service.TenantService;
import dev.weft.store.TenantRecord;
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
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Tenants (admins of the default tenant only; to anyone else 404): created with their first admin key,
 * listed, renamed or re-tiered, disabled and enabled again.
 */
@RestController
@ServesApi
@RequestMapping(path = "/api/tenants", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Tenants")
public class TenantController {
  private final TenantService tenants;
  private final Paging paging;

  public TenantController(TenantService tenants, Paging paging) {
    this.tenants = tenants;
    this.paging = paging;
  }

  @Operation(summary = "Create a tenant", description = "With its first admin key (principal adminPrincipal, default "
      + "'admin'), shown in this answer only. 409 tenant.exists when the id is taken.")
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Map<String, Object>> create(
      @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "{id, name?, tier?, adminPrincipal?}",
          content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = TenantRequest.class)))
      @RequestBody String body, @AuthenticationPrincipal WeftPrincipal caller) {
    TenantService.Created created = tenants.create(JsonBodies.parse(body), caller);
    Map<String, Object> out = view(created.tenant());
    Map<String, Object> key = new LinkedHashMap<>();
    key.put("id", created.adminKey().record().id());
    key.put("key", created.adminKey().key());
    key.put("principal", created.adminKey().record().principal());
    key.put("roles", created.adminKey().record().roles());
    out.put("adminKey", key);
    return ResponseEntity.created(URI.create("/api/tenants/" + created.tenant().id())).header("Cache-Control", "no-store").body(out);
  }

  /** The documented shape of a creation request (the body is read by hand, for exact error paths). */
  record TenantRequest(
      @Schema(description = "2-40 lower-case letters, digits and '-', starting with a letter", requiredMode = Schema.RequiredMode.REQUIRED) String id,
      @Schema(description = "display name; default the id") String name,
      @Schema(description = "free, pro or enterprise; absent: the configured default tier") String tier,
      @Schema(description = "principal of the first admin key; default 'admin'") String adminPrincipal) {}

  /** The documented shape of an update. */
  record TenantUpdate(@Schema(description = "display name") String name,
      @Schema(description = "free, pro or enterprise; null: the configured default tier") String tier) {}

  @Operation(summary = "List tenants", description = "By id; disabled ones with ?disabled=true.")
  @GetMapping
  Map<String, Object> list(@RequestParam(defaultValue = "false") boolean disabled,
      @Parameter(description = "page size, 1 to weft.api.max-page-size (500)", schema = @Schema(minimum = "1", maximum = "500"))
      @RequestParam(required = false) Integer limit, @RequestParam(defaultValue = "0") int offset,
      @AuthenticationPrincipal WeftPrincipal caller) {
    int n = paging.limit(limit);
    if (offset < 0) throw ApiProblem.badRequest("query.offset", "request.invalid_parameter", "offset must not be negative");
    List<Map<String, Object>> items = tenants.list(caller, disabled, n, offset).stream().map(TenantController::view).toList();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tenants", items);
    if (items.size() == n) out.put("nextOffset", offset + n);
    return out;
  }

  @Operation(summary = "Read a tenant")
  @GetMapping("/{id}")
  Map<String, Object> get(@PathVariable String id, @AuthenticationPrincipal WeftPrincipal caller) {
    return view(tenants.get(caller, id));
  }

  @Operation(summary = "Rename or re-tier a tenant")
  @PutMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> update(@PathVariable String id,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "{name?, tier?}",
          content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = TenantUpdate.class)))
      @RequestBody String body, @AuthenticationPrincipal WeftPrincipal caller) {
    return view(tenants.update(caller, id, JsonBodies.parse(body)));
  }

  @Operation(summary = "Disable a tenant", description = "Its keys and tokens are refused (401) from the next request on "
      + "and its webhooks answer 404; its data and runs stay. 409 tenant.default for the default tenant.")
  @DeleteMapping("/{id}")
  ResponseEntity<Void> disable(@PathVariable String id, @AuthenticationPrincipal WeftPrincipal caller) {
    tenants.disable(caller, id);
    return ResponseEntity.noContent().build();
  }

  @Operation(summary = "Enable a disabled tenant again")
  @PostMapping("/{id}/enable")
  Map<String, Object> enable(@PathVariable String id, @AuthenticationPrincipal WeftPrincipal caller) {
    return view(tenants.enable(caller, id));
  }


  private static Map<String, Object> view(TenantRecord t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.id());
    m.put("name", t.name());
    m.put("tier", t.tier());
    m.put("createdAt", t.createdAt());
    m.put("createdBy", t.createdBy());
    m.put("updatedAt", t.updatedAt());
    m.put("disabledAt", t.disabledAt());
    m.put("disabledBy", t.disabledBy());
    return m;
  }
}
