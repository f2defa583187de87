package dev.weft.engine;

import tools.jackson.databind.JsonNode;

/**
 * A person's decision on a waiting node, sent as the {@code decide} Update.
 *
 * @param action {@code approve}/{@code reject} (approval), {@code submit} (form), {@code retry}/{@code skip}/{@code stop} (ask)
 * @param values form values, or the substitute output of a skipped node
 * @param config the edited config of a node retried after {@code onError: ask}, or {@code null} to keep it
 */
public record HumanInput(String nodeId, Actor principal, String action, String comment, JsonNode values,
    JsonNode config) {

  public HumanInput {
    // JSON null arrives as a null node: "no edited config".
    if (config != null && config.isNull()) config = null;
  }

  /** A decision as a request states it, before the node and the principal are known. */
  public record Builder(String action, String comment, JsonNode values, JsonNode config) {
    public HumanInput build(String nodeId, Actor principal) {
      return new HumanInput(nodeId, principal, action, comment, values, config);
    }
  }
}
