package dev.weft.api;

import dev.weft.config.ServesApi;
import dev.weft.security.WeftPrincipal;
import dev.weft.service.CredentialService;
import dev.weft.store.CredentialRecord;
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
 * Credentials (editors manage, operators read, admins rotate the master key): secrets sent by http nodes,
 * encrypted at rest. No answer ever holds a secret value, only metadata.
 */
@RestController
@ServesApi
@RequestMapping(path = "/api/credentials", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Credentials")
public class CredentialController {
  private final CredentialService credentials;
  private final Paging paging;

  public CredentialController(CredentialService credentials, Paging paging) {
    this.credentials = credentials;
    this.paging = paging;
  }

  /** The documented shape of a request (the body is read by hand, for exact error paths). */
  record CredentialRequest(
      @Schema(description = "[a-z0-9][a-z0-9_-]{0,62}; on PUT absent or the path's name", requiredMode = Schema.RequiredMode.REQUIRED)
      String name,
      @Schema(description = "apiKey, bearer, basic, header, custom or oauth2ClientCredentials", requiredMode = Schema.RequiredMode.REQUIRED) String type,
      @Schema(description = "apiKey {name, in: header|query, value} · bearer {token} · basic {username, password} · "
          + "header {headers: {name: value}} · custom (any object) · oauth2ClientCredentials {tokenUrl, clientId, clientSecret,"
          + " scopes?, audience?, authStyle?: basic|body}", requiredMode = Schema.RequiredMode.REQUIRED) Object data,
      @Schema(description = "who may name it in a workflow they save or a node they test: principal ids, role:<role>, "
          + "group:<group>; absent: any editor (credential.forbidden otherwise)") List<String> usableBy) {}

  @Operation(summary = "Create a credential", description = "The data is encrypted at rest and never shown again. "
      + "409 credential.exists when the name is taken; 400 credential.invalid at the offending field.")
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Map<String, Object>> create(
      @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
          schema = @Schema(implementation = CredentialRequest.class))) @RequestBody String body,
      @AuthenticationPrincipal WeftPrincipal caller) {
    CredentialRecord c = credentials.create(JsonBodies.parse(body), caller);
    return ResponseEntity.created(URI.create("/api/credentials/" + c.name())).body(view(c));
  }

  @Operation(summary = "List credentials", description = "By name; metadata only, never a secret.")
  @GetMapping
  Map<String, Object> list(
      @Parameter(description = "page size, 1 to weft.api.max-page-size (500)", schema = @Schema(minimum = "1", maximum = "500"))
      @RequestParam(required = false) Integer limit, @RequestParam(defaultValue = "0") int offset) {
    int n = paging.limit(limit);
    if (offset < 0) throw ApiProblem.badRequest("query.offset", "request.invalid_parameter", "offset must not be negative");
    List<Map<String, Object>> items = credentials.list(n, offset).stream().map(CredentialController::view).toList();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("credentials", items);
    if (items.size() == n) out.put("nextOffset", offset + n);
    return out;
  }

  @Operation(summary = "Read a credential's metadata", description = "Never its secret. 404 credential.not_found.")
  @GetMapping("/{name}")
  Map<String, Object> get(@PathVariable String name) {
    return view(credentials.get(name));
  }

  @Operation(summary = "Replace a credential", description = "New type and data (under a new data key); the name stays.")
  @PutMapping(path = "/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> replace(@PathVariable String name,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
          schema = @Schema(implementation = CredentialRequest.class))) @RequestBody String body,
      @AuthenticationPrincipal WeftPrincipal caller) {
    return view(credentials.replace(name, JsonBodies.parse(body), caller));
  }

  @Operation(summary = "Delete a credential", description = "Runs whose http nodes name it fail with credential.unknown.")
  @DeleteMapping("/{name}")
  ResponseEntity<Void> delete(@PathVariable String name, @AuthenticationPrincipal WeftPrincipal caller) {
    credentials.delete(name, caller);
    return ResponseEntity.noContent().build();
  }

  @Operation(summary = "Re-wrap every data key under the current master key (admin)",
      description = "After a new primary key was added to the key-encryption keyset (or WEFT_MASTER_KEY changed with the old"
          + " one in weft.credentials.previous-master-keys): each credential's data key is wrapped anew by the primary key;"
          + " the data's ciphertext is unchanged. Answers {kekKeyId, rewrapped, failed}.")
  @PostMapping("/rotate-master-key")
  Map<String, Object> rotate(@AuthenticationPrincipal WeftPrincipal caller) {
    CredentialService.Rotation r = credentials.rotateMasterKey(caller);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kekKeyId", r.kekKeyId());
    out.put("rewrapped", r.rewrapped());
    out.put("failed", r.failed());
    return out;
  }


  private static Map<String, Object> view(CredentialRecord c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", c.name());
    m.put("type", c.type());
    if ("apiKey".equals(c.type())) {
      m.put("data", Map.of("name", c.publicData().path("name").asString(""), "in", c.publicData().path("in").asString("")));
    }
    if ("oauth2ClientCredentials".equals(c.type())) {
      // Never the client secret: publicData holds tokenUrl, clientId, scopes, audience and authStyle only.
      m.put("data", c.publicData());
    }
    m.put("createdAt", c.createdAt());
    m.put("createdBy", c.createdBy());
    m.put("updatedAt", c.updatedAt());
    m.put("updatedBy", c.updatedBy());
    m.put("lastUsedAt", c.lastUsedAt());
    m.put("usableBy", c.usableBy());
    return m;
  }
}
