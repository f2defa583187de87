package dev.weft.api;

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

  @Operation(summary = "The node catalogue")
  @GetMapping(path = "/api/node-types", produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> list() {
    return Map.of("nodeTypes", registry.catalogue());
  }
}
