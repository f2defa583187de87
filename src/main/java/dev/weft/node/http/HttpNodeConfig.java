package dev.weft.node.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Config of {@code http}. */
public record HttpNodeConfig(
    @JsonPropertyDescription("GET (default), POST, PUT, PATCH, DELETE or HEAD") Method method,
    @NotBlank @JsonPropertyDescription("absolute http(s) URL; may hold {{ templates }}") String url,
    @JsonPropertyDescription("request headers") Map<String, String> headers,
    @JsonPropertyDescription("query parameters, appended URL-encoded") Map<String, JsonNode> query,
    @JsonPropertyDescription("request body: an object or list is sent as JSON, a string as text") JsonNode body,
    @JsonPropertyDescription("auto (default: JSON when the response says so), json or text") ResponseType responseType,
    @JsonPropertyDescription("fail the node on a non-2xx status (default true); 5xx and 429 are retryable")
    Boolean failOnStatus,
    @Min(1) @JsonPropertyDescription("largest response body accepted, in bytes (capped by the server's limit)")
    Integer maxResponseBytes,
    @JsonPropertyDescription("the request header carrying the node's idempotency key <run id>/<node id>, the same for"
        + " every retry of this call: true or absent = Idempotency-Key, false = no header, a string = that header"
        + " name (literal, no templates); a header of that name in headers wins")
    JsonNode idempotencyHeader,
    @JsonPropertyDescription("authentication from a stored credential, resolved at run time: {\"credential\": \"<name>\"}"
        + " (bearer, basic, apiKey, header and oauth2ClientCredentials credentials; see /api/credentials)")
    Auth auth) {

  /** Without {@code auth}. */
  public HttpNodeConfig(Method method, String url, Map<String, String> headers, Map<String, JsonNode> query, JsonNode body,
      ResponseType responseType, Boolean failOnStatus, Integer maxResponseBytes, JsonNode idempotencyHeader) {
    this(method, url, headers, query, body, responseType, failOnStatus, maxResponseBytes, idempotencyHeader, null);
  }

  /** Which stored credential authenticates the request; its secret is read only while the activity runs. */
  public record Auth(@NotBlank @JsonPropertyDescription("the credential's name (literal, no templates)") String credential) {}

  /** The header that carries the idempotency key unless the config names another or turns it off. */
  public static final String DEFAULT_IDEMPOTENCY_HEADER = "Idempotency-Key";

  public HttpNodeConfig {
    method = method == null ? Method.GET : method;
    responseType = responseType == null ? ResponseType.AUTO : responseType;
    failOnStatus = failOnStatus == null ? Boolean.TRUE : failOnStatus;
    headers = headers == null ? Map.of() : headers;
    query = query == null ? Map.of() : query;
  }

  /** HTTP methods. */
  public enum Method { GET, POST, PUT, PATCH, DELETE, HEAD }

  /** How the response body is read. */
  public enum ResponseType {
    @JsonProperty("auto") AUTO,
    @JsonProperty("json") JSON,
    @JsonProperty("text") TEXT
  }
}
