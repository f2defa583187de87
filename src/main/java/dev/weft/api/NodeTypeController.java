package dev.weft.api;

import dev.weft.definition.Json;
import dev.weft.domain.DomainException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import tools.jackson.databind.JsonNode;

import dev.weft.config.ServesApi;
import dev.weft.node.NodeRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The node catalogue: every type with its kind, description and config JSON schema. */
@RestController
@ServesApi
@Tag(name = "Node types")
public class NodeTypeController {
  private final NodeRegistry registry;

  public NodeTypeController(NodeRegistry registry) {
    this.registry = registry;
  }

  /**
   * The ports a node of this type offers with this config, for the console's editor: {@code ports} is null
   * while the config does not bind (incomplete, or a templated field that decides the ports).
   */
  @Operation(summary = "The outgoing ports of a node type for a config")
  @PostMapping(path = "/api/node-types/{type}/ports", produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> ports(@PathVariable String type, @RequestBody(required = false) String body) {
    if (registry.find(type).isEmpty()) {
      throw DomainException.notFound("/type", "node_type.unknown", "no node type '" + type + "'; GET /api/node-types lists them");
    }
    JsonNode config = body == null || body.isBlank() ? Json.object() : JsonBodies.parse(body);
    if (!config.isObject()) throw DomainException.invalid("", "json.type", "the body is the node's config: a JSON object");
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("type", type);
    out.put("ports", registry.ports(type, config).orElse(null));
    return out;
  }

  @Operation(summary = "The node catalogue")
  @GetMapping(path = "/api/node-types", produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> list() {
    return Map.of("nodeTypes", registry.catalogue());
  }
}
