package dev.weft.node.http;

import dev.weft.node.CredentialResolver;
import dev.weft.node.NodeFailure;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a resolved credential adds to a request (headers, a query parameter), and the redaction of its
 * secret values from everything the node reports: error messages, error previews and outputs (an
 * upstream may echo a header back).
 */
public final class CredentialAuth {
  static final String REDACTED = "[redacted]";
  /** Shorter secrets are not searched for in texts: redacting every "ab" would garble outputs. */
  private static final int MIN_REDACTED = 4;

  /** The headers the credential adds (read-only outside this package). */
  final Map<String, String> headers = new LinkedHashMap<>();
  /** The query parameter an apiKey-in-query credential adds; null otherwise. */
  String queryName;
  String queryValue;
  private final List<String> secrets = new ArrayList<>();

  private CredentialAuth() {}

  public static CredentialAuth of(CredentialResolver.Secret s) {
    CredentialAuth a = new CredentialAuth();
    JsonNode d = s.data();
    switch (s.type()) {
      case "bearer" -> {
        String token = d.path("token").asString("");
        a.headers.put("Authorization", "Bearer " + token);
        a.secret(token);
      }
      case "basic" -> {
        String user = d.path("username").asString("");
        String password = d.path("password").asString("");
        String encoded = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        a.headers.put("Authorization", "Basic " + encoded);
        a.secret(password);
        a.secret(encoded);
      }
      case "apiKey" -> {
        String value = d.path("value").asString("");
        if ("query".equals(d.path("in").asString(""))) {
          a.queryName = d.path("name").asString("");
          a.queryValue = value;
          a.secret(URLEncoder.encode(value, StandardCharsets.UTF_8));
        } else {
          a.headers.put(d.path("name").asString(""), value);
        }
        a.secret(value);
      }
      case "header" -> d.path("headers").properties().forEach(e -> {
        a.headers.put(e.getKey(), e.getValue().asString(""));
        a.secret(e.getValue().asString(""));
      });
      default -> throw new NodeFailure("credential.unsupported", "credential '" + s.name() + "' is of type " + s.type()
          + ", which the http node cannot send (bearer, basic, apiKey, header or oauth2ClientCredentials)", false);
    }
    return a;
  }

  /**
   * An {@code oauth2ClientCredentials} credential with its access token: {@code Authorization: Bearer} the
   * last of {@code tokens}; every token given and the client secret are redacted.
   */
  static CredentialAuth oauth2(CredentialResolver.Secret s, String... tokens) {
    CredentialAuth a = new CredentialAuth();
    a.headers.put("Authorization", "Bearer " + tokens[tokens.length - 1]);
    for (String t : tokens) a.secret(t);
    a.secret(s.data().path("clientSecret").asString(""));
    return a;
  }

  private void secret(String value) {
    if (value != null && value.length() >= MIN_REDACTED) secrets.add(value);
  }

  /** The headers the credential adds to a request. */
  public Map<String, String> headers() {
    return java.util.Collections.unmodifiableMap(headers);
  }

  /** {@code text} with every secret of the credential replaced. */
  public String redact(String text) {
    if (text == null) return null;
    String out = text;
    for (String s : secrets) out = out.replace(s, REDACTED);
    return out;
  }

  /** A copy of {@code value} with every secret replaced in its strings and keys. */
  JsonNode redact(JsonNode value) {
    if (value == null || secrets.isEmpty()) return value;
    if (value.isString()) return JsonNodeFactory.instance.stringNode(redact(value.stringValue()));
    if (value.isArray()) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      value.forEach(v -> a.add(redact(v)));
      return a;
    }
    if (value.isObject()) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      value.properties().forEach(e -> o.set(redact(e.getKey()), redact(e.getValue())));
      return o;
    }
    return value;
  }

  /** {@code f} with its message and details redacted. */
  NodeFailure redact(NodeFailure f) {
    return new NodeFailure(f.code(), redact(f.getMessage()), f.retryable(), redact(f.details()), f.retryAfter().orElse(null));
  }
}
