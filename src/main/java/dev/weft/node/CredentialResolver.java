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

  /**
   * The credential {@code name} of the current tenant for a use by the node of {@code ctx}; empty when there
   * is none. {@code ctx} is null for a use outside a run (a model profile used by generation or the agent).
   */
  Optional<Secret> resolve(String name, NodeContext ctx);

  /**
   * A credential's type ({@code apiKey}, {@code bearer}, {@code basic}, {@code header}, {@code custom},
   * {@code oauth2ClientCredentials}) and its data, secret values included; {@code tenant} and {@code version}
   * (changes whenever the credential is replaced) key what is derived from it and kept in memory (an OAuth2
   * access token, a model client). {@link #toString} shows no data.
   */
  record Secret(String name, String type, JsonNode data, String tenant, String version) {
    /** Unversioned, of no named tenant: for resolvers without a store (tests). */
    public Secret(String name, String type, JsonNode data) {
      this(name, type, data, "", "");
    }

    @Override
    public String toString() {
      return "Secret[name=" + name + ", type=" + type + ", tenant=" + tenant + ", version=" + version + ", data=<redacted>]";
    }
  }

  /**
   * Something that keeps what it derived from credentials in memory (OAuth2 access tokens, model clients):
   * told when a credential is replaced or deleted, so it drops that at once.
   */
  interface Cache {
    void forget(String tenant, String name);
  }
}
