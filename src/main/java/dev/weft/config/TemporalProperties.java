package dev.weft.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How Weft connects to a real Temporal cluster and how its worker is sized, under {@code weft.temporal.*}.
 * None of it applies to the embedded in-process server except the worker settings. The task queue is
 * {@code weft.engine.task-queue} ({@link WeftProperties.Engine}).
 *
 * @param target frontend {@code host:port}; set (or {@code TEMPORAL_ADDRESS}) = use that cluster instead of
 *     the in-process server. {@code weft.temporal.target} wins over {@code TEMPORAL_ADDRESS}.
 * @param namespace the namespace (else {@code TEMPORAL_NAMESPACE}, else {@code default})
 */
@ConfigurationProperties(prefix = TemporalProperties.PREFIX)
public record TemporalProperties(String target, String namespace, @DefaultValue Tls tls, @DefaultValue Worker worker) {
  public static final String PREFIX = "weft.temporal";

  /**
   * TLS to the frontend. Any of these set turns TLS on.
   *
   * @param enabled TLS with the JVM's trusted CAs and no client certificate (e.g. Temporal Cloud with an API key)
   * @param certChainFile client certificate chain (PEM) for mTLS; with {@code keyFile}
   * @param keyFile the client's PKCS#8 private key (PEM) for mTLS
   * @param keyPassword the key's password, when it is encrypted
   * @param caFile CA certificates (PEM) that sign the server's certificate, instead of the JVM's trusted CAs
   * @param serverName the name the server's certificate must carry, when it differs from the target's host
   * @param apiKey an API key sent as {@code Authorization: Bearer} (Temporal Cloud API-key auth)
   */
  public record Tls(
      @DefaultValue("false") boolean enabled,
      String certChainFile,
      String keyFile,
      String keyPassword,
      String caFile,
      String serverName,
      String apiKey) {

    public boolean on() {
      return enabled || present(certChainFile) || present(keyFile) || present(caFile) || present(serverName) || present(apiKey);
    }

    public boolean mutual() {
      return present(certChainFile) || present(keyFile);
    }
  }

  /**
   * Sizing of Weft's worker. Unset values keep the Temporal SDK's defaults.
   *
   * @param workflowCacheSize workflows kept in memory between tasks (sticky cache), per process
   * @param maxWorkflowThreads threads for cached workflows, per process
   * @param maxConcurrentWorkflowTasks workflow task slots
   * @param maxConcurrentActivities activity slots (node executions at once)
   * @param maxConcurrentLocalActivities local activity slots (event writes)
   * @param workflowTaskPollers concurrent workflow task polls
   * @param activityTaskPollers concurrent activity task polls
   * @param virtualThreads run workflows, activities and local activities on virtual threads (Java 21+)
   * @param eagerStart runs started by this process ask for eager workflow start: their first workflow task
   *     comes back in the start's answer when this process's worker has a free slot (no trip through the
   *     task queue); a plain start otherwise
   */
  public record Worker(
      Integer workflowCacheSize,
      Integer maxWorkflowThreads,
      Integer maxConcurrentWorkflowTasks,
      Integer maxConcurrentActivities,
      Integer maxConcurrentLocalActivities,
      Integer workflowTaskPollers,
      Integer activityTaskPollers,
      @DefaultValue("false") boolean virtualThreads,
      @DefaultValue("true") boolean eagerStart) {}

  static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
