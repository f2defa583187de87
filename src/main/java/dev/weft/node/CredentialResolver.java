package dev.weft.node;

import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * How an activity node gets a stored credential's secret at run time, by name. The secret lives only in
 * the activity's memory while it makes its call: it never enters the definition, the activity's input or
 * output, Temporal's history, events or logs. Each resolution counts as a use (audited, {@code lastUsedAt}).
 */
public interface CredentialResolver {
  /** What a credential's name looks like: the store, the API and the nodes that name one share it. */
  java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  /** Resolves nothing: every name is unknown (nodes wired without a credentials store). */
  CredentialResolver NONE = (name, ctx) -> Optional.empty();

  /** The credential {@code name} for a use by the node of {@code ctx}; empty when there is none. */
  Optional<Secret> resolve(String name, NodeContext ctx);

  /**
   * A credential's type ({@code apiKey}, {@code bearer}, {@code basic}, {@code header}, {@code custom}) and
   * its data, secret values included. {@link #toString} shows no data.
   */
  record Secret(String name, String type, JsonNode data) {
    @Override
    public String toString() {
      return "Secret[name=" + name + ", type=" + type + ", data=<redacted>]";
    }
  }
}
