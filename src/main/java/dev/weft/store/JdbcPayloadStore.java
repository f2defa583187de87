package dev.weft.store;

import dev.weft.domain.Tenants;
import dev.weft.definition.Json;
import dev.weft.engine.PayloadStore;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The claim-check store in PostgreSQL: large node outputs, keyed by (run, node, attempt). */
public class JdbcPayloadStore implements PayloadStore {
  private final JdbcClient jdbc;

  public JdbcPayloadStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public String put(String runId, String nodeId, int attempt, JsonNode value) {
    String key = runId + "/" + nodeId + "/" + attempt;
    String text = Json.MAPPER.writeValueAsString(value);
    jdbc.sql("""
        INSERT INTO payloads (tenant_id, key, run_id, node_id, attempt, bytes, value)
        VALUES (:tenant, :key, :run, :node, :attempt, :bytes, :value::json)
        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, bytes = EXCLUDED.bytes""")
        .param("tenant", Tenants.current()).param("key", key).param("run", runId).param("node", nodeId)
        .param("attempt", attempt).param("bytes", text.length()).param("value", text)
        .update();
    return key;
  }

  @Override
  public Optional<JsonNode> get(String key) {
    // The key alone names the payload; the tenant makes sure it is the reader's own.
    return jdbc.sql("SELECT value FROM payloads WHERE key = :key AND tenant_id = :t").param("key", key).param("t", Tenants.current())
        .query((rs, i) -> Jsonb.read(rs, "value")).optional();
  }
}
